import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
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
