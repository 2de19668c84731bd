import { yuanText } from "../../../../../core/money.ts";
import { currentLanguage } from "../../i18n/i18n.ts";

/** An amount in fen as the reader reads yuan, grouped in thousands: 100000000 → "1,000,000.00". */
export function yuan(fen: number): string {
  return yuanText(fen, currentLanguage());
}
