import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { AlertView } from "../../core/views.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, h, hopBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { DEFAULTS } from "../../ledger-service/src/config.ts";
import { ClassicLevel } from "classic-level";
import { HOUR, ReadCounter, readRateAlerts, USUAL_HOURS } from "../../ledger-service/src/domain/read-rate.ts";
import { loadScanState } from "../../ledger-service/src/domain/delivery-scan.ts";
import { advanceWallClock } from "../../scripts/scenarios/service-story.ts";
import { delivery, productBody } from "../../scripts/scenarios/fixtures.ts";
import { org } from "../../scripts/scenarios/world.ts";
import { testConfig } from "./test-config.ts";

interface AlertDocument {
  view: AlertView;
  created: { signal: string; evidence: { kind: string; id: string; recordHash: string }[] };
  changes: { op: string }[];
}

/**
 * Risk alerts over HTTP (数据风险评估, 应急处置): deliveries to one recipient beyond the rate in 24
 * hours raise one signed alert citing them; the agency and supervisors see it with its evidence;
 * the agency suspends the grant from it and the alert records that and when.
 */
describe("risk alerts: raised from deliveries, acted on by the agency", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const scan = (who: ActorName = "sup") => c[who].request<{ raised: string[] }>("POST", "/v1/alerts/scan", {});
  const alerts = async () => (await c.sup.get<{ alerts: AlertDocument[] }>("/v1/alerts")).alerts;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-alerts-"));
    // The story delivers D1 (100 records) to con; a second delivery of 100 crosses a rate of 150.
    const config = testConfig(dir, {
      alerts: { ...DEFAULTS.alerts, scanEverySeconds: 0, recordsPerRecipientPerDay: 150 },
    });
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "alerts test" } });
    c = clientsFor(service, base());
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("raises nothing while the recipient is within the rate", async () => {
    expect((await scan()).raised).to.deep.equal([]);
    expect(await alerts()).to.deep.equal([]);
  });

  it("raises one alert citing both deliveries once the rate is exceeded, and only once", async () => {
    const d2 = await c.op.submit("lineage.hop", deliverBody("D2", { outputHash: h("D2-out") }) as never);
    const { raised } = await scan("agency");
    expect(raised).to.have.length(1);
    expect((await scan()).raised).to.deep.equal([]);
    const [alert, ...rest] = await alerts();
    expect(rest).to.deep.equal([]);
    expect(alert!.view).to.deep.include({ grantId: "G1", signal: "recipient-rate-exceeded", action: "", actedAt: 0 });
    expect(alert!.created.evidence.map((e) => e.id)).to.deep.equal(["D1", "D2"]);
    expect(alert!.created.evidence[1]!.recordHash).to.equal(d2.recordHash);
  });

  it("shows alerts to the agency and supervisors only", async () => {
    for (const who of ["op", "ex", "con", "su1"] as const) {
      expect((await c[who].raw("GET", "/v1/alerts")).status, who).to.equal(403);
      expect((await c[who].raw("POST", "/v1/alerts/scan", {})).status, who).to.equal(403);
    }
  });

  it("lets the agency suspend the grant from the alert, which records the suspension and its time", async () => {
    const [alert] = await alerts();
    const suspended = await c.agency.submitSigned(
      c.agency.sign("grant.suspend", { grantId: "G1", reason: "emergency stop", alertId: alert!.view.id }),
      "/v1/grants/G1/suspension",
    );
    const [after] = await alerts();
    expect(after!.view).to.deep.include({ action: "grant-suspended", actedAt: suspended.tx.blockTime });
    expect((await service.backend.view({ kind: "grant", id: "G1" })) as { status: string }).to.deep.include({
      status: "suspended",
    });
    const history = await c.sup.get<{ history: { op: string; body: { alertId?: string } }[] }>(
      "/v1/records/grant/G1/history",
    );
    expect(history.history.at(-1)).to.deep.include({ op: "grant.suspend" });
    expect(history.history.at(-1)!.body.alertId).to.equal(alert!.view.id);
  });
});

