/** A price in fen as yuan, e.g. 12345 → "123.45". */
export function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}
