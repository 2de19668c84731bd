import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { sm3 } from "../../../core/crypto/sm3.ts";
import { sm3Fast } from "../../../core/crypto/sm3-fast.ts";
import { generateCompress, regenerated, TARGET } from "../../../scripts/generate/sm3-compress.ts";

describe("SM3 in TypeScript (sm3-fast.ts)", () => {
  it("holds exactly the generator's unrolled compression function, byte for byte", () => {
    const source = readFileSync(TARGET, "utf8");
    expect(source).to.include(generateCompress());
    expect(regenerated(source) === source, "run: npx tsx scripts/generate/sm3-compress.ts").to.equal(true);
  });

  it("a changed round in the generated region is noticed", () => {
    const source = readFileSync(TARGET, "utf8");
    const tampered = source.replace("ss1 = (a12 + e + 2043430169) | 0;", "ss1 = (a12 + e + 2043430168) | 0;");
    expect(tampered).to.not.equal(source);
    expect(regenerated(tampered)).to.equal(source);
  });

  it("equals OpenSSL's SM3 at every length around the block boundaries", () => {
    for (let n = 0; n <= 200; n++) {
      const data = randomBytes(n);
      expect(sm3Fast(data).toString("hex"), `length ${n}`).to.equal(sm3(data).toString("hex"));
    }
  });
});