/**
 * The other detectors over HTTP: a delivery above its product's declared volume, a delivery made
 * from a grade 3 resource through a de-identifying hop, and an actor reading far above its usual
 * rate; each raised once, with the records behind it, and nothing for the cases beside them.
 */
describe("risk alerts: declared volume, grade 3 inputs, read rates", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let restoreClock: () => void;
  const FLOOR = 40;
  const scan = async () => (await c.agency.request<{ raised: string[] }>("POST", "/v1/alerts/scan", {})).raised;
  const alertsOf = async (signal: string) =>
    (await c.sup.get<{ alerts: AlertDocument[] }>("/v1/alerts")).alerts.filter((a) => a.view.signal === signal);

  before(async () => {
    // Reads are counted by the hour: start half-way through one, so the reads below share it.
    const now = Math.floor(Date.now() / 1000);
    restoreClock = advanceWallClock((HOUR + HOUR / 2 - (now % HOUR)) % HOUR);
    dir = mkdtempSync(join(tmpdir(), "pdl-alerts-more-"));
    const config = testConfig(dir, {
      alerts: { ...DEFAULTS.alerts, scanEverySeconds: 0, readsPerHourFloor: FLOOR, readRateFactor: 10 },
    });
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "alerts test" } });
    c = clientsFor(service, base());
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    restoreClock?.();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = () => `http://127.0.0.1:${service.address().port}`;

  it("raises nothing for the story's deliveries (grade 2 inputs, no declared volume)", async () => {
    expect(await scan()).to.deep.equal([]);
  });

  it("raises a volume alert for a delivery above its product's declared volume, not for one at it", async () => {
    const product = await c.op.submit("product.register", productBody({ id: "P2", declaredVolume: 100 }) as never);
    await c.op.submit("lineage.hop", deliverBody("V1", { productId: "P2", outputHash: h("V1-out") }) as never);
    expect(await scan()).to.deep.equal([]);
    const v2 = await c.op.submit(
      "lineage.hop",
      deliverBody("V2", { productId: "P2", recordCount: 101, outputHash: h("V2-out") }) as never,
    );
    expect(await scan()).to.have.length(1);
    expect(await scan()).to.deep.equal([]);
    const [alert, ...rest] = await alertsOf("volume-exceeded");
    expect(rest).to.deep.equal([]);
    expect(alert!.view).to.deep.include({ grantId: "G1", action: "" });
    expect(alert!.created.evidence).to.deep.equal([
      { kind: "hop", id: "V2", recordHash: v2.recordHash },
      { kind: "product", id: "P2", recordHash: product.recordHash },
    ]);
  });

  it("raises a grade-3 alert for a delivery made from R2 through a de-identifying hop, citing the path", async () => {
    const deidentified = await c.op.submit("lineage.hop", {
      ...hopBody("S1", {
        operation: "de-identify",
        inputs: [{ kind: "resource", resourceId: "R2", version: 1, fields: ["amount"], hash: h("R2-v1") }],
        environment: "tee",
        outputGrade: 2,
      }),
    } as never);
    const delivered = await c.op.submit(
      "lineage.hop",
      deliverBody("S2", {
        inputs: [{ kind: "artifact", hopId: "S1", hash: h("S1-out") }],
        delivery: delivery({ recipient: org("op2") }),
        outputHash: h("S2-out"),
      }) as never,
    );
    expect(await scan()).to.have.length(1);
    expect(await scan()).to.deep.equal([]);
    const [alert, ...rest] = await alertsOf("sensitive-input-delivered");
    expect(rest, "D1, V1, V2 come from R1 (grade 2) only").to.deep.equal([]);
    const resource = (await service.store.historyOf("resource", "R2"))[0]!;
    expect(alert!.created.evidence).to.deep.equal([
      { kind: "hop", id: "S2", recordHash: delivered.recordHash },
      { kind: "hop", id: "S1", recordHash: deidentified.recordHash },
      { kind: "resource", id: "R2", recordHash: resource.recordHash },
    ]);
  });

  it("keeps the resource and the hop that read it when the path is longer than 32 evidence records", async () => {
    await c.op.submit("lineage.hop", {
      ...hopBody("L0", {
        operation: "de-identify",
        inputs: [{ kind: "resource", resourceId: "R2", version: 1, fields: ["amount"], hash: h("R2-v1") }],
        environment: "tee",
        outputGrade: 2,
      }),
    } as never);
    for (let i = 1; i <= 34; i++)
      await c.op.submit(
        "lineage.hop",
        hopBody(`L${i}`, { inputs: [{ kind: "artifact", hopId: `L${i - 1}`, hash: h(`L${i - 1}-out`) }] }) as never,
      );
    await c.op.submit(
      "lineage.hop",
      deliverBody("L-D", {
        inputs: [{ kind: "artifact", hopId: "L34", hash: h("L34-out") }],
        outputHash: h("L-D-out"),
      }) as never,
    );
    expect(await scan()).to.have.length(1);
    const alert = (await alertsOf("sensitive-input-delivered")).find((a) => a.created.evidence[0]!.id === "L-D")!;
    const ids = alert.created.evidence.map((e) => `${e.kind}:${e.id}`);
    expect(ids).to.have.length(32);
    expect(ids.slice(0, 2)).to.deep.equal(["hop:L-D", "hop:L0"]);
    expect(ids.at(-1)).to.equal("resource:R2");
  });

  it("raises no read-rate alert at the floor, nor for an actor under no grant; one above it, once", async () => {
    for (let i = 0; i < FLOOR; i++) await c.pa.get("/v1/clock");
    for (let i = 0; i < FLOOR + 5; i++) await c.con.get("/v1/clock");
    expect(await scan()).to.deep.equal([]);
    await c.pa.get("/v1/clock");
    expect(await scan()).to.have.length(1);
    await c.pa.get("/v1/clock");
    expect(await scan()).to.deep.equal([]);
    const [alert, ...rest] = await alertsOf("read-rate-exceeded");
    expect(rest).to.deep.equal([]);
    expect(alert!.view.grantId).to.equal("G1");
    expect(alert!.created.evidence.map((e) => [e.kind, e.id])).to.deep.equal([
      ["actor", org("pa")],
      ["grant", "G1"],
    ]);
  });

  it("judges an hour against the actor's usual rate over the week before it", async () => {
    const hour = 1_800_000_000 - (1_800_000_000 % HOUR);
    const week = (perHour: number) =>
      new Map(Array.from({ length: USUAL_HOURS }, (_, i) => [hour - (i + 1) * HOUR, perHour] as const));
    const judge = (perHour: number, reads: number) =>
      readRateAlerts(
        service.store,
        new Map([[org("op"), new Map([...week(perHour), [hour, reads]])]]),
        hour + 60,
        { readRateFactor: 10, readsPerHourFloor: FLOOR },
        async () => "active",
      );
    expect(await judge(100, 1000), "exactly 10× the usual 100 an hour").to.deep.equal([]);
    const [alert] = await judge(100, 1001);
    expect(alert).to.deep.include({ grantId: "G1", signal: "read-rate-exceeded" });
    expect(await judge(0, FLOOR), "no history: the floor alone").to.deep.equal([]);
    expect(await judge(0, FLOOR + 1)).to.have.length(1);
  });
});

