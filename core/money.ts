/**
 * Amounts of money: the records keep whole fen (分); people read yuan (元). The exact decimal
 * form travels in the API (priceYuan "1000000.00"); what is shown to a person is grouped in
 * thousands in the reader's language ("1,000,000.00"), which is where a misread zero costs most.
 */

/** Fen as yuan with two decimals, exact (integer arithmetic): 12345 → "123.45", -5 → "-0.05". */
export function yuanOf(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const GROUPED = {
  zh: new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
} as const;

/**
 * Fen as yuan for a reader, grouped in thousands: 100000000 → "1,000,000.00" (zh-CN and English
 * group alike). The exact decimal string is what is formatted, so no binary fraction moves a fen.
 */
export function yuanText(fen: number, lang: "zh" | "en"): string {
  return GROUPED[lang].format(yuanOf(fen) as `${number}`);
}

/**
 * Yuan as typed (at most two decimals, thousands separators allowed) to integer fen, read from the
 * digits so that no binary fraction rounds a fen away; undefined when nothing was typed, NaN for
 * anything else (the record's schema then names the field).
 */
export function fenOf(yuan: unknown): number | undefined {
  if (yuan === undefined || yuan === null || yuan === "") return undefined;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(
    String(yuan)
      .trim()
      .replace(/,(?=\d{3}(?:\D|$))/g, ""),
  );
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}
