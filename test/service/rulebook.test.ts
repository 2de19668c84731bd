import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { LedgerApiError } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import { h, hopBody } from "../../scripts/scenarios/fixtures.ts";
import { signAs } from "../../scripts/scenarios/world.ts";
import { clientOf, playOverHttp, scenario, serviceWith } from "./scenario-over-http.ts";

/** The rulebook as a caller of the HTTP API sees it: each rule's scenario played at its times, then read back. */
describe("rulebook over HTTP", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-rulebook-"))));
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const grantStatus = async (grantId: string) =>
    (await clientOf(service!, "agency").get<{ view: { status: string } }>(`/v1/grants/${grantId}`)).view.status;

  it("three unqualified calendar years recorded 2028, 2026, 2027 revoke the grant", async () => {
    service = await serviceWith(dir, "manual");
    await playOverHttp(service, scenario("three unqualified calendar years revoke whatever the order of recording"));
    expect(await grantStatus("G1")).to.equal("revoked");
  });

  it("a partner admitted for R1 is refused a hop on an artifact derived from R2 two hops back, and admitted for H1", async () => {
    service = await serviceWith(dir, "manual");
    const trace = await playOverHttp(
      service,
      scenario("a partner admitted for one resource cannot work on an artifact derived from another"),
    );
    expect(trace.slice(-3)).to.deep.equal([
      "lineage.hop → PARTNER_OUT_OF_SCOPE",
      "lineage.hop → PARTNER_OUT_OF_SCOPE",
      "lineage.hop → ok",
    ]);
    const partner = clientOf(service, "pa");
    const refused = await partner
      .submitSigned(
        signAs(
          "pa",
          "lineage.hop",
          hopBody("H9", { inputs: [{ kind: "artifact", hopId: "H3", hash: h("H3-out") }], environment: "tee" }),
          "again",
        ),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).to.be.instanceOf(LedgerApiError);
    expect((refused as LedgerApiError).code).to.equal("PARTNER_OUT_OF_SCOPE");
    expect((refused as LedgerApiError).status).to.equal(422);
  });

  it("2026 and 2028 unqualified with 2027 qualified leave the grant active", async () => {
    service = await serviceWith(dir, "manual");
    const broken = scenario("out of order, a qualified year between still breaks the run");
    // Up to the fourth evaluation: 2028, 2026 unqualified, 2027 qualified, 2029 unqualified.
    const steps = broken.steps.slice(
      0,
      broken.steps.findIndex((s) => "view" in s),
    );
    const trace = await playOverHttp(service, { ...broken, steps });
    expect(trace.filter((t) => t.startsWith("evaluation.record"))).to.deep.equal(
      Array(4).fill("evaluation.record → ok"),
    );
    expect(await grantStatus("G1")).to.equal("active");
  });
});