describe("risk alerts: the scan also runs on the service's timer", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService | undefined;

  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("raises the alert due without a request, and stops with the service", async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-alerts-timer-"));
    const config = testConfig(dir, {
      alerts: { ...DEFAULTS.alerts, scanEverySeconds: 1, recordsPerRecipientPerDay: 150 },
    });
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "alerts test" } });
    const c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    await playStory(service, c);
    await c.op.submit("lineage.hop", deliverBody("D2", { outputHash: h("D2-out") }) as never);
    let found: AlertDocument[] = [];
    while (found.length === 0) {
      await new Promise((ok) => setTimeout(ok, 200));
      found = (await c.sup.get<{ alerts: AlertDocument[] }>("/v1/alerts")).alerts;
    }
    expect(found.map((a) => a.view.signal)).to.deep.equal(["recipient-rate-exceeded"]);
    expect((await c.agency.request<{ raised: string[] }>("POST", "/v1/alerts/scan", {})).raised).to.deep.equal([]);
    const running = service;
    service = undefined;
    await running.stop();
  });
});

describe("risk alerts: read counts", function () {
  let dir: string;
  let db: ClassicLevel<string, unknown>;
  after(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("are kept by actor and hour across a reopen, and dropped once older than the week judged", async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-read-counts-"));
    let now = 1_800_000_000 - (1_800_000_000 % HOUR) + 10;
    const open = async () => {
      db = new ClassicLevel<string, unknown>(dir, { valueEncoding: "json" });
      await db.open();
      return new ReadCounter(db, () => now);
    };
    let counter = await open();
    counter.count("A");
    counter.count("A");
    now += HOUR;
    counter.count("A");
    counter.count("B");
    await counter.flush();
    await db.close();
    counter = await open();
    const first = now - HOUR - 10;
    expect(await counter.since(0)).to.deep.equal(
      new Map([
        [
          "A",
          new Map([
            [first, 2],
            [first + HOUR, 1],
          ]),
        ],
        ["B", new Map([[first + HOUR, 1]])],
      ]),
    );
    expect(await counter.since(first + HOUR)).to.deep.equal(
      new Map([
        ["A", new Map([[first + HOUR, 1]])],
        ["B", new Map([[first + HOUR, 1]])],
      ]),
    );
    expect((await counter.since(0)).get("A")!.has(first), "dropped by the read before").to.equal(false);
  });
});

