import { expect } from "chai";
import {
  DETAIL_NAMES,
  ERROR_CODES,
  ERROR_CODE_LIST,
  LedgerError,
  NAMES_NOTHING,
  REFUSAL_NAMES,
  localizedDetail,
  RULE_ERROR_CODES,
  codeFromSolidityError,
  errorMessage,
  ledgerErrorFromMessage,
  solidityErrorName,
} from "../../core/errors.ts";

describe("rulebook error codes", () => {
  it("has an English and a Chinese message for every code", () => {
    for (const code of ERROR_CODE_LIST) {
      expect(ERROR_CODES[code].en, code).to.match(/\S/);
      expect(ERROR_CODES[code].zh, code).to.match(/[\u4e00-\u9fff]/);
      expect(ERROR_CODES[code].http, code).to.be.within(400, 599);
    }
  });

  it("includes every code the rulebook names", () => {
    for (const code of [
      "GRANT_TERM_TOO_LONG",
      "GRANT_NOT_ACTIVE",
      "REGRANT_FORBIDDEN",
      "ORG_BLACKLISTED",
      "PARTNER_OUT_OF_SCOPE",
      "FIELD_NOT_GRANTED",
      "PRIVACY_ENV_REQUIRED",
      "RAW_EXPORT_FORBIDDEN",
      "CONSENT_REQUIRED",
      "CROSS_BORDER_ASSESSMENT_REQUIRED",
      "PRICE_ABOVE_CAP",
      "PUBLIC_WELFARE_NOT_FREE",
      "EXIT_NOTICE_TOO_SHORT",
      "DESTRUCTION_INCOMPLETE",
      "NOT_AUTHORIZED",
      "DUPLICATE_ID",
      "NOT_FOUND",
    ]) {
      expect(RULE_ERROR_CODES, code).to.include(code);
    }
  });

  it("maps codes to Solidity custom error names and back", () => {
    expect(solidityErrorName("GRANT_TERM_TOO_LONG")).to.equal("GrantTermTooLong");
    expect(solidityErrorName("CROSS_BORDER_ASSESSMENT_REQUIRED")).to.equal("CrossBorderAssessmentRequired");
    for (const code of RULE_ERROR_CODES) expect(codeFromSolidityError(solidityErrorName(code))).to.equal(code);
    expect(codeFromSolidityError("OwnableUnauthorizedAccount")).to.equal(undefined);
  });

  it("gives distinct Solidity names to distinct codes", () => {
    const names = RULE_ERROR_CODES.map(solidityErrorName);
    expect(new Set(names).size).to.equal(names.length);
  });

  it("carries the code, the HTTP status and a message that starts with the code", () => {
    const error = new LedgerError("PRICE_ABOVE_CAP", "price 101 > cap 100");
    expect(error.code).to.equal("PRICE_ABOVE_CAP");
    expect(error.httpStatus).to.equal(422);
    expect(error.message.startsWith("PRICE_ABOVE_CAP: ")).to.equal(true);
    expect(errorMessage("PRICE_ABOVE_CAP", "zh")).to.equal(ERROR_CODES.PRICE_ABOVE_CAP.zh);
  });

  it("comes back whole from its message (how Fabric passes a chaincode error), details included", () => {
    const sent = new LedgerError("FIELD_NOT_GRANTED", "R2.idno", { resourceId: "R2", field: "idno" });
    const back = ledgerErrorFromMessage(sent.message)!;
    expect([back.code, back.detail, back.details]).to.deep.equal(["FIELD_NOT_GRANTED", "R2.idno", sent.details]);
    const bare = ledgerErrorFromMessage(new LedgerError("GRANT_TERM_INVALID").message)!;
    expect([bare.code, bare.detail, bare.details]).to.deep.equal(["GRANT_TERM_INVALID", undefined, undefined]);
    // A detail that merely contains the tag is kept as text.
    const odd = ledgerErrorFromMessage("NOT_FOUND: The referenced record does not exist. x details=not json")!;
    expect([odd.detail, odd.details]).to.deep.equal(["x details=not json", undefined]);
    expect(ledgerErrorFromMessage("NO_SUCH_CODE: x")).to.equal(undefined);
  });
});

