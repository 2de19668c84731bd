import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { badRequests, type FuzzRequest } from "../../scripts/scenarios/bad-requests.ts";
import { strangerBody } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

/** Fixed, so every run sends the same requests (up to random request nonces). */
const FUZZ_SEED = 20_261_202;
const FUZZ_REQUESTS = 5_200;

/** What a request may change: the log, the indexed records and the chain's latest block. */
async function stateOf(service: RunningService): Promise<string> {
  const { count, cursor } = await service.store.cursor();
  return `${service.log.size}/${count}/${cursor ?? ""}`;
}

/**
 * Bad input never becomes a 5xx: ≥ 5,000 requests from a fixed seed over every route the
 * service documents (signed records of every operation broken one field at a time and re-signed,
 * broken envelopes and signatures, bodies that are not JSON or not UTF-8, lone surrogates, any
 * path parameter, query and signature header). Each answer is below 500; a refused request
 * (4xx) changes nothing (log size, indexed records and cursor); the process answers afterwards
 * and still accepts a good write.
 */
describe("fuzzing every route with bad input (fast-check, fixed seed)", function () {
  this.timeout(600_000);
  let dir: string;
  let service: RunningService;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-fuzz-"));
    const config: Config = {
      ...DEFAULTS,
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      // Nothing may change the state behind the requests' backs: no anchors, no rate limits.
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 1_000_000 },
      http: {
        ...DEFAULTS.http,
        ratePerCaller: 1_000_000,
        rateRefusedPerAddress: 1_000_000,
        ratePublicPerAddress: 1_000_000,
      },
    };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "fuzz test" } });
    base = `http://127.0.0.1:${service.address().port}`;
    await playStory(service, clientsFor(service, base));
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${FUZZ_REQUESTS} bad requests without a 5xx, changing nothing on refusal`, async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, object> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
    );
    expect(routes.length).to.be.greaterThan(40);
    const arbitrary = badRequests({
      agency: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
      routes,
      now: () => Math.floor(Date.now() / 1000),
    });
    const statuses = new Map<number, number>();
    const touched = new Set<string>();
    let sent = 0;
    const send = async (r: FuzzRequest) => {
      const before = await stateOf(service);
      const res = await fetch(base + r.path, {
        method: r.method,
        headers: r.headers,
        ...(r.body.length > 0 ? { body: r.body } : {}),
      });
      const text = await res.text();
      sent += 1;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      touched.add(r.note.split(" (")[0]!);
      expect(res.status, `${r.note}: ${r.method} ${r.path.slice(0, 120)} → ${text.slice(0, 300)}`).to.be.below(500);
      if (res.status >= 400) {
        await service.records.idle();
        expect(await stateOf(service), `${r.note}: refused (${res.status}) but the state changed`).to.equal(before);
      }
    };
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        await send(r);
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_REQUESTS, endOnFailure: true },
    );
    const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`);
    console.log(`      fuzz: ${sent} requests, ${touched.size} request kinds; statuses ${summary.join(" ")}; 5xx 0`);
    expect(sent).to.be.at.least(5_000);
    expect([...statuses.keys()].filter((s) => s >= 500)).to.deep.equal([]);
    // Every operation's record and every documented route were exercised.
    expect([...touched].filter((k) => k.startsWith("record ")).length).to.be.at.least(20);

    // Alive, and still accepting a good write.
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const agency = clientsFor(service, base).agency;
    const res = await agency.submit("actor.register", strangerBody("consumer", 77) as never);
    expect(res.receipt.state).to.be.oneOf(["pending", "checkpointed"]);
  });
});
