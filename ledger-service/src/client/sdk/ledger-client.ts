import type { AcceptedRecord } from "../../../../core/accepted-record.ts";
import { randomBytes } from "node:crypto";
import { sign } from "../../../../core/crypto/sm2.ts";
import type { ErrorCode } from "../../../../core/errors.ts";
import type { IssuedReport, ListingReport } from "../../../../core/listing-report.ts";
import type { AnchorOnRequest } from "../../../../core/public-checkpoint.ts";
import type { OperationBody, OperationName } from "../../../../core/operations.ts";
import { RECORD_VERSION, signRecord, type LedgerRecord, type SignedRecord } from "../../../../core/record.ts";
import { HEADERS, canonicalRequest, recordSignatureOf } from "../../../../core/request-signing.ts";

// The SDK's callers name the answer of anchorNow from here too.
export type { AnchorOnRequest } from "../../../../core/public-checkpoint.ts";

/**
 * A small client for the ledger service: signs records and requests with the caller's SM2 key.
 * The `pdl` CLI and the tests use it.
 */
export interface Identity {
  readonly orgId: string;
  readonly privateKey: string;
}

export class LedgerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = "LedgerApiError";
  }
}

/**
 * The service sent the write's transaction but does not know its outcome yet, and it stayed
 * unknown for as long as the client polled (`body` is the service's last 202 answer, with the
 * record hash to poll later: GET /v1/receipts/:recordHash).
 */
export class OutcomePendingError extends LedgerApiError {
  constructor(
    readonly recordHash: string,
    body: unknown,
  ) {
    super(
      202,
      "OUTCOME_PENDING",
      `the outcome of record ${recordHash} is not known yet; poll GET /v1/receipts/${recordHash}`,
      body,
    );
    this.name = "OutcomePendingError";
  }
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly identity?: Identity;
  readonly language?: "en" | "zh";
  /** Seconds since the epoch, for the request timestamp. */
  readonly clock?: () => number;
  /** How long `submit` keeps polling a write answered 202 before OutcomePendingError (default 60 s). */
  readonly outcomeTimeoutMs?: number;
}

export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

export function makeRecord<O extends OperationName>(op: O, actor: string, body: OperationBody<O>): LedgerRecord<O> {
  return { v: RECORD_VERSION, op, actor, nonce: newNonce(), body };
}

