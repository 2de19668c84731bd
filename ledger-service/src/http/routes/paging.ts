import type { Request } from "express";
import { LedgerError } from "../../../../core/errors.ts";
import type { ReadRoute } from "./route.ts";

/**
 * Cursor pagination of the list routes: items in id order, `limit` of them per page, and an
 * opaque `nextCursor` (the last id given, base64url) that asks for the ones after it. A cursor
 * stays valid while records are added: the next page starts after the id it names.
 */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

export const PAGE_QUERY: NonNullable<ReadRoute["query"]> = [
  { name: "limit", description: `items per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})`, example: "20" },
  { name: "cursor", description: "the nextCursor of the previous page", example: "UDE" },
];

export interface PageRequest {
  readonly limit: number;
  /** Items with ids after this one (undefined: from the first). */
  readonly after: string | undefined;
}

export function pageRequest(req: Request): PageRequest {
  const { limit: rawLimit, cursor } = req.query;
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined) {
    limit = typeof rawLimit === "string" && /^[0-9]{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT))
      throw new LedgerError("MALFORMED_REQUEST", `limit must be a whole number from 1 to ${MAX_LIMIT}`, {
        field: "limit",
        max: MAX_LIMIT,
      });
  }
  if (cursor === undefined) return { limit, after: undefined };
  const after = typeof cursor === "string" && /^[A-Za-z0-9_-]{1,300}$/.test(cursor) ? decode(cursor) : undefined;
  if (after === undefined)
    throw new LedgerError("MALFORMED_REQUEST", "cursor must be the nextCursor of an earlier page", { field: "cursor" });
  return { limit, after };
}

function decode(cursor: string): string | undefined {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  return id.length > 0 && Buffer.from(id, "utf8").toString("base64url") === cursor ? id : undefined;
}

/**
 * One page of `ids` (any order; paged in code-point order): each id after the cursor is turned
 * into its item by `itemOf`, which answers undefined for one the filters or the caller's rights
 * leave out, until `limit` items are found.
 */
export async function pageOf<T>(
  ids: Iterable<string>,
  page: PageRequest,
  itemOf: (id: string) => Promise<T | undefined>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const ordered = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const items: T[] = [];
  let last: string | undefined;
  for (const id of ordered) {
    if (page.after !== undefined && id <= page.after) continue;
    const item = await itemOf(id);
    if (item === undefined) continue;
    // One more item exists: the page is full and another follows.
    if (items.length === page.limit) return { items, nextCursor: Buffer.from(last!, "utf8").toString("base64url") };
    items.push(item);
    last = id;
  }
  return { items, nextCursor: null };
}

/** A filter's query value: undefined when absent, refused when repeated or not a short string. */
export function filterValue(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length === 0 || v.length > 200)
    throw new LedgerError("MALFORMED_REQUEST", `${name} must be given once, 1 to 200 characters`, { field: name });
  return v;
}

/** A filter that takes one of `values`. */
export function enumFilter<V extends string>(req: Request, name: string, values: readonly V[]): V | undefined {
  const v = filterValue(req, name);
  if (v !== undefined && !(values as readonly string[]).includes(v))
    throw new LedgerError("MALFORMED_REQUEST", `${name} must be one of ${values.join(", ")}`, {
      field: name,
      allowed: values,
    });
  return v as V | undefined;
}
