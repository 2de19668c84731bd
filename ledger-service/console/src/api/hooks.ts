import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import type { OperationBody, OperationName } from "../../../../core/operations.ts";
import { currentLanguage } from "../i18n/i18n.ts";
import { useSession } from "../session/session.tsx";

/**
 * The console's data hooks. Public reads go out unsigned with plain fetch (the public pages carry
 * no crypto); signed reads and writes go through the signed-in session's LedgerClient, which
 * signs each request in the browser exactly as `pdl` does. Errors are ApiError with the
 * service's code and its message in the current language (asked per request: the user may
 * switch language after signing in).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the refusal names (field, id, limit), in the language asked for. */
    readonly detail?: string,
    /** The same, as the service's keys and values (e.g. kind and id of what was not found). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function publicGet<T>(path: string): Promise<T> {
  return publicFetch<T>(path, {});
}

/** POSTs JSON to a public path (no sign-in, nothing signed: e.g. lodging a complaint). */
export function publicPost<T>(path: string, body: unknown): Promise<T> {
  return publicFetch<T>(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}

async function publicFetch<T>(path: string, init: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { ...init.headers, accept: "application/json", "accept-language": currentLanguage() },
  });
  const json = (await res.json().catch(() => undefined)) as
    { error?: { code: string; message: string; detail?: string; details?: Record<string, unknown> } } | undefined;
  if (!res.ok)
    throw new ApiError(
      res.status,
      json?.error?.code ?? `HTTP_${res.status}`,
      json?.error?.message ?? res.statusText,
      json?.error?.detail,
      json?.error?.details,
    );
  return json as T;
}

function asApiError(err: unknown): ApiError {
  const e = err as {
    status?: number;
    code?: string;
    body?: { error?: { message?: string; detail?: string; details?: Record<string, unknown> } };
    message?: string;
  };
  if (err instanceof ApiError) return err;
  return new ApiError(
    e.status ?? 0,
    e.code ?? "NETWORK",
    e.body?.error?.message ?? e.message ?? String(err),
    e.body?.error?.detail,
    e.body?.error?.details,
  );
}

/** GET a public path (no sign-in). */
export function usePublicQuery<T>(path: string) {
  return useQuery<T, ApiError>({ queryKey: ["public", path, currentLanguage()], queryFn: () => publicGet<T>(path) });
}

/** POSTs a public request (no sign-in); refreshes every query after. */
export function usePublicPost<T, B>(path: string) {
  const queries = useQueryClient();
  return useMutation<T, ApiError, B>({
    mutationFn: (body) => publicPost<T>(path, body),
    onSuccess: () => void queries.invalidateQueries(),
  });
}

/** GET a signed path as the signed-in organisation; disabled while nobody is signed in. */
export function useSignedQuery<T>(path: string | undefined) {
  const { session } = useSession();
  return useQuery<T, ApiError>({
    queryKey: ["signed", session?.orgId, path, currentLanguage()],
    enabled: Boolean(session && path),
    queryFn: async () => {
      try {
        return await session!.client.withLanguage(currentLanguage()).get<T>(path!);
      } catch (err) {
        throw asApiError(err);
      }
    },
  });
}

/** How many items a list page asks the service for (the list routes allow up to 500 a page). */
export const PAGE_SIZE = 100;

/** Every item a paged list has loaded so far, and how to load the next cursor page. */
export interface PagedList<T> {
  /** The items of every page loaded, in the service's order. */
  readonly items: readonly T[];
  /** Another page follows (the last page loaded carried a nextCursor). */
  readonly hasMore: boolean;
  readonly loadMore: () => void;
  readonly loadingMore: boolean;
  /** The first page is still on its way (with `every`: some page is, the list is not whole yet). */
  readonly isLoading: boolean;
  readonly isSuccess: boolean;
  readonly error: ApiError | null;
}