export class LedgerClient {
  readonly baseUrl: string;
  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, "");
  }

  get identity(): Identity | undefined {
    return this.options.identity;
  }

  withIdentity(identity: Identity): LedgerClient {
    return new LedgerClient({ ...this.options, identity });
  }

  /** The same client asking for refusals in `language` (a console whose user switched language). */
  withLanguage(language: "en" | "zh"): LedgerClient {
    return language === this.options.language ? this : new LedgerClient({ ...this.options, language });
  }

  /** Signs a record as this client's identity. */
  sign<O extends OperationName>(op: O, body: OperationBody<O>): SignedRecord<O> {
    const id = this.requireIdentity();
    return signRecord(makeRecord(op, id.orgId, body), id.privateKey);
  }

  private requireIdentity(): Identity {
    if (!this.options.identity) throw new Error("this call needs an identity (org id and SM2 private key)");
    return this.options.identity;
  }

  /** Sends a request; signed unless `public`. Resolves with the parsed JSON body on 2xx. */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    opts: { public?: boolean; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const { status, json } = await this.raw(method, path, body, opts);
    if (status >= 400) throw apiError(status, json);
    return json as T;
  }

  /** Like `request` but never throws on an HTTP error status. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    opts: { public?: boolean; headers?: Record<string, string>; bodyBytes?: Buffer } = {},
  ): Promise<{ status: number; json: unknown; headers: Headers; text: string }> {
    const bytes = opts.bodyBytes ?? (body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), "utf8"));
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(this.options.language ? { "accept-language": this.options.language } : {}),
    };
    if (bytes.length > 0) headers["content-type"] = "application/json";
    if (!opts.public) {
      // A body that is exactly one of our signed records travels under that record's signature
      // (one verification at the service instead of two).
      const own =
        opts.bodyBytes === undefined ? recordSignatureOf(method, body, this.requireIdentity().orgId) : undefined;
      Object.assign(headers, this.signatureHeaders(method, path, bytes, undefined, undefined, own));
    }
    Object.assign(headers, opts.headers ?? {});
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      // A plain Uint8Array view: a BodyInit in Node and in the browser build alike.
      ...(bytes.length > 0 ? { body: Uint8Array.from(bytes) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, json, headers: response.headers, text };
  }

  signatureHeaders(
    method: string,
    pathAndQuery: string,
    body: Uint8Array,
    at?: number,
    nonce?: string,
    /** The body's record signature, when the body is exactly that signed record (recordSignatureOf). */
    recordSignature?: string,
  ): Record<string, string> {
    const id = this.requireIdentity();
    const timestamp = at ?? (this.options.clock ? this.options.clock() : Math.floor(Date.now() / 1000));
    const n = nonce ?? newNonce();
    const signature =
      recordSignature ??
      sign(canonicalRequest({ method, pathAndQuery, body, timestamp, nonce: n, actor: id.orgId }), id.privateKey);
    return {
      [HEADERS.actor]: id.orgId,
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.nonce]: n,
      [HEADERS.signature]: signature,
    };
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  /** A signed GET of an answer that is not one JSON value (NDJSON lineage events): its text as sent. */
  async getText(path: string, accept: string): Promise<string> {
    const { status, json, text } = await this.raw("GET", path, undefined, { headers: { accept } });
    if (status >= 400) throw apiError(status, json);
    return text;
  }

  /** The listing verification report issued last for the product (NOT_FOUND before the first issue). */
  listingReport(productId: string): Promise<IssuedReport<ListingReport>> {
    return this.get(`/v1/products/${encodeURIComponent(productId)}/verification-report`);
  }

  /** Has the service issue the product's listing verification report now (the exchange, the agency): its reportHash is what a listing names. */
  issueListingReport(productId: string): Promise<IssuedReport<ListingReport>> {
    return this.request("POST", `/v1/products/${encodeURIComponent(productId)}/verification-report`);
  }

  getPublic<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path, undefined, { public: true });
  }

  /**
   * Asks the service to checkpoint its log and anchor it on chain now (the agency and the
   * exchange; rate-limited): receipts of records already written become anchored.
   */
  anchorNow(reason?: string): Promise<AnchorOnRequest> {
    return this.request<AnchorOnRequest>("POST", "/v1/anchors", reason ? { reason } : {});
  }

  /** Signs `body` as operation `op` and posts it to the generic records endpoint. */
  submit<O extends OperationName>(op: O, body: OperationBody<O>): Promise<SubmitResponse> {
    return this.submitSigned(this.sign(op, body));
  }

  /**
   * Posts a signed record and resolves with its receipt once it is on chain. A 202 answer (its
   * transaction was sent, its outcome not known yet) is followed: GET /v1/receipts/:recordHash
   * until the receipt comes (200), or the service knows nothing was written (404, thrown as the
   * LedgerApiError it is), or `outcomeTimeoutMs` passes (OutcomePendingError, with the hash).
   */
  async submitSigned(signed: SignedRecord, path = "/v1/records"): Promise<SubmitResponse> {
    const { status, json, headers } = await this.raw("POST", path, signed);
    if (status >= 400) throw apiError(status, json);
    if (status !== 202) return json as SubmitResponse;
    return this.awaitOutcome(json as PendingAnswer, headers);
  }

  /**
   * Polls a record's receipt until it reaches `until` (anchored by default) or the time is up:
   * resolves with the last answer and whether the state was reached. A 404 (nothing of the record
   * was written) and other refusals throw LedgerApiError; while the write's outcome is not known
   * (202), the service is busy (429, 5xx) or unreachable, polling goes on.
   */
  async waitForReceipt(
    recordHash: string,
    wait: ReceiptWait = {},
  ): Promise<{ reached: boolean; receipt: Record<string, unknown> & { state?: string } }> {
    const target = RECEIPT_STATES.indexOf(wait.until ?? "anchored");
    const deadline = Date.now() + (wait.timeoutMs ?? 300_000);
    let last: Record<string, unknown> & { state?: string } = { recordHash, state: "submitted" };
    for (;;) {
      const res = await this.raw("GET", `/v1/receipts/${recordHash}`).catch(() => undefined);
      if (res && res.status >= 400 && res.status < 500 && res.status !== 429) throw apiError(res.status, res.json);
      if (res && (res.status === 200 || res.status === 202)) {
        last = res.json as typeof last;
        wait.onPoll?.(String(last.state));
        if (res.status === 200 && RECEIPT_STATES.indexOf(last.state as ReceiptState) >= target)
          return { reached: true, receipt: last };
      }
      const pause = res?.headers.get("retry-after") ? retryAfterMs(res.headers) : (wait.intervalMs ?? 2000);
      if (Date.now() + pause > deadline) return { reached: false, receipt: last };
      await new Promise((ok) => setTimeout(ok, pause));
    }
  }

  /** Follows a 202 answer to its outcome (see submitSigned). */
  async awaitOutcome(pending: PendingAnswer, headers?: Headers): Promise<SubmitResponse> {
    const deadline = Date.now() + (this.options.outcomeTimeoutMs ?? 60_000);
    let last: unknown = pending;
    let wait = retryAfterMs(headers);
    for (;;) {
      if (Date.now() + wait > deadline) throw new OutcomePendingError(pending.recordHash, last);
      await new Promise((ok) => setTimeout(ok, wait));
      const res = await this.raw("GET", `/v1/receipts/${pending.recordHash}`).catch((err: unknown) => ({
        // The service itself may be restarting: keep polling until the deadline.
        status: 0,
        json: { error: { code: "UNREACHABLE", message: (err as Error).message } },
        headers: new Headers(),
      }));
      if (res.status === 200) return acceptedFrom(pending, res.json as Receipt);
      if (res.status === 404 || (res.status >= 400 && res.status < 500 && res.status !== 429))
        throw apiError(res.status, res.json);
      last = res.json;
      wait = retryAfterMs(res.headers);
    }
  }
}

