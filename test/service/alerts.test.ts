import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { AlertView } from "../../core/views.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, h } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
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
    const config = testConfig(dir, { alerts: { recordsPerRecipientPerDay: 150 } });
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
