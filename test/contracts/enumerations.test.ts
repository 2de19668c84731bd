import { readFileSync } from "node:fs";
import { expect } from "chai";
import { EVM_ENUMERATIONS, fromEvmEnum, toEvmEnum } from "../../ledger-service/src/chain/evm/enumerations.ts";

/**
 * One convention for every enumeration on the EVM: the Solidity constant PREFIX_NAME equals the
 * index + 1 of "name" in its core/records list (0 is "none"). A reordered or extended list, or a
 * constant edited by hand, fails here rather than only in the conformance run.
 */
const SOLIDITY = readFileSync(new URL("../../contracts/RegistryBase.sol", import.meta.url), "utf8");
const CONSTANTS = new Map(
  [...SOLIDITY.matchAll(/uint8 internal constant ([A-Z0-9_]+) = (\d+);/g)].map((m) => [m[1]!, Number(m[2])]),
);
const constantName = (prefix: string, value: string) => `${prefix}_${value.toUpperCase().replace(/-/g, "_")}`;

describe("EVM enumerations (contracts/RegistryBase.sol ≡ core/records lists)", () => {
  for (const [prefix, list] of Object.entries(EVM_ENUMERATIONS)) {
    it(`names every ${prefix}_* value as its index + 1 in the core list, and nothing else`, () => {
      list.forEach((value, i) => {
        const name = constantName(prefix, value);
        expect(CONSTANTS.get(name), `${name} for "${value}"`).to.equal(i + 1);
        expect(toEvmEnum(list as readonly string[], value)).to.equal(i + 1);
        expect(fromEvmEnum(list as readonly string[], i + 1)).to.equal(value);
      });
      const declared = [...CONSTANTS.keys()].filter((k) => k.startsWith(`${prefix}_`));
      expect(declared.sort()).to.deep.equal(list.map((v) => constantName(prefix, v)).sort());
    });
  }

  it("keeps 0 for none and refuses values outside a list", () => {
    expect(fromEvmEnum(EVM_ENUMERATIONS.GRANT, 0)).to.equal(undefined);
    expect(fromEvmEnum(EVM_ENUMERATIONS.GRANT, EVM_ENUMERATIONS.GRANT.length + 1)).to.equal(undefined);
    expect(() => toEvmEnum(EVM_ENUMERATIONS.ENV as readonly string[], "cloud")).to.throw(RangeError, /cloud/);
  });
});
