import type { Context } from "fabric-contract-api";
import { Contract, Info } from "./fabric-api.ts";
import { LedgerError } from "../../../core/errors.ts";
import { RECORD_KINDS } from "../../../core/operations.ts";
import type { ViewKey } from "../../../core/views.ts";
import { Ledger } from "../ledger/ledger.ts";
import { idsUnder, overdue, view } from "../engine/queries.ts";
import { K } from "../engine/state.ts";
import { evaluate } from "./decorators.ts";
import { StubWorldState } from "./stub-state.ts";

const VIEW_KINDS = RECORD_KINDS.filter((k) => k !== "resource-review" && k !== "exit-notice");
const STATE_TYPE: Record<ViewKey["kind"], string> = {
  actor: K.actor,
  resource: K.resource,
  grant: K.grant,
  partner: K.partner,
  "price-cap": K.cap,
  product: K.product,
  report: K.report,
  hop: K.hop,
  certificate: K.certificate,
  blacklist: K.blacklist,
  evaluation: K.evaluation,
  anchor: K.anchor,
  complaint: K.complaint,
  objection: K.objection,
  alert: K.alert,
  "service-list": K.serviceList,
  revenue: K.revenue,
};

function viewKey(kind: string, id: string): ViewKey {
  if (!(VIEW_KINDS as readonly string[]).includes(kind))
    throw new LedgerError("INVALID_RECORD", `unknown record kind ${kind}`);
  return { kind: kind as ViewKey["kind"], id };
}

function parseLimit(text: string): number {
  const n = text === "" ? 100 : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new LedgerError("INVALID_RECORD", "page size must be 1–1000");
  return n;
}

/** Paginates a sorted id list: ids after `bookmark`, at most `limit`, and the next bookmark. */
function page(ids: string[], limit: number, bookmark: string): string {
  const rest = bookmark === "" ? ids : ids.filter((id) => id > bookmark);
  const items = rest.slice(0, limit);
  return JSON.stringify({ items, bookmark: rest.length > limit ? items[items.length - 1] : "" });
}

/** Read-only queries; evaluated on one peer, never ordered. */
@Info({ title: "query", description: "Reads of the registry: views, history, indexes, overdue grants." })
export class QueryContract extends Contract {
  constructor() {
    super("query");
  }

  private ledger(ctx: Context): Ledger {
    return new Ledger(new StubWorldState(ctx.stub));
  }

  @evaluate(2)
  async get(ctx: Context, kind: string, id: string): Promise<string> {
    const found = await view(this.ledger(ctx), viewKey(kind, id));
    if (!found) throw new LedgerError("NOT_FOUND", `${kind} ${id}`);
    return JSON.stringify(found);
  }

  /** Every committed version of a record's state (getHistoryForKey), oldest first. */
  @evaluate(2)
  async history(ctx: Context, kind: string, id: string): Promise<string> {
    const key = viewKey(kind, id);
    const attributes =
      key.kind === "price-cap" || key.kind === "evaluation" || key.kind === "revenue" ? id.split("/") : [id];
    const entries = [];
    for await (const e of this.ledger(ctx).history(STATE_TYPE[key.kind], ...attributes)) entries.push(e);
    return JSON.stringify(entries);
  }

  @evaluate(3)
  async grantsOf(ctx: Context, orgId: string, pageSize: string, bookmark: string): Promise<string> {
    return page(await idsUnder(this.ledger(ctx), K.grantOf, orgId), parseLimit(pageSize), bookmark);
  }

  @evaluate(3)
  async hopsOfProduct(ctx: Context, productId: string, pageSize: string, bookmark: string): Promise<string> {
    return page(await idsUnder(this.ledger(ctx), K.hopOfProduct, productId), parseLimit(pageSize), bookmark);
  }

  @evaluate(3)
  async hopsOfGrant(ctx: Context, grantId: string, pageSize: string, bookmark: string): Promise<string> {
    return page(await idsUnder(this.ledger(ctx), K.hopOfGrant, grantId), parseLimit(pageSize), bookmark);
  }

  @evaluate(1)
  async certificatesOfGrant(ctx: Context, grantId: string): Promise<string> {
    const ids: string[] = [];
    for await (const { value } of this.ledger(ctx).scan<string>(K.certified, grantId)) ids.push(value);
    return JSON.stringify(ids.sort());
  }

  @evaluate(1)
  async overdue(ctx: Context, at: string): Promise<string> {
    const t = Number(at);
    if (!Number.isInteger(t) || t < 0) throw new LedgerError("INVALID_RECORD", "time must be whole Unix seconds");
    return JSON.stringify(await overdue(this.ledger(ctx), t));
  }
}
