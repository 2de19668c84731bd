import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { actorBody, MEMBERS, org } from "../../scripts/scenarios/world.ts";

/** Every directory and file under `dir` with a mode other than 700 (directories) or 600 (files). */
function notOwnerOnly(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) out.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stat.isFile() && mode !== 0o600) out.push(`${path} ${mode.toString(8)}`);
  };
  walk(dir);
  return out;
}

const closed = (socket: Socket, withinMs: number) =>
  new Promise<number>((ok, fail) => {
    const started = Date.now();
    const timer = setTimeout(() => fail(new Error(`still open after ${withinMs} ms`)), withinMs);
    socket.on("close", () => {
      clearTimeout(timer);
      ok(Date.now() - started);
    });
    socket.on("error", () => undefined);
  });

const open = (port: number) =>
  new Promise<Socket>((ok, fail) => {
    const s = connect(port, "127.0.0.1", () => ok(s));
    s.on("error", fail);
    // Read whatever comes (a 408), so that the server's end of the connection is seen.
    s.resume();
  });

/**
 * Safe by default: owner-only data (LevelDB's own files too, and what an earlier version left
 * readable), no generated passphrase outside the embedded demo chain, and an HTTP server that
 * cuts slow and idle clients, caps its connections and limits each caller's rate (429 with
 * Retry-After).
 */
describe("safe defaults", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const config = (): Config => ({
    ...DEFAULTS,
    port: 0,
    dataDir: dir,
    logLevel: "silent",
    http: {
      ...DEFAULTS.http,
      headersTimeoutMs: 600,
      requestTimeoutMs: 1500,
      idleTimeoutMs: 800,
      keepAliveTimeoutMs: 400,
      maxConnections: 4,
      rateWindowSeconds: 60,
      ratePerCaller: 8,
      rateRefusedPerAddress: 6,
      ratePublicPerAddress: 5,
    },
    log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-safe-"));
    // What an earlier version left: a world-readable directory and file.
    mkdirSync(join(dir, "trace"), { mode: 0o755 });
    writeFileSync(join(dir, "trace", "old.json"), "{}", { mode: 0o644 });
    chmodSync(dir, 0o755);
    service = await startService(config(), { env: {} });
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every directory 700 and every file 600 under the data directory, LevelDB's included", async () => {
    const agency = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });
    await agency.submit("actor.register", actorBody("op") as never);
    await service.anchorNow();
    const names = readdirSync(dir);
    expect(names).to.include.members(["index", "log", "keys", "nonces", "outcomes", "chain.json"]);
    expect(readdirSync(join(dir, "index")).some((n) => n.endsWith(".log") || n.startsWith("MANIFEST"))).to.equal(true);
    expect(notOwnerOnly(dir)).to.deep.equal([]);
  });

  it("generates a passphrase for the embedded demo chain only, owner-only", () => {
    expect(service.keyring.paths.passphrase).to.equal(join(dir, "keys", "passphrase"));
    expect(lstatSync(service.keyring.paths.passphrase!).mode & 0o777).to.equal(0o600);
  });

  it("refuses to start on another backend without LEDGER_AGENCY_PASSPHRASE, naming it", async () => {
    const other = mkdtempSync(join(tmpdir(), "pdl-safe-evm-"));
    try {
      for (const backend of ["evm", "fabric"] as const) {
        const err = (await startService({ ...config(), backend, dataDir: other }, { env: {} }).catch(
          (e: unknown) => e,
        )) as Error;
        expect(err.name, backend).to.equal("KeyringError");
        expect(err.message).to.match(new RegExp(`^backend ${backend} needs LEDGER_AGENCY_PASSPHRASE`));
      }
      expect(readdirSync(join(other, "keys")), "no key and no passphrase written").to.deep.equal([]);
      // With the variable, the start goes on to the next thing it needs (the node's URL).
      const next = (await startService(
        { ...config(), backend: "evm", dataDir: other },
        { env: { LEDGER_AGENCY_PASSPHRASE: "set" } },
      ).catch((e: unknown) => e)) as Error;
      expect(next.name).to.equal("ConfigError");
      expect(next.message).to.include("PDL_EVM_RPC_URL");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("closes a connection whose headers come too slowly, and one that stays silent", async () => {
    const port = service.address().port;
    const slow = await open(port);
    slow.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const drip = setInterval(() => slow.write("X-Drip: 1\r\n"), 100);
    const slowMs = await closed(slow, 5000).finally(() => clearInterval(drip));
    expect(slowMs).to.be.below(3000);
    const idle = await open(port);
    const idleMs = await closed(idle, 5000);
    expect(idleMs, "a client that sends nothing").to.be.within(300, 3000);
  });

  it("caps the connections it holds open", async () => {
    const port = service.address().port;
    const held = await Promise.all([1, 2, 3, 4].map(() => open(port)));
    const extra = await open(port);
    expect(await closed(extra, 2000), "refused at once, not cut by the header timeout").to.be.below(300);
    for (const s of held) s.destroy();
  });

  it("limits each caller's signed requests with 429 and Retry-After, other callers unaffected", async () => {
    const op = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: org("op"), privateKey: MEMBERS.op.sm2PrivateKey },
    });
    const agency = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });
    const statuses: number[] = [];
    let limited: { status: number; json: unknown; headers: Headers } | undefined;
    for (let i = 0; i < 9; i++) {
      const res = await op.raw("GET", `/v1/actors/${org("op")}`);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(
      statuses.slice(0, 8).every((s) => s === 200),
      String(statuses),
    ).to.equal(true);
    expect(statuses[8]).to.equal(429);
    expect((limited!.json as { error: { code: string } }).error.code).to.equal("RATE_LIMITED");
    expect(Number(limited!.headers.get("retry-after"))).to.be.within(1, 60);
    expect((await agency.raw("GET", `/v1/actors/${org("op")}`)).status, "another caller").to.equal(200);
  });

  it("limits public requests per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${base()}/v1/public/checkpoint`)).status);
    expect(statuses, String(statuses)).to.deep.equal([200, 200, 200, 200, 200, 429]);
  });

  it("limits refused requests per address before verifying anything", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${base()}/v1/grants`)).status);
    expect(statuses.slice(0, 6), String(statuses)).to.deep.equal([401, 401, 401, 401, 401, 401]);
    expect(statuses[6]).to.equal(429);
    const res = await fetch(`${base()}/v1/grants`);
    expect(res.headers.get("retry-after")).to.match(/^\d+$/);
    // Health and readiness answer whatever the address sent before.
    expect((await fetch(`${base()}/healthz`)).status).to.equal(200);
    expect((await fetch(`${base()}/readyz`)).status).to.equal(200);
  });
});
