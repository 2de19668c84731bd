import { expect } from "chai";
import { Contract, ContractFactory, BrowserProvider, Wallet, type Eip1193Provider, type InterfaceAbi } from "ethers";
import { readFileSync } from "node:fs";
import { addCalendarMonths, civilFromDays, daysFromCivil, fromIso } from "../../core/time.ts";
import { ZERO_FEE } from "./helpers.ts";

/** contracts/lib/CivilTime.sol must compute exactly what core/time.ts computes. */
describe("CivilTime.sol ≡ core/time.ts", function () {
  let harness: Contract;
  let close: () => Promise<void>;

  before(async function () {
    const hre = (await import("hardhat")).default;
    const connection = await hre.network.create({ network: "default", override: { initialBaseFeePerGas: 0 } } as never);
    close = () => connection.close();
    const provider = new BrowserProvider(connection.provider as unknown as Eip1193Provider);
    const deployer = new Wallet("0x" + "11".repeat(32), provider);
    const artifact = JSON.parse(
      readFileSync(
        new URL("../../artifacts/contracts/test/CivilTimeHarness.sol/CivilTimeHarness.json", import.meta.url),
        "utf8",
      ),
    ) as { abi: InterfaceAbi; bytecode: string };
    const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy(ZERO_FEE);
    await deployed.waitForDeployment();
    harness = new Contract(await deployed.getAddress(), artifact.abi, provider);
  });

  after(async function () {
    await close?.();
  });

  const addMonths = async (ts: number, months: number) =>
    Number(await harness.getFunction("addMonths").staticCall(ts, months));

  it("clamps to the end of the month, in China Standard Time", async function () {
    const cases: [string, number, string][] = [
      ["2026-01-31T12:00:00+08:00", 1, "2026-02-28T12:00:00+08:00"],
      ["2026-03-31T00:00:00+08:00", 1, "2026-04-30T00:00:00+08:00"],
      ["2028-02-29T09:30:00+08:00", 60, "2033-02-28T09:30:00+08:00"],
      ["2027-11-30T23:59:59+08:00", 3, "2028-02-29T23:59:59+08:00"],
      // 31 Jan 20:00 UTC is already 1 Feb in CST: one month later is 1 Mar CST.
      ["2026-01-31T20:00:00Z", 1, "2026-02-28T20:00:00Z"],
      ["2026-01-31T15:59:59Z", 1, "2026-02-28T15:59:59Z"],
      ["2099-12-31T23:59:59+08:00", 2, "2100-02-28T23:59:59+08:00"],
      ["1999-12-31T00:00:00+08:00", 2, "2000-02-29T00:00:00+08:00"],
    ];
    for (const [from, months, to] of cases) {
      const ts = fromIso(from);
      expect(addCalendarMonths(ts, months), `core ${from} + ${months}`).to.equal(fromIso(to));
      expect(await addMonths(ts, months), `solidity ${from} + ${months}`).to.equal(fromIso(to));
    }
  });

  it("agrees with core on 300 random times and periods", async function () {
    let seed = 20_260_101;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const ts = next() * 3 + (next() % 3); // 1970 .. ~2174
      const months = next() % 121;
      expect(await addMonths(ts, months), `${ts} + ${months} months`).to.equal(addCalendarMonths(ts, months));
    }
  });

  it("converts civil dates like core", async function () {
    for (const days of [0, 59, 60, 365, 10_957, 11_016, 20_454, 47_541, 2_932_896]) {
      const { y, m, d } = civilFromDays(days);
      const [sy, sm, sd] = (await harness.getFunction("civilFromDays").staticCall(days)) as [bigint, bigint, bigint];
      expect([Number(sy), Number(sm), Number(sd)]).to.deep.equal([y, m, d]);
      expect(Number(await harness.getFunction("daysFromCivil").staticCall(y, m, d))).to.equal(daysFromCivil(y, m, d));
    }
  });
});