describe("every refusal names what is wrong, in English and Chinese", () => {
  const HAN = /[\u4e00-\u9fff]/;

  it("walks every code: a Chinese message, and the field, id or limit it names", () => {
    for (const code of ERROR_CODE_LIST) {
      expect(ERROR_CODES[code].zh, `${code} has Chinese text`).to.match(HAN);
      if (NAMES_NOTHING.includes(code)) {
        expect(REFUSAL_NAMES[code], `${code} names nothing on purpose`).to.equal(undefined);
        continue;
      }
      expect(REFUSAL_NAMES[code], `${code} names its field, id or limit`).to.be.an("array").that.is.not.empty;
      for (const name of REFUSAL_NAMES[code]!) {
        expect(DETAIL_NAMES[name].en, `${code}.${name} in English`).to.match(/^[a-z]/);
        expect(DETAIL_NAMES[name].zh, `${code}.${name} in Chinese`).to.match(HAN);
      }
    }
  });

  it("says the details in the caller's language; the throw site's English sentence in English", () => {
    const details = { resourceId: "R2", field: "idno" };
    expect(localizedDetail("R2.idno", details, "en")).to.equal("R2.idno");
    expect(localizedDetail(undefined, details, "en")).to.equal("resource: R2; field: idno");
    expect(localizedDetail("R2.idno", details, "zh")).to.equal("数据资源：R2；字段：idno");
    // Times are shown as CST date-times beside the Unix seconds.
    expect(localizedDetail(undefined, { bannedUntil: 1_900_000_000 }, "zh")).to.equal(
      "禁入截止：2030-03-18T01:46:40+08:00 (1900000000)",
    );
    // Schema issues in Chinese when the refusal carries their Chinese wording.
    const issues = [{ path: "pricing.priceFen", message: "Too small" }];
    const issuesZh = [{ path: "pricing.priceFen", message: "数值过小" }];
    expect(localizedDetail("x", { issues, issuesZh }, "zh")).to.equal("字段：pricing.priceFen 数值过小");
    expect(localizedDetail(undefined, undefined, "zh")).to.equal(undefined);
    expect(localizedDetail("only English", undefined, "zh"), "no English sentence under zh").to.equal(undefined);
  });
});

describe("the rulebook document and the code list", () => {
  it("raises only listed codes, and every rule code appears in the rulebook", async () => {
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(new URL("../../docs/RULEBOOK.md", import.meta.url), "utf8");
    const named = new Set([...text.matchAll(/`([A-Z][A-Z_]{3,})`/g)].map((m) => m[1]!));
    for (const code of named) expect(ERROR_CODE_LIST, `RULEBOOK names ${code}`).to.include(code);
    for (const code of RULE_ERROR_CODES) expect(named.has(code), `${code} is described in the RULEBOOK`).to.equal(true);
  });

  it("lists what every rule refusal names in the RULEBOOK's refusal table, as core/errors.ts declares it", async () => {
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(new URL("../../docs/RULEBOOK.md", import.meta.url), "utf8");
    const ticked = (cell: string) => [...cell.matchAll(/`([A-Za-z][A-Za-z_]*)`/g)].map((m) => m[1]!);
    const rows = new Map<string, string[]>();
    for (const line of text.split("\n")) {
      const cells = /^\| (.+?) \| (.+) \|$/.exec(line);
      if (cells) for (const code of ticked(cells[1]!)) rows.set(code, ticked(cells[2]!));
    }
    for (const code of RULE_ERROR_CODES) {
      expect(rows.get(code), `${code} has a row in the refusal table`).to.be.an("array");
      for (const name of REFUSAL_NAMES[code] ?? []) expect(rows.get(code), `${code} names ${name}`).to.include(name);
    }
  });
});