/** A receipt's states in the order a record goes through them (see GET /v1/receipts/:recordHash). */
export const RECEIPT_STATES = ["pending", "checkpointed", "anchored"] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

export interface ReceiptWait {
  /** The state to wait for (default anchored); a later state counts too. */
  readonly until?: "checkpointed" | "anchored";
  /** How long to poll before giving up (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Time between polls when the service names none (Retry-After), default 2 s. */
  readonly intervalMs?: number;
  /** Told each answer's state: a receipt state, or "submitted" while the write's outcome is unknown. */
  readonly onPoll?: (state: string) => void;
}

/** The service's 202 answer to a write whose outcome it does not know yet. */
export interface PendingAnswer {
  readonly recordHash: string;
  readonly op: string;
  readonly kind: string;
  readonly id: string;
  readonly state: "submitted";
  readonly txId?: string;
}

interface Receipt {
  readonly entry: { readonly index: number; readonly data?: string };
  readonly state?: string;
}

function apiError(status: number, json: unknown): LedgerApiError {
  const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new LedgerApiError(status, err?.code ?? "HTTP_" + status, err?.message ?? "request failed", json);
}

function retryAfterMs(headers: Headers | undefined): number {
  const seconds = Number(headers?.get("retry-after") ?? "");
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : 1000;
}

/** The 201 answer rebuilt from the receipt: the log entry names the transaction that carried the record. */
function acceptedFrom(pending: PendingAnswer, receipt: Receipt): SubmitResponse {
  const entry = JSON.parse(Buffer.from(receipt.entry.data ?? "", "base64").toString("utf8") || "{}") as {
    txId?: string;
    blockNumber?: number;
    blockTime?: number;
  };
  return {
    recordHash: pending.recordHash,
    op: pending.op,
    kind: pending.kind,
    id: pending.id,
    tx: { txId: entry.txId ?? "", blockNumber: entry.blockNumber ?? 0, blockTime: entry.blockTime ?? 0 },
    leafIndex: receipt.entry.index,
    receipt: receipt as unknown as SubmitResponse["receipt"],
  };
}

/** The service's answer to an accepted write (core/accepted-record.ts), its receipt as JSON. */
export type SubmitResponse = AcceptedRecord<Record<string, unknown> & { state?: string }>;
