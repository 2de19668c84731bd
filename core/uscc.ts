/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V):
 * registration authority (1), organisation type (1), administrative division (6 digits),
 * organisation code (9, GB 11714), check character (1). The check character is
 * C18 = 31 − (Σ Ci·Wi mod 31), with Wi = 3^(i−1) mod 31 and 31 written as 0.
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
// Registration authorities in GB 32100-2015 Table 1: 1–9, A–G for departments (机构编制 … 工商),
// Y for others.
const AUTHORITIES = "123456789ABCDEFGY";

const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]$/;

export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError("the check character is computed over 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`character ${first17.charAt(i)} is outside the GB 32100 alphabet`);
    sum += value * WEIGHTS[i]!;
  }
  const c = (31 - (sum % 31)) % 31;
  return ALPHABET.charAt(c);
}

export type UsccProblem = "length" | "alphabet" | "authority" | "check-character";

/** Why `code` is not a valid unified social credit code, or undefined when it is. */
export function usccProblem(code: string): UsccProblem | undefined {
  if (code.length !== 18) return "length";
  if (!SHAPE.test(code)) return "alphabet";
  if (!AUTHORITIES.includes(code.charAt(0))) return "authority";
  if (usccCheckCharacter(code.slice(0, 17)) !== code.charAt(17)) return "check-character";
  return undefined;
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === undefined;
}
