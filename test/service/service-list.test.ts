import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { OverdueItem } from "../../core/overdue.ts";
import type { PublicListing, PublicServiceList } from "../../core/public-list.ts";
import type { ServiceListView } from "../../core/views.ts";
import { LedgerApiError } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import type { Scenario, Step } from "../../scripts/scenarios/scenario.ts";
import { granted, productBody, serviceListBody, withLineage } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { clientOf, DAY, playOverHttp, scenario, serviceWith } from "./scenario-over-http.ts";

const FEE = { charge: "charged", chargeUnit: "per-call", priceFen: 500 };
const publish: Step = {
  as: "op",
  op: "serviceList.publish",
  body: serviceListBody("op", [{ productId: "P1", fee: FEE }]),
};

/**
 * The product and service list (服务清单) through the API on the manual clock: the public list
 * shows the date of the last publication, and an operator whose list is older than 91 days (or
 * who has published none 91 days after its first product) is an overdue item for the agency and
 * supervisors, and for the operator itself.
 */
describe("service lists: published at least every 91 days, overdue after", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService | undefined;
  let check: ResponseCheck | undefined;
  const client = (who: ActorName) => clientOf(service!, who);
  const moveTo = (to: number) => client("agency").request("POST", "/v1/clock", { to });
  const listItems = async (who: ActorName) =>
    (await client(who).get<{ items: OverdueItem[] }>("/v1/overdue")).items.filter((i) => i.kind === "service-list");
  const publicLists = async (query = "") =>
    (await client("con").get<{ serviceLists: PublicServiceList[] }>(`/v1/public/service-lists${query}`)).serviceLists;
  const duty = async () =>
    (await service!.backend.view({ kind: "service-list", id: org("op") })) as ServiceListView | undefined;
  const play = async (steps: Step[]) => playOverHttp(service!, { name: "service list", rule: "", steps } as Scenario);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-service-list-"));
    service = await serviceWith(dir, "manual");
    check = await ResponseCheck.install(`http://127.0.0.1:${service.address().port}`);
  });
  afterEach(async () => {
    expect(check?.failures, "answers that do not match /openapi.json").to.deep.equal([]);
    check?.restore();
    await service?.stop();
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a list 91 days after the last is on time, one second more is late (the conformance scenario over HTTP)", async () => {
    const trace = await play([
      ...scenario("a list 91 days after the last is on time, 91 days and one second after it is late").steps,
    ]);
    expect(trace.filter((t) => t.startsWith("serviceList"))).to.deep.equal(Array(3).fill("serviceList.publish → ok"));
    expect(await duty()).to.deep.include({ publications: 3, lateLists: 1 });
  });

  it("shows the last publication to the public; published 91 days ago is on time, 92 days ago overdue", async () => {
    await play(withLineage);
    await service!.anchorNow();
    const issued = await clientOf(service!, "ex").issueListingReport("P1");
    await play([{ as: "ex", op: "product.list", body: { productId: "P1", reportHash: issued.reportHash } }, publish]);
    const view = (await duty())!;
    const [latest] = await service!.store.historyOf("service-list", org("op"));
    expect(view.publishedAt).to.equal(latest!.blockTime);

    const [list, ...others] = await publicLists();
    expect(others).to.deep.equal([]);
    expect(list).to.deep.include({
      operator: org("op"),
      publishedAt: view.publishedAt,
      recordHash: latest!.recordHash,
      nextListDue: view.publishedAt + 91 * DAY,
      overdue: false,
    });
    expect(list!.entries).to.deep.equal([
      {
        productId: "P1",
        name: "Credit score API",
        content: "the P1 service",
        responseTime: "within 1 working day",
        charge: "charged",
        priceFen: 500,
        priceYuan: "5.00",
        chargeUnit: "per-call",
        priceText: "¥5.00 per call",
      },
    ]);
    const products = await client("con").get<{ products: PublicListing[] }>("/v1/public/products");
    expect(products.products.map((p) => [p.id, p.serviceListPublishedAt])).to.deep.equal([["P1", view.publishedAt]]);

    await moveTo(view.publishedAt + 91 * DAY);
    expect(await listItems("sup")).to.deep.equal([]);
    expect(await publicLists("?overdue=true")).to.deep.equal([]);

    await moveTo(view.publishedAt + 92 * DAY);
    const [item, ...rest] = await listItems("sup");
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.include({
      subject: { kind: "service-list", id: org("op") },
      deadline: view.publishedAt + 91 * DAY,
      startedBy: { kind: "service-list", id: org("op"), recordHash: latest!.recordHash, at: view.publishedAt },
      owedBy: [org("op")],
    });
    expect(item!.detail).to.deep.include({ publishedAt: view.publishedAt, publications: 1, lateLists: 0 });
    for (const who of ["agency", "op"] as const) expect(await listItems(who), who).to.have.length(1);
    for (const who of ["op2", "con", "ex", "su1"] as const) expect(await listItems(who), who).to.deep.equal([]);
    expect((await publicLists("?overdue=true")).map((l) => l.operator)).to.deep.equal([org("op")]);
  });

  it("before a first list, the clock runs from the first product: overdue 92 days after it", async () => {
    await play([...granted, { as: "op", op: "product.register", body: productBody() }]);
    const [product] = await service!.store.historyOf("product", "P1");
    expect(await publicLists()).to.deep.equal([
      {
        operator: org("op"),
        operatorName: "Conformance op",
        publishedAt: null,
        recordHash: null,
        nextListDue: product!.blockTime + 91 * DAY,
        overdue: false,
        entries: [],
      },
    ]);
    await moveTo(product!.blockTime + 91 * DAY);
    expect(await listItems("agency")).to.deep.equal([]);
    await moveTo(product!.blockTime + 92 * DAY);
    const [item] = await listItems("agency");
    expect(item!.startedBy).to.deep.equal({
      kind: "product",
      id: "P1",
      recordHash: product!.recordHash,
      at: product!.blockTime,
    });
  });

  it("refuses a fee that differs from the registered price, naming the entry, the product and the price", async () => {
    await play([...granted, { as: "op", op: "product.register", body: productBody() }]);
    const wrong = serviceListBody("op", [{ productId: "P1", fee: { ...FEE, priceFen: 400 } }]);
    const err = await client("op")
      .request(
        "POST",
        `/v1/operators/${org("op")}/service-lists`,
        client("op").sign("serviceList.publish", wrong as never),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(LedgerApiError);
    const api = err as LedgerApiError;
    expect([api.status, api.code]).to.deep.equal([422, "SERVICE_LIST_FEE_MISMATCH"]);
    expect((api.body as { error: { details: unknown } }).error.details).to.deep.equal({
      entry: 0,
      productId: "P1",
      charge: "charged",
      chargeUnit: "per-call",
      priceFen: 500,
    });
    expect((await duty())!.publications).to.equal(0);
  });
});