/**
 * A list route read page by page with its cursor (the routes of ledger-service's paging.ts:
 * `limit`, `cursor`, and `nextCursor` in the answer): `path` with its own filters (e.g.
 * "/v1/grants?status=active"), `key` the answer's list (e.g. "grants"). Signed as the signed-in
 * organisation unless `auth` is "public"; a signed list waits for sign-in, and any list waits
 * while `path` is undefined. Changing `path` (a filter) starts again from the first page.
 *
 * `every`: for a page that needs the whole list (a count, a choice among all): each next cursor
 * page is asked for as soon as the one before came, until one carries no nextCursor. Until then
 * `hasMore` and `isLoading` stay true (so nothing partial passes for the whole); a page refused
 * stops the loading with `error` set.
 */
export function usePagedList<T>(
  path: string | undefined,
  key: string,
  options: { auth?: "signed" | "public"; pageSize?: number; every?: boolean } = {},
): PagedList<T> {
  const { session } = useSession();
  const auth = options.auth ?? "signed";
  const limit = options.pageSize ?? PAGE_SIZE;
  const q = useInfiniteQuery<Record<string, unknown>, ApiError>({
    queryKey: [
      auth === "public" ? "public" : "signed",
      auth === "public" ? null : session?.orgId,
      "pages",
      path,
      limit,
      currentLanguage(),
    ],
    enabled: Boolean(path && (auth === "public" || session)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (typeof last.nextCursor === "string" ? last.nextCursor : undefined),
    queryFn: async ({ pageParam }) => {
      const url = `${path!}${path!.includes("?") ? "&" : "?"}limit=${limit}${
        pageParam ? `&cursor=${encodeURIComponent(pageParam as string)}` : ""
      }`;
      if (auth === "public") return publicGet<Record<string, unknown>>(url);
      try {
        return await session!.client.withLanguage(currentLanguage()).get<Record<string, unknown>>(url);
      } catch (err) {
        throw asApiError(err);
      }
    },
  });
  const items = useMemo(() => (q.data?.pages ?? []).flatMap((p) => (p[key] as T[] | undefined) ?? []), [q.data, key]);
  const every = options.every === true;
  const { hasNextPage, isFetching, isError, fetchNextPage } = q;
  useEffect(() => {
    if (every && hasNextPage && !isFetching && !isError) void fetchNextPage();
  }, [every, hasNextPage, isFetching, isError, fetchNextPage]);
  return {
    items,
    hasMore: q.hasNextPage,
    loadMore: () => void q.fetchNextPage(),
    loadingMore: q.isFetchingNextPage,
    isLoading: q.isLoading || (every && q.hasNextPage && !q.isError),
    isSuccess: q.isSuccess,
    error: q.error,
  };
}

/**
 * Signs `body` as operation `op` and submits it to `path` (default: the generic records endpoint;
 * a function for a route naming the record, e.g. /v1/products/:productId/listing). Refusals come
 * in the language the user reads now, not the one chosen at sign-in.
 */
export function useSubmit<O extends OperationName>(
  op: O,
  path: string | ((body: OperationBody<O>) => string) = "/v1/records",
) {
  const { session } = useSession();
  const queries = useQueryClient();
  return useMutation<unknown, ApiError, OperationBody<O>>({
    mutationFn: async (body) => {
      if (!session) throw new ApiError(401, "NOT_SIGNED_IN", "not signed in");
      try {
        const client = session.client.withLanguage(currentLanguage());
        return await client.submitSigned(client.sign(op, body), typeof path === "function" ? path(body) : path);
      } catch (err) {
        throw asApiError(err);
      }
    },
    onSuccess: () => void queries.invalidateQueries(),
  });
}

/**
 * Sends a signed request without a record (e.g. POST a report issue), with the JSON body `B` when
 * it takes one (a leaked file to trace); refreshes every query after.
 */
export function useSignedRequest<T, B = void>(method: "POST" | "PUT" | "DELETE", path: string) {
  const { session } = useSession();
  const queries = useQueryClient();
  return useMutation<T, ApiError, B>({
    mutationFn: async (body) => {
      if (!session) throw new ApiError(401, "NOT_SIGNED_IN", "not signed in");
      try {
        return await session.client.withLanguage(currentLanguage()).request<T>(method, path, body ?? undefined);
      } catch (err) {
        throw asApiError(err);
      }
    },
    onSuccess: () => void queries.invalidateQueries(),
  });
}