/**
 * A scan judges only what was indexed since the last one, from where it stopped (kept in the
 * index store): across a restart a finding in old data is not raised again, a new one is, and a
 * recipient's 24-hour window still counts the deliveries made before the restart.
 */
describe("risk alerts: the scan resumes where it stopped after a restart", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  // The story's D1 (100) and V2 (101) stay within 250 to con; a third delivery of 100 crosses it.
  const config = () =>
    testConfig(dir, { alerts: { ...DEFAULTS.alerts, scanEverySeconds: 0, recordsPerRecipientPerDay: 250 } });
  const start = async () => {
    service = await startService(config(), { env: { LEDGER_AGENCY_PASSPHRASE: "alerts test" } });
    c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
  };
  const scan = async () => (await c.agency.request<{ raised: string[] }>("POST", "/v1/alerts/scan", {})).raised;
  const alertsOf = async (signal: string) =>
    (await c.sup.get<{ alerts: AlertDocument[] }>("/v1/alerts")).alerts.filter((a) => a.view.signal === signal);
  const lastSeq = async () => {
    let last: number | undefined;
    for await (const e of service.store.allEntries()) last = e.seq;
    return last;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-alerts-restart-"));
    await start();
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("raises an old finding once, before and after a restart, and a new finding after it", async () => {
    await c.op.submit("product.register", productBody({ id: "P2", declaredVolume: 100 }) as never);
    const v2 = await c.op.submit(
      "lineage.hop",
      deliverBody("V2", { productId: "P2", recordCount: 101, outputHash: h("V2-out") }) as never,
    );
    const indexed = await lastSeq();
    const before = await scan();
    expect(before).to.have.length(1);
    // The alert just raised is indexed after where the scan stopped; the next scan reads it and passes.
    expect((await loadScanState(service.store)).seq).to.equal(indexed);

    await service.stop();
    await start();
    expect(await scan()).to.deep.equal([]);

    const d3 = await c.op.submit("lineage.hop", deliverBody("D3", { outputHash: h("D3-out") }) as never);
    const after = await scan();
    expect(after).to.have.length(1);
    expect(after).to.not.include(before[0]);
    expect(await scan()).to.deep.equal([]);
    expect((await alertsOf("volume-exceeded")).map((a) => a.view.id)).to.deep.equal(before);
    const [rate, ...rest] = await alertsOf("recipient-rate-exceeded");
    expect(rest).to.deep.equal([]);
    expect(rate!.view.id).to.equal(after[0]);
    expect(rate!.created.evidence.map((e) => e.id)).to.deep.equal(["D1", "V2", "D3"]);
    expect(rate!.created.evidence.slice(1).map((e) => e.recordHash)).to.deep.equal([v2.recordHash, d3.recordHash]);
  });
});
