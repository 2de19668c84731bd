import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { org, type ActorName } from "../scenarios/world.ts";

/**
 * The permitted revenue page for `npm run screenshots`, as the operator signed in last sees it
 * (Chinese UI): 2024 filed exactly 10 % above its maximum (an open guidance item), 2025 set and
 * not yet filed. `shot` is the screenshot script's.
 */
export async function revenueShots(
  clients: Record<ActorName, LedgerClient>,
  shot: (path: string, heading: string, file: string, ready?: string) => Promise<void>,
): Promise<void> {
  const operator = org("op");
  const parts = { operatingCostFen: 80_000_000, permittedProfitFen: 15_000_000, taxFen: 5_000_000 };
  for (const year of [2024, 2025])
    await clients.agency.submit("revenue.setMaximum", { operator, year, domains: ["finance"], ...parts });
  await clients.op.submit("revenue.report", { operator, year: 2024, actualRevenueFen: 110_000_000 });
  await shot("/revenue", "收益分配", "revenue.png", ".revenue-years .ant-table-row");
}
