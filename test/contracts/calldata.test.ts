import { expect } from "chai";
import { getBytes } from "ethers";
import { OPERATIONS } from "../../core/operations.ts";
import { parseSignedRecord, type SignedRecord } from "../../core/record.ts";
import { registryInterface } from "../../ledger-service/src/chain/evm/artifacts.ts";
import { decodeRelayBatch, encodeCall, encodeRelayBatch, toHex } from "../../ledger-service/src/chain/evm/calldata.ts";
import { callOf } from "../../ledger-service/src/chain/evm/encoding.ts";
import { isWrite, type StepContext } from "../../scripts/scenarios/scenario.ts";
import { SCENARIOS } from "../conformance/scenarios/index.ts";
import { GENESIS, signAs } from "../../scripts/scenarios/world.ts";

/**
 * The write path's ABI coder (micro-eth-signer) must produce exactly ethers' encoding for every
 * registry call: checked on every well-formed record of the conformance suite.
 */
function conformanceRecords(): SignedRecord[] {
  const out: SignedRecord[] = [];
  const c: StepContext = { t: GENESIS + 1_000, time: () => GENESIS };
  for (const scenario of SCENARIOS) {
    for (const [i, step] of scenario.steps.entries()) {
      if (!isWrite(step) || step.raw || step.replayOf) continue;
      const body = typeof step.body === "function" ? step.body(c) : step.body;
      try {
        out.push(parseSignedRecord(signAs(step.as, step.op, body, `${scenario.name}#${i}`)));
      } catch {
        // Records the schema refuses never reach the coder.
      }
    }
  }
  return out;
}

describe("registry calldata: micro-eth-signer's coder ≡ ethers' coder", function () {
  const records = conformanceRecords();

  it("encodes every operation's call byte for byte as ethers does", function () {
    const ops = new Set(records.map((r) => r.record.op));
    expect([...ops].sort()).to.deep.equal(Object.keys(OPERATIONS).sort());
    const iface = registryInterface();
    for (const signed of records) {
      const call = callOf(signed);
      expect(
        toHex(encodeCall(call.fn, call.args)),
        `${signed.record.op} ${JSON.stringify(signed.record.body).slice(0, 80)}`,
      ).to.equal(iface.encodeFunctionData(call.fn, call.args));
    }
  });

  it("encodes a relayBatch and decodes its result as ethers does", function () {
    const iface = registryInterface();
    const calls = records.slice(0, 12).map((s) => encodeCall(callOf(s).fn, callOf(s).args));
    expect(toHex(encodeRelayBatch(calls))).to.equal(iface.encodeFunctionData("relayBatch", [calls]));
    expect(toHex(encodeRelayBatch([]))).to.equal(iface.encodeFunctionData("relayBatch", [[]]));
    const result = iface.encodeFunctionResult("relayBatch", [
      [true, false, true],
      [5n, 0n, 70_000n],
      ["0x", "0x12345678aa", "0x"],
    ]);
    const decoded = decodeRelayBatch(getBytes(result));
    expect(decoded.ok).to.deep.equal([true, false, true]);
    expect(decoded.gasUsed).to.deep.equal([5n, 0n, 70_000n]);
    expect(decoded.revertData.map(toHex)).to.deep.equal(["0x", "0x12345678aa", "0x"]);
  });

  it("refuses a function the registry does not have and a wrong argument count", function () {
    expect(() => encodeCall("noSuchFunction", [])).to.throw(/no function noSuchFunction/);
    expect(() => encodeCall("recordHop", [])).to.throw(/takes 2 arguments/);
  });
});
