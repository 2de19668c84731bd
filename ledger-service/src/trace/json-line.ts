/**
 * One JSON line as a flat object whose numbers keep their digits. `JSON.parse` turns every number
 * into a double, so an 18-digit ID number written as a JSON number (110101199003071234) comes back
 * as another number (110101199003071230): its record's key, and with it the watermark's bits and
 * the fingerprint, would change. A member whose number a double does not hold exactly keeps its
 * source text instead, through JSON.parse's own source text access (ECMAScript's
 * JSON.parse-with-source, in V8 since Node 21), so the native parser still does the parsing.
 *
 * Numbers a double holds exactly are left as doubles, so they normalise as before (`12.50` is
 * still `12.5`). Only the line's own members get the source text: inside an array or object
 * value, a number stays a double, which is what that value's RFC 8785 canonical form holds.
 */

/** Whether a line may hold a number a double cannot hold: 16 or more digits, or an exponent. */
const MAYBE_LOSSY = /\d(?:\.?\d){15}|\d[eE][+-]?\d/;

interface SourceContext {
  readonly source?: string;
}

/** `JSON.parse(line)`, with each member whose number loses digits as a double holding its source text. */
export function parseJsonLine(line: string): unknown {
  if (!MAYBE_LOSSY.test(line)) return JSON.parse(line);
  const lossy: { holder: unknown; key: string; source: string }[] = [];
  const value: unknown = JSON.parse(line, function (this: unknown, key, v: unknown, context?: SourceContext) {
    const source = context?.source;
    if (typeof v === "number" && source !== undefined && !sameNumber(source, v))
      lossy.push({ holder: this, key, source });
    return v;
  });
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const members = value as Record<string, unknown>;
    for (const l of lossy) if (l.holder === value) members[l.key] = l.source;
  }
  return value;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A decimal text's exact value as sign, significant digits and exponent ("-1250" → "-125e1"). */
function exactDecimal(text: string): string | undefined {
  const m = NUMBER.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? "";
  let digits = (m[2]! + frac).replace(/^0+/, "");
  if (digits.length === 0) return "0";
  const trailing = digits.length - digits.replace(/0+$/, "").length;
  digits = digits.slice(0, digits.length - trailing);
  const exponent = BigInt(m[4] ?? "0") - BigInt(frac.length) + BigInt(trailing);
  return `${m[1]}${digits}e${exponent}`;
}

/** Whether the double's shortest decimal form (what `String` writes) is the number `source` writes. */
function sameNumber(source: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const exact = exactDecimal(source);
  return exact !== undefined && exact === exactDecimal(String(value));
}
