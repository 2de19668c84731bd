import { expect } from "chai";
import { fenOf, yuanOf, yuanText } from "../../core/money.ts";
import { priceText } from "../../core/public-list.ts";

describe("amounts of money: fen kept, yuan read", () => {
  it("writes fen as exact yuan with two decimals, ungrouped, for the API", () => {
    expect(yuanOf(0)).to.equal("0.00");
    expect(yuanOf(5)).to.equal("0.05");
    expect(yuanOf(12_345)).to.equal("123.45");
    expect(yuanOf(100_000_000)).to.equal("1000000.00");
    expect(yuanOf(-5)).to.equal("-0.05");
  });

  it("groups yuan in thousands for a reader, in Chinese and in English alike", () => {
    for (const lang of ["zh", "en"] as const) {
      expect(yuanText(100_000_000, lang)).to.equal("1,000,000.00");
      expect(yuanText(99_999, lang)).to.equal("999.99");
      expect(yuanText(100_000, lang)).to.equal("1,000.00");
      expect(yuanText(0, lang)).to.equal("0.00");
      expect(yuanText(-123_456, lang)).to.equal("-1,234.56");
    }
  });

  it("loses no fen at the edge of exact integers", () => {
    // 2^53 - 1 fen: fen / 100 as a binary number would round the last digits.
    expect(yuanText(Number.MAX_SAFE_INTEGER, "en")).to.equal("90,071,992,547,409.91");
  });

  it("shows a charged price grouped with its unit, a free one as free", () => {
    expect(priceText("charged", 123_456, "per-call", "zh")).to.equal("1,234.56 元/次");
    expect(priceText("charged", 123_456, "per-call", "en")).to.equal("¥1,234.56 per call");
    expect(priceText("charged", 500, "per-call", "en")).to.equal("¥5.00 per call");
    expect(priceText("free", 0, "per-call", "zh")).to.equal("免费");
  });

  it("reads yuan as typed, with or without thousands separators, into exact fen", () => {
    expect(fenOf("1,100,000.55")).to.equal(110_000_055);
    expect(fenOf("1100000.55")).to.equal(110_000_055);
    expect(fenOf("50000.5")).to.equal(5_000_050);
    expect(fenOf(" 7 ")).to.equal(700);
    expect(fenOf("")).to.equal(undefined);
    expect(fenOf(undefined)).to.equal(undefined);
  });

  it("refuses what is not an amount in yuan (NaN, so the record's schema names the field)", () => {
    for (const typed of ["1.234", "-1", "1,00", "1,2345", "abc", "1e5", "12,34,567"])
      expect(fenOf(typed), typed).to.be.NaN;
  });
});
