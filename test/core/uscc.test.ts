import { expect } from "chai";
import { isValidUscc, usccCheckCharacter, usccProblem } from "../../core/uscc.ts";

describe("unified social credit code (GB 32100-2015)", () => {
  // Published codes of well-known enterprises (national enterprise credit information system).
  const published = ["91440300708461136T", "91110000802100433B", "91330100716105852F", "914403001922038216"];

  it("accepts published codes", () => {
    for (const code of published) expect(isValidUscc(code), code).to.equal(true);
  });

  it("computes the check character of published codes", () => {
    for (const code of published) expect(usccCheckCharacter(code.slice(0, 17))).to.equal(code.charAt(17));
  });

  it("rejects every single-character change of the check character", () => {
    const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (const code of published) {
      for (const c of alphabet) {
        if (c === code.charAt(17)) continue;
        expect(usccProblem(code.slice(0, 17) + c), code + c).to.equal("check-character");
      }
    }
  });

  it("rejects a transposition of two body characters", () => {
    const code = "91440300708461136T";
    const swapped = code.slice(0, 8) + code.charAt(9) + code.charAt(8) + code.slice(10);
    expect(isValidUscc(swapped)).to.equal(false);
  });

  it("names the problem of malformed codes", () => {
    expect(usccProblem("9144030070846113")).to.equal("length");
    expect(usccProblem("91440300708461136TT")).to.equal("length");
    expect(usccProblem("9144030070846113IT")).to.equal("alphabet"); // I is not in the alphabet
    expect(usccProblem("914403007084611s6T")).to.equal("alphabet"); // lower case
    expect(usccProblem("91A40300708461136T")).to.equal("alphabet"); // division code must be digits
    expect(usccProblem("H1440300708461136T")).to.not.equal(undefined); // H is no registration authority
  });
});
