import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { OrgId } from "../../core/records/common.ts";
import { validate } from "../../core/validate.ts";

/**
 * Service configuration: defaults, then an optional JSON file (LEDGER_CONFIG), then
 * environment variables, which win. Secrets (passphrases, private keys) come only from the
 * environment or from files under the data directory, never from the config file.
 */
const Backend = z.enum(["embedded", "evm", "fabric"]);

/**
 * The demo's implementing agency: the Longhua District government services and data
 * administration of the seed plan (a fictional organisation code). A deployment names its own
 * agency through LEDGER_AGENCY_ORG_ID / LEDGER_AGENCY_NAME (or `agency` in the config file).
 */
export const DEMO_AGENCY = { orgId: "11440309PDL000001P", name: "深圳市龙华区政务服务和数据管理局" } as const;

export const ConfigSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  dataDir: z.string().min(1),
  backend: Backend,
  /**
   * The embedded chain's rule engine: the chaincode's on a durable LevelDB store, or the earlier
   * Solidity registry on Hardhat's EVM with a replayed journal (the restart benchmark's baseline).
   */
  embedded: z.strictObject({ engine: z.enum(["chaincode", "hardhat"]) }),
  /** The embedded chain's clock: the machine's, or one only the agency moves (LEDGER_CLOCK=manual). */
  clock: z.enum(["wall", "manual"]),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  /** Largest accepted request body. */
  bodyLimitBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024),
  /** Allowed clock difference between a signed request and the service, seconds. */
  authWindowSeconds: z.number().int().min(1).max(3600),
  /** What one connection and one caller may take of the service. */
  http: z.strictObject({
    /** Time to receive a request's headers, from the connection's start or the previous answer (slow and silent clients are cut off). */
    headersTimeoutMs: z.number().int().min(100),
    /** Time to receive a whole request, body included. */
    requestTimeoutMs: z.number().int().min(100),
    /** A connection with no traffic either way this long is closed (a client that stopped reading). */
    idleTimeoutMs: z.number().int().min(100),
    /** Keep-alive connections waiting for their next request are closed after this. */
    keepAliveTimeoutMs: z.number().int().min(100),
    /** Connections open at once; more are refused. */
    maxConnections: z.number().int().min(1),
    /** The rate limits' window. */
    rateWindowSeconds: z.number().int().min(1).max(3600),
    /** Signed requests per caller (organisation) and window; then 429 with Retry-After. */
    ratePerCaller: z.number().int().min(1),
    /** Refused requests (4xx but 404) per client address and window, before authentication. */
    rateRefusedPerAddress: z.number().int().min(1),
    /** Public (unsigned) requests per client address and window. */
    ratePublicPerAddress: z.number().int().min(1),
    /** Complaints (the one write that needs no account) per client address per hour ... */
    complaintsPerAddressPerHour: z.number().int().min(1),
    /** ... and from everyone together per hour. */
    complaintsPerHour: z.number().int().min(1),
    /** Anchors on request (POST /v1/anchors) per caller and `anchorRequestWindowSeconds`: each one is a chain transaction. */
    anchorRequestsPerCaller: z.number().int().min(1),
    anchorRequestWindowSeconds: z.number().int().min(1).max(86_400),
  }),
  /**
   * How long a write whose transaction was sent waits for its outcome when the chain stops
   * answering; then it is answered 202 with the record hash to poll (GET /v1/receipts/:hash).
   */
  outcomeWaitMs: z.number().int().min(0).max(600_000),
  /** Risk alerts (数据风险评估, docs/RULEBOOK.md). */
  alerts: z.strictObject({
    /** Records delivered to one recipient in any 24 hours beyond which an alert is raised. */
    recordsPerRecipientPerDay: z.number().int().min(1),
    /** Signed reads by one actor in an hour above this many times its usual hourly rate ... */
    readRateFactor: z.number().min(1),
    /** ... and above this many raise an alert. */
    readsPerHourFloor: z.number().int().min(1),
    /** The scan runs every this many seconds (0: on request only, POST /v1/alerts/scan). */
    scanEverySeconds: z.number().int().min(0).max(86_400),
  }),
  /** Every call to the chain gives up after this (the node is treated as unavailable). */
  chainTimeoutMs: z.number().int().min(100).max(600_000),
  /** Worker threads verifying SM2 signatures (0: on the main thread; default: one per core but one). */
  verifyThreads: z.number().int().min(0).max(64),
  /** The implementing agency the service bootstraps on chain and signs anchors for. */
  agency: z.strictObject({
    orgId: OrgId,
    name: z.string().min(1).max(128),
    /** Its sealed SM2 key file; default <dataDir>/keys/agency.key.json, created on first start. */
    keyFile: z.string().min(1).optional(),
  }),
  log: z.strictObject({
    /** Log origin (C2SP checkpoint origin line). */
    origin: z.string().regex(/^[\x21-\x7e]{1,100}$/),
    /** Sign a checkpoint after this many new entries ... */
    checkpointEveryLeaves: z.number().int().min(1),
    /** ... or this many milliseconds, whichever comes first. */
    checkpointEveryMs: z.number().int().min(10),
    /** Anchor the latest checkpoint on chain after this many new entries ... */
    anchorEveryLeaves: z.number().int().min(1),
    /** ... or this many seconds, whichever comes first. */
    anchorEverySeconds: z.number().int().min(1),
  }),
  evm: z.strictObject({
    rpcUrl: z.string().optional(),
    /** JSON file with the deployed registry addresses (written by `npm run deploy:evm`). */
    addressesFile: z.string().optional(),
  }),
  fabric: z.strictObject({
    peerEndpoint: z.string().optional(),
    tlsCertPath: z.string().optional(),
    hostAlias: z.string().optional(),
    mspId: z.string().optional(),
    certPath: z.string().optional(),
    keyPath: z.string().optional(),
    channel: z.string(),
    chaincode: z.string(),
  }),
});
export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULTS: Config = {
  host: "127.0.0.1",
  port: 8080,
  dataDir: "./data",
  backend: "embedded",
  embedded: { engine: "chaincode" },
  clock: "wall",
  logLevel: "info",
  bodyLimitBytes: 256 * 1024,
  authWindowSeconds: 300,
  verifyThreads: Math.max(0, availableParallelism() - 1),
  http: {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    idleTimeoutMs: 60_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 512,
    rateWindowSeconds: 10,
    ratePerCaller: 2_000,
    rateRefusedPerAddress: 1_000,
    ratePublicPerAddress: 1_000,
    complaintsPerAddressPerHour: 5,
    complaintsPerHour: 200,
    anchorRequestsPerCaller: 10,
    anchorRequestWindowSeconds: 60,
  },
  outcomeWaitMs: 10_000,
  alerts: { recordsPerRecipientPerDay: 100_000, readRateFactor: 10, readsPerHourFloor: 10_000, scanEverySeconds: 300 },
  chainTimeoutMs: 10_000,
  agency: { ...DEMO_AGENCY },
  log: {
    origin: "longhua.public-data-ledger/log/sm3",
    checkpointEveryLeaves: 256,
    checkpointEveryMs: 1000,
    anchorEveryLeaves: 4096,
    anchorEverySeconds: 30,
  },
  evm: {},
  fabric: { channel: "pdl", chaincode: "pdl" },
};

