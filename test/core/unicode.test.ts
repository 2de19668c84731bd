import { expect } from "chai";
import { z } from "zod";
import { LedgerError } from "../../core/errors.ts";
import { parseSignedRecord } from "../../core/record.ts";
import { illFormedPath, validate } from "../../core/validate.ts";
import { signAs, actorBody } from "../../scripts/scenarios/world.ts";

const invalid = (fn: () => unknown): LedgerError => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(LedgerError);
    return err as LedgerError;
  }
  throw new Error("expected a refusal");
};

/**
 * Strings that are not well-formed Unicode (a lone UTF-16 surrogate, which JSON text can carry
 * as "\ud800") have no UTF-8 form: they are refused as INVALID_RECORD, naming the field, before
 * anything signs, hashes or stores them.
 */
describe("well-formed Unicode in records", () => {
  it("accepts any well-formed text, surrogate pairs included", () => {
    expect(illFormedPath({ name: "深圳 😀 data", list: ["a", "𝒳"] })).to.equal(undefined);
    const signed = signAs("agency", "actor.register", { ...actorBody("op"), name: "运营机构 😀" }, "ok");
    expect(parseSignedRecord(JSON.parse(JSON.stringify(signed))).record.actor).to.equal(signed.record.actor);
  });

  it("refuses a lone high or low surrogate, or a reversed pair, naming the field", () => {
    for (const bad of ["x\ud800", "\udfffx", "\udc00\ud800", "a\ud83d"]) {
      const err = invalid(() => validate(z.object({ name: z.string() }), { name: bad }, "record"));
      expect(err.code).to.equal("INVALID_RECORD");
      expect(err.details?.issues).to.deep.equal([
        { path: "name", message: "must be well-formed Unicode (it holds a lone surrogate)" },
      ]);
    }
  });

  it("refuses one in a signed record's body, in an array, or in a property name", () => {
    const signed = signAs("agency", "actor.register", { ...actorBody("op"), name: "ok" }, "bad");
    const text = JSON.stringify(signed).replace('"name":"ok"', '"name":"o\\ud800k"');
    const err = invalid(() => parseSignedRecord(JSON.parse(text)));
    expect(err.code).to.equal("INVALID_RECORD");
    expect(err.detail).to.include("record.body.name");
    expect(illFormedPath({ a: [1, { b: "x\udbff" }] })).to.equal("a[1].b");
    expect(illFormedPath({ ["k\udc00"]: 1 })).to.equal("k\ufffd");
  });

  it("walks any depth without exhausting the stack, and names a deep field briefly", () => {
    let deep: unknown = "\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const path = illFormedPath(deep)!;
    expect(path.startsWith("…")).to.equal(true);
    expect(path.length).to.be.below(100);
    let fine: unknown = "ok";
    for (let i = 0; i < 100_000; i++) fine = { a: fine };
    expect(illFormedPath(fine)).to.equal(undefined);
  });
});
