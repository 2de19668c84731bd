import { expect } from "chai";
import type { z } from "zod";
import { Nonce } from "../../core/record.ts";
import { Anchor } from "../../core/records/anchor.ts";
import { Actor } from "../../core/records/actor.ts";
import {
  EvmAddress,
  Hash,
  Id,
  OrgId,
  PublicKeyHex,
  Scope,
  SignatureHex,
  Text,
  Timestamp,
  uniqueList,
} from "../../core/records/common.ts";
import { ComplaintHandling } from "../../core/records/complaint.ts";
import { DestructionCertificate } from "../../core/records/destruction.ts";
import { LineageHop } from "../../core/records/lineage.ts";
import { PriceFen, Product } from "../../core/records/product.ts";
import { Fields, Grade } from "../../core/records/resource.ts";
import { RevenueFen, RevenueMaximum, RevenueYear } from "../../core/records/revenue.ts";
import { ServiceList } from "../../core/records/service-list.ts";
import { ComplaintEnvelope } from "../../core/complaint-envelope.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { describeIssues, validate } from "../../core/validate.ts";
import type { LedgerError } from "../../core/errors.ts";

const H = "a".repeat(64);
const OP = "91440300MA5" + "ABCDE1";
const ORG = OP + usccCheckCharacter(OP);
const field = { name: "f", type: "string", personalInfo: false } as const;
const artifact = { kind: "artifact", hopId: "h1", hash: H } as const;

/**
 * Every sentence the rulebook's schemas write themselves (zod's locale words only its own), met
 * by a value that breaks it: the schema (or the field of a strict object) and the value.
 */
const CASES: readonly (readonly [string, z.ZodType, unknown])[] = [
  ["an id", Id, "-x"],
  ["a code of 17 characters", OrgId, ORG.slice(0, 17)],
  ["a code with an O", OrgId, `O${ORG.slice(1)}`],
  ["a code of an unknown authority", OrgId, `2${ORG.slice(1)}`],
  ["a code with a wrong check character", OrgId, ORG.slice(0, 17) + (ORG[17] === "0" ? "1" : "0")],
  ["a hash", Hash, "ab"],
  ["fractional seconds", Timestamp, 1.5],
  ["a public key", PublicKeyHex, "04ab"],
  ["a signature", SignatureHex, "ab"],
  ["an EVM address", EvmAddress, "0xAB"],
  ["empty text", Text(8), ""],
  ["text too long", Text(8), "123456789"],
  ["text with white space around it", Text(8), " a"],
  ["too few in a list", uniqueList(Id, 1, 2, "scenarios"), []],
  ["too many in a list", uniqueList(Id, 1, 2, "source units"), ["a", "b", "c"]],
  ["a repeat in a list", uniqueList(Id, 1, 4, "domains"), ["a", "a"]],
  ["no resource granted", Scope, []],
  [
    "a resource granted twice",
    Scope,
    [
      { resourceId: "R1", fields: ["a"] },
      { resourceId: "R1", fields: ["b"] },
    ],
  ],
  ["too many destroyed assets", DestructionCertificate.shape.assets, Array(1025).fill({ hash: H, description: "d" })],
  ["no hop input", LineageHop.shape.inputs, []],
  ["a hop input twice", LineageHop.shape.inputs, [artifact, artifact]],
  ["no field", Fields, []],
  ["a field name twice", Fields, [field, field]],
  ["a grade of 5", Grade, 5],
  ["a fractional year", RevenueYear, 2025.5],
  ["a fractional amount", RevenueFen, 0.5],
  ["a fractional price", PriceFen, 0.5],
  ["a fractional volume", Product.shape.declaredVolume, 1.5],
  ["an MSP id", Actor.shape.fabric.unwrap().shape.mspId, "-x"],
  ["a log origin with a space", Anchor.shape.origin, "a b"],
  ["a sealed complaint not base64", ComplaintEnvelope.shape.sealed, "***"],
  ["a nonce", Nonce, "ab"],
  ["no entry in a service list", ServiceList.shape.entries, []],
  ["a service list naming a product twice", ServiceList.shape.entries, [serviceEntry(), serviceEntry()]],
  [
    "a handling stage with an outcome",
    ComplaintHandling,
    { complaintId: "C1", stage: "handling", outcome: "upheld", reportHash: H },
  ],
  [
    "a maximum revenue below its floor",
    RevenueMaximum,
    { operator: ORG, year: 2025, domains: ["finance"], operatingCostFen: 0, permittedProfitFen: 0, taxFen: 0 },
  ],
];

function serviceEntry() {
  return {
    productId: "P1",
    content: "c",
    responseTime: "t",
    fee: { charge: "free", chargeUnit: "per-call", priceFen: 0 },
  };
}

/** Latin words left in a Chinese sentence, but for the names it must keep (SM2, EVM, base64 …). */
function englishWords(sentence: string): string[] {
  const kept = /^(SM2|SM3|EVM|GB|MSP|ASCII|base64|r|s|I|O|Z|S|V|Unicode|fen)$/;
  return (sentence.replace(/\b0x/g, "").match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter((w) => !kept.test(w));
}

describe("the rulebook schemas' sentences in Chinese", () => {
  for (const [what, schema, value] of CASES)
    it(`words ${what} in Chinese, and keeps the English for English`, () => {
      const en = describeIssues(schema, value, "en");
      const zh = describeIssues(schema, value, "zh");
      expect(en, "the value breaks the schema").to.not.be.empty;
      expect(zh.map((i) => i.path)).to.deep.equal(en.map((i) => i.path));
      for (const [i, issue] of zh.entries()) {
        expect(englishWords(issue.message), `${issue.message} (for: ${en[i]!.message})`).to.deep.equal([]);
        expect(issue.message).to.match(/\p{Script=Han}/u);
      }
      for (const issue of en) expect(issue.message).to.not.match(/\p{Script=Han}/u);
    });

  it("names the limit in both languages", () => {
    expect(describeIssues(Text(8), "123456789", "en")[0]!.message).to.equal("must be at most 8 characters");
    expect(describeIssues(Text(8), "123456789", "zh")[0]!.message).to.equal("至多 8 个字符");
    expect(describeIssues(uniqueList(Id, 3, 4, "scenarios"), ["a"], "zh")[0]!.message).to.equal(
      "须至少列出 3 项应用场景",
    );
    expect(describeIssues(RevenueMaximum, CASES.at(-1)![2], "zh")[0]!.message).to.equal("允许收益上限须至少为 100 分");
  });

  it("passes a sentence it does not know through unchanged, and zod's own Chinese too", () => {
    // A list's name it has no word for: the whole sentence stays English rather than half worded.
    expect(describeIssues(uniqueList(Id, 1, 2, "widgets"), [], "zh")[0]!.message).to.equal(
      "must list at least 1 widgets",
    );
    const zodOwn = describeIssues(Text(8), 5, "zh")[0]!.message;
    expect(zodOwn).to.match(/\p{Script=Han}/u);
  });

  it("gives a refusal of the service its Chinese issues (INVALID_RECORD's issuesZh)", () => {
    let refusal: LedgerError | undefined;
    try {
      validate(Hash, "ab", "reportHash");
    } catch (err) {
      refusal = err as LedgerError;
    }
    expect(refusal?.code).to.equal("INVALID_RECORD");
    const details = refusal!.details as { issues: { message: string }[]; issuesZh: { message: string }[] };
    expect(details.issues[0]!.message).to.equal("must be a 32-byte hash as 64 lowercase hex characters");
    expect(details.issuesZh[0]!.message).to.equal("须为 32 字节的哈希值：64 个小写十六进制字符");
  });
});