type Env = Record<string, string | undefined>;

function int(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Resolves the configuration from defaults, LEDGER_CONFIG (a JSON file) and the environment. */
export function loadConfig(env: Env = process.env): Config {
  let file: Partial<Config> = {};
  if (env.LEDGER_CONFIG) file = JSON.parse(readFileSync(env.LEDGER_CONFIG, "utf8")) as Partial<Config>;
  const fromEnv = definedOnly({
    host: env.HOST,
    port: int(env, "PORT"),
    dataDir: env.LEDGER_DATA_DIR,
    backend: env.LEDGER_BACKEND as Config["backend"] | undefined,
    clock: env.LEDGER_CLOCK as Config["clock"] | undefined,
    logLevel: env.LOG_LEVEL as Config["logLevel"] | undefined,
    bodyLimitBytes: int(env, "LEDGER_BODY_LIMIT_BYTES"),
    verifyThreads: int(env, "LEDGER_VERIFY_THREADS"),
    outcomeWaitMs: int(env, "LEDGER_OUTCOME_WAIT_MS"),
    chainTimeoutMs: int(env, "LEDGER_CHAIN_TIMEOUT_MS"),
  });
  const merged = {
    ...DEFAULTS,
    ...file,
    ...fromEnv,
    agency: {
      ...DEFAULTS.agency,
      ...file.agency,
      ...definedOnly({
        orgId: env.LEDGER_AGENCY_ORG_ID,
        name: env.LEDGER_AGENCY_NAME,
        keyFile: env.LEDGER_AGENCY_KEY_FILE,
      }),
    },
    http: {
      ...DEFAULTS.http,
      ...file.http,
      ...definedOnly({
        maxConnections: int(env, "LEDGER_MAX_CONNECTIONS"),
        ratePerCaller: int(env, "LEDGER_RATE_PER_CALLER"),
        rateRefusedPerAddress: int(env, "LEDGER_RATE_REFUSED_PER_ADDRESS"),
        ratePublicPerAddress: int(env, "LEDGER_RATE_PUBLIC_PER_ADDRESS"),
        complaintsPerAddressPerHour: int(env, "LEDGER_COMPLAINTS_PER_ADDRESS_PER_HOUR"),
        complaintsPerHour: int(env, "LEDGER_COMPLAINTS_PER_HOUR"),
        anchorRequestsPerCaller: int(env, "LEDGER_ANCHOR_REQUESTS_PER_CALLER"),
        anchorRequestWindowSeconds: int(env, "LEDGER_ANCHOR_REQUEST_WINDOW_SECONDS"),
      }),
    },
    alerts: {
      ...DEFAULTS.alerts,
      ...file.alerts,
      ...definedOnly({ scanEverySeconds: int(env, "LEDGER_ALERT_SCAN_EVERY_SECONDS") }),
    },
    log: {
      ...DEFAULTS.log,
      ...file.log,
      ...definedOnly({
        checkpointEveryLeaves: int(env, "LEDGER_CHECKPOINT_EVERY_LEAVES"),
        checkpointEveryMs: int(env, "LEDGER_CHECKPOINT_EVERY_MS"),
        anchorEveryLeaves: int(env, "LEDGER_ANCHOR_EVERY_LEAVES"),
        anchorEverySeconds: int(env, "LEDGER_ANCHOR_EVERY_SECONDS"),
      }),
    },
    embedded: {
      ...DEFAULTS.embedded,
      ...file.embedded,
      ...definedOnly({ engine: env.LEDGER_EMBEDDED_ENGINE as Config["embedded"]["engine"] | undefined }),
    },
    evm: {
      ...DEFAULTS.evm,
      ...file.evm,
      ...definedOnly({ rpcUrl: env.PDL_EVM_RPC_URL, addressesFile: env.PDL_EVM_ADDRESSES }),
    },
    fabric: {
      ...DEFAULTS.fabric,
      ...file.fabric,
      ...definedOnly({
        peerEndpoint: env.PDL_FABRIC_PEER_ENDPOINT,
        tlsCertPath: env.PDL_FABRIC_TLS_CERT,
        hostAlias: env.PDL_FABRIC_HOST_ALIAS,
        mspId: env.PDL_FABRIC_MSP_ID,
        certPath: env.PDL_FABRIC_CERT,
        keyPath: env.PDL_FABRIC_KEY,
        channel: env.PDL_FABRIC_CHANNEL,
        chaincode: env.PDL_FABRIC_CHAINCODE,
      }),
    },
  };
  const config = validate(ConfigSchema, merged, "configuration");
  return {
    ...config,
    dataDir: resolve(config.dataDir),
    agency: { ...config.agency, ...(config.agency.keyFile ? { keyFile: resolve(config.agency.keyFile) } : {}) },
  };
}
