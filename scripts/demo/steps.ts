import type { ErrorCode } from "../../core/errors.ts";
import type { OperationBody, OperationName } from "../../core/operations.ts";
import { recordId, type LedgerRecord } from "../../core/record.ts";
import {
  LedgerApiError,
  type LedgerClient,
  type SubmitResponse,
} from "../../ledger-service/src/client/sdk/ledger-client.ts";

/**
 * The demo's step log: every write it attempts, what became of it (accepted, already there, or
 * refused as the story expects), its transaction and its receipt state, printed as it happens
 * and again as one table at the end with each receipt's latest state.
 */
export type ReceiptState = "pending" | "checkpointed" | "anchored";

export interface StepRow {
  readonly n: number;
  readonly chapter: string;
  readonly actor: string;
  readonly op: string;
  readonly id: string;
  readonly outcome: "accepted" | "exists" | "rejected";
  readonly recordHash?: string;
  readonly leafIndex?: number;
  readonly block?: number;
  readonly blockTime?: number;
  readonly atSubmit?: string;
  final?: string;
  readonly note?: string;
  readonly error?: {
    readonly code: string;
    readonly message: string;
    /** What the refusal names (the id, field or limit). */
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/** An organisation as the demo acts for it: its catalog key and a client signing as it. */
export interface Actor {
  readonly key: string;
  readonly orgId: string;
  readonly client: LedgerClient;
}

export interface WriteOptions {
  /** Shown after the row. */
  readonly note?: string;
  /** The rulebook code the story expects this write to be refused with. */
  readonly expect?: ErrorCode;
  /** DUPLICATE_ID means "already there from an earlier run": recorded as `exists`. */
  readonly existsOk?: boolean;
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

export function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

export function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const COLUMNS = [4, 10, 20, 28, 6, 13] as const;

function line(cells: readonly string[], note = ""): string {
  return "  " + cells.map((c, i) => pad(c, COLUMNS[i] ?? 0)).join(" ") + (note ? ` ${note}` : "");
}

/** Where the demo prints: the console by default, a collector in tests. */
export type Print = (line: string) => void;

export class StepLog {
  readonly rows: StepRow[] = [];
  private chapterTitle = "";

  constructor(private readonly print: Print = (l) => console.log(l)) {}

  chapter(title: string, detail?: string): void {
    this.chapterTitle = title;
    this.print(`\n== ${title}${detail ? ` — ${detail}` : ""}`);
    this.print(line(["#", "actor", "operation", "record id", "block", "receipt"], "note"));
  }

  /** Signs `body` as `actor`, submits it and records the outcome. Unexpected refusals abort the story. */
  async write<O extends OperationName>(
    actor: Actor,
    op: O,
    body: OperationBody<O>,
    options: WriteOptions = {},
  ): Promise<SubmitResponse | undefined> {
    const id = recordId({ v: 1, op, actor: actor.orgId, nonce: "", body } as LedgerRecord);
    const base = {
      n: this.rows.length + 1,
      chapter: this.chapterTitle,
      actor: actor.key,
      op,
      id,
      ...(options.note ? { note: options.note } : {}),
    };
    try {
      const res = await actor.client.submit(op, body);
      if (options.expect)
        throw new Error(`${op} ${id} by ${actor.key} was accepted, but the story expects ${options.expect}`);
      const state = typeof res.receipt?.state === "string" ? res.receipt.state : "none";
      this.push({
        ...base,
        outcome: "accepted",
        recordHash: res.recordHash,
        leafIndex: res.leafIndex,
        block: res.tx.blockNumber,
        blockTime: res.tx.blockTime,
        atSubmit: state,
      });
      return res;
    } catch (err) {
      if (!(err instanceof LedgerApiError)) throw err;
      if (options.existsOk && err.code === "DUPLICATE_ID") {
        this.push({ ...base, outcome: "exists" });
        return undefined;
      }
      if (options.expect && err.code === options.expect) {
        const said = (err.body as { error?: { message?: string; details?: Record<string, unknown> } } | undefined)
          ?.error;
        const message = said?.message ?? err.message;
        this.push({
          ...base,
          outcome: "rejected",
          error: { code: err.code, message, ...(said?.details ? { details: said.details } : {}) },
        });
        return undefined;
      }
      throw new Error(`${op} ${id} by ${actor.key} was refused: ${err.message}`, { cause: err });
    }
  }

  /** Records a step the demo skipped because its record already exists (found by a read). */
  skipped(actor: Actor, op: OperationName, id: string, note?: string): void {
    this.push({
      n: this.rows.length + 1,
      chapter: this.chapterTitle,
      actor: actor.key,
      op,
      id,
      outcome: "exists",
      ...(note ? { note } : {}),
    });
  }

  private push(row: StepRow): void {
    this.rows.push(row);
    this.print(
      line(
        [
          String(row.n),
          row.actor,
          row.op,
          shorten(row.id, 28),
          row.block === undefined ? "—" : String(row.block),
          stateCell(row, row.atSubmit),
        ],
        noteOf(row),
      ),
    );
  }

  /** The final table: every step, its record id, block, and its receipt when submitted and now. */
  printSummary(): void {
    const widths = [4, 10, 20, 28, 6, 13, 13];
    const row = (cells: string[]) => "  " + cells.map((c, i) => pad(c, widths[i] ?? 0)).join(" ");
    let chapter = "";
    this.print(row(["#", "actor", "operation", "record id", "block", "at submit", "now"]));
    this.print("  " + widths.map((w) => "-".repeat(w)).join(" "));
    for (const r of this.rows) {
      if (r.chapter !== chapter) {
        chapter = r.chapter;
        this.print(`  [${chapter}]`);
      }
      const now =
        r.outcome === "accepted" ? (r.final ?? r.atSubmit ?? "?") : r.outcome === "exists" ? "exists" : `refused`;
      this.print(
        row([
          String(r.n),
          r.actor,
          r.op,
          shorten(r.id, 28),
          r.block === undefined ? "—" : String(r.block),
          stateCell(r, r.atSubmit),
          now,
        ]),
      );
    }
  }
}

function stateCell(row: StepRow, state: string | undefined): string {
  if (row.outcome === "exists") return "exists";
  if (row.outcome === "rejected") return "refused";
  return state ?? "?";
}

function noteOf(row: StepRow): string {
  if (row.outcome === "rejected" && row.error) return `${row.error.code}: ${row.error.message}`;
  if (row.outcome === "exists")
    return row.note ? `${row.note} (already registered: skipped)` : "already registered: skipped";
  return row.note ?? "";
}

/** A chain time (Unix seconds) as ISO 8601, to the second. */
export function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** True when a signed GET of `path` finds something, false on 404. */
export async function exists(client: LedgerClient, path: string): Promise<boolean> {
  try {
    await client.get(path);
    return true;
  } catch (err) {
    if (err instanceof LedgerApiError && err.status === 404) return false;
    throw err;
  }
}

export function yuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
}
