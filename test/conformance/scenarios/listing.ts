import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import { h, hopBody, issueReport, productBody, withLineage, withProduct } from "../../../scripts/scenarios/fixtures.ts";

/** A listing needs a real, passing report: one the service issued on chain for that product, its latest. */

const listWith = (label: string, productId = "P1") =>
  ({ as: "ex", op: "product.list", body: { productId, reportHash: h(label) } }) as const;
const delist = { as: "ex", op: "product.delist", body: { productId: "P1", reason: "re-verification" } } as const;

export const listingScenarios: Scenario[] = [
  {
    name: "a listing names the latest passing report issued for its product",
    rule: "report.issue / product.list",
    steps: [
      ...withLineage,
      issueReport("report-a"),
      {
        view: { kind: "report", id: h("report-a") },
        expect: { productId: "P1", verdict: "pass", latest: true },
      },
      listWith("report-a"),
      { view: { kind: "product", id: "P1" }, expect: { status: "listed", reportHash: h("report-a") } },
      delist,
      // A later failing report supersedes the passing one: the product cannot be relisted on it.
      issueReport("report-b", "fail"),
      { view: { kind: "report", id: h("report-a") }, expect: { latest: false } },
      {
        ...listWith("report-a"),
        expect: "REPORT_SUPERSEDED",
        details: { reportHash: h("report-a"), latestReportHash: h("report-b") },
      },
      { ...listWith("report-b"), expect: "REPORT_NOT_PASSED", details: { reportHash: h("report-b") } },
      issueReport("report-c"),
      listWith("report-c"),
      { view: { kind: "product", id: "P1" }, expect: { status: "listed", reportHash: h("report-c") } },
    ],
  },
  {
    name: "a listing naming an unknown report or another product's report is refused",
    rule: "product.list",
    steps: [
      ...withLineage,
      { as: "op", op: "product.register", body: productBody({ id: "P2" }) },
      issueReport("report-p2", "pass", "P2"),
      { ...listWith("report-none"), expect: "REPORT_UNKNOWN", details: { reportHash: h("report-none") } },
      {
        ...listWith("report-p2"),
        expect: "REPORT_PRODUCT_MISMATCH",
        details: { reportHash: h("report-p2"), productId: "P2" },
      },
      // Another product's failing report is still another product's.
      issueReport("report-p2-fail", "fail", "P2"),
      {
        ...listWith("report-p2-fail"),
        expect: "REPORT_PRODUCT_MISMATCH",
        details: { reportHash: h("report-p2-fail"), productId: "P2" },
      },
      { view: { kind: "product", id: "P1" }, expect: { status: "registered", reportHash: "" } },
    ],
  },
  {
    name: "a failing report never lists, and lineage is checked before the report",
    rule: "product.list",
    steps: [
      ...withProduct,
      issueReport("report-early"),
      { ...listWith("report-early"), expect: "LINEAGE_INCOMPLETE" },
      { as: "op", op: "lineage.hop", body: hopBody("H1") },
      issueReport("report-fail", "fail"),
      { ...listWith("report-fail"), expect: "REPORT_NOT_PASSED", details: { reportHash: h("report-fail") } },
      issueReport("report-pass"),
      listWith("report-pass"),
    ],
  },
  {
    name: "only the agency issues a report, once, for a registered product",
    rule: "report.issue",
    steps: [
      ...withLineage,
      { ...issueReport("report"), as: "ex", expect: "NOT_AUTHORIZED" },
      { ...issueReport("report"), as: "op", expect: "NOT_AUTHORIZED" },
      { ...issueReport("report", "pass", "P9"), expect: "NOT_FOUND", details: { id: "P9" } },
      issueReport("report"),
      { ...issueReport("report", "fail"), expect: "DUPLICATE_ID", details: { id: h("report") } },
      { view: { kind: "report", id: h("report") }, expect: { verdict: "pass", latest: true } },
      { view: { kind: "report", id: h("report-none") }, expect: null },
    ],
  },
];
