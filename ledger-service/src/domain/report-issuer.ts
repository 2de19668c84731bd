import { randomBytes } from "node:crypto";
import type { ClassicLevel } from "classic-level";
import { LedgerError } from "../../../core/errors.ts";
import type { IssuedReport, ListingReport, SignedReport } from "../../../core/listing-report.ts";
import { signRecord, type LedgerRecord } from "../../../core/record.ts";
import type { ReportView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import { Table } from "../storage/level.ts";
import type { AcceptedRecord, RecordService } from "./record-service.ts";
import { listingReport, signReport, type ReportDeps, type ReportSigner } from "./verification-report.ts";

/**
 * Issuing a listing verification report: the service builds the report at the chain's time,
 * signs it with its log key, keeps the document, and records its hash, product and verdict on
 * chain in a `report.issue` record signed as the agency. A read returns the report issued last
 * (the chain says which one that is), so every read of a product's report gives the same hash
 * until the next issue, and a listing can name only a report the chain holds.
 */
export interface StoredReport {
  readonly signed: SignedReport<ListingReport>;
  /** Set once the chain accepted the report.issue record. */
  readonly issued?: IssuedReport<ListingReport>["issued"];
}

/** The documents of issued reports, by product then hash (kept before the chain sees the hash). */
export class ReportStore {
  private readonly table: Table<StoredReport>;

  constructor(db: ClassicLevel<string, unknown>) {
    this.table = new Table<StoredReport>(db, "report");
  }

  put(productId: string, stored: StoredReport): Promise<void> {
    return this.table.put(`${productId}\u0000${stored.signed.reportHash}`, stored);
  }

  async *ofProduct(productId: string): AsyncIterable<StoredReport> {
    yield* this.table.values({ gte: `${productId}\u0000`, lt: `${productId}\u0001` });
  }
}

export interface IssuerDeps {
  readonly reports: ReportDeps;
  readonly backend: LedgerBackend;
  readonly records: RecordService;
  readonly store: ReportStore;
  readonly signer: ReportSigner;
  readonly agency: { readonly orgId: string; readonly privateKey: string };
  readonly receiptOf: (leafIndex: number) => Promise<unknown>;
}

const issuedOf = (accepted: AcceptedRecord): NonNullable<StoredReport["issued"]> => ({
  recordHash: accepted.recordHash,
  tx: { txId: accepted.tx.txId, blockNumber: accepted.tx.blockNumber, blockTime: accepted.tx.blockTime },
  leafIndex: accepted.leafIndex,
  receipt: accepted.receipt,
});

/** Issues the product's report now: built, signed, kept, then its hash recorded on chain. */
export async function issueReport(d: IssuerDeps, productId: string): Promise<IssuedReport<ListingReport>> {
  const signed = signReport(await listingReport(d.reports, productId, await d.backend.now()), d.signer);
  await d.store.put(productId, { signed });
  const record = {
    v: 1,
    op: "report.issue",
    actor: d.agency.orgId,
    nonce: randomBytes(16).toString("hex"),
    body: { reportHash: signed.reportHash, productId, verdict: signed.report.verdict },
  } as LedgerRecord<"report.issue">;
  let accepted: AcceptedRecord;
  try {
    accepted = await d.records.submit(signRecord(record, d.agency.privateKey), "service");
  } catch (err) {
    // Two issues within one chain second build the same report: the first one's issue stands.
    if (err instanceof LedgerError && err.code === "DUPLICATE_ID") {
      const same = await latestIssued(d, productId);
      if (same?.reportHash === signed.reportHash) return same;
    }
    throw err;
  }
  const issued = issuedOf(accepted);
  await d.store.put(productId, { signed, issued });
  return { ...signed, issued };
}

/** The report issued last for the product, with its receipt as of now; undefined if none was. */
export async function latestIssued(d: IssuerDeps, productId: string): Promise<IssuedReport<ListingReport> | undefined> {
  for await (const stored of d.store.ofProduct(productId)) {
    const view = (await d.backend.view({ kind: "report", id: stored.signed.reportHash })) as ReportView | undefined;
    if (!view?.latest) continue;
    // Accepted on chain while its answer was lost (a restart, an unknown outcome): the chain's record stands.
    const issued = stored.issued ?? (await issuedFromIndex(d, stored.signed.reportHash));
    if (!issued) continue;
    return { ...stored.signed, issued: { ...issued, receipt: await d.receiptOf(issued.leafIndex) } };
  }
  return undefined;
}

async function issuedFromIndex(d: IssuerDeps, reportHash: string): Promise<StoredReport["issued"]> {
  const entry = (await d.reports.store.historyOf("report", reportHash))[0];
  if (!entry) return undefined;
  return {
    recordHash: entry.recordHash,
    tx: { txId: entry.txId, blockNumber: entry.blockNumber, blockTime: entry.blockTime },
    leafIndex: entry.leafIndex,
    receipt: null,
  };
}
