import { Button, Descriptions, Result, Table, Tag, Typography } from "antd";
import type { PublicCheckpoint } from "../../../../../../core/public-checkpoint.ts";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toCstIso } from "../../../../../../core/time.ts";
import { checkReceipt } from "../../../../../src/client/sdk/receipt-check.ts";
import { usePublicQuery } from "../../../api/hooks.ts";
import { HashText } from "../../../app/HashText.tsx";
import type {
  AttributionEvidence,
  DeliveryFinding,
  MarkedExactTest,
  RecordRef,
  TraceReport,
  WatermarkTest,
} from "../../../../../../core/trace-report.ts";
import { pValue } from "./trace-model.ts";
// The receipt verdict's words are the receipt page's.
import "../../tools/texts.ts";

const minute = (ts: number) => toCstIso(ts).slice(0, 16).replace("T", " ");
const org = (o: { orgId: string; name: string }) => (o.name ? `${o.name}（${o.orgId}）` : o.orgId);

/**
 * The answer of a trace as a case report a supervisor files: the verdict, then per attributed
 * delivery who received it, from whom, under which product and grant, whether it breaks a
 * destruction duty, the tests the attribution rests on (p-value against the level, matches against
 * the threshold) and the records on chain relied on, their receipts verified in this browser
 * against the log key; finally every candidate's scores. Prints on A4 (trace.css).
 */
export function CaseReport({ report, fileName }: { report: TraceReport; fileName: string }) {
  const { t } = useTranslation("trace");
  const log = usePublicQuery<PublicCheckpoint>("/v1/public/checkpoint");
  const deliveries = report.attributedTo.join("、");
  return (
    <section className="trace-report" aria-label={t("report")}>
      <Typography.Title level={2}>{t("report")}</Typography.Title>
      <Result
        className="trace-verdict"
        status={report.verdict === "attributed" ? "warning" : "info"}
        title={t(`verdict.${report.verdict}`, { deliveries })}
        subTitle={
          report.violations.length > 0 ? t("violations", { deliveries: report.violations.join("、") }) : undefined
        }
      />
      <Descriptions bordered column={2} size="small" className="trace-summary">
        <Descriptions.Item label={t("file")}>{fileName}</Descriptions.Item>
        <Descriptions.Item label={t("leakAtShown")}>{minute(report.leakAt)}</Descriptions.Item>
        <Descriptions.Item label={t("records")}>{report.records}</Descriptions.Item>
        <Descriptions.Item label={t("unmatched")}>{report.unmatchedRecords}</Descriptions.Item>
        <Descriptions.Item label={t("alpha")}>{report.alpha}</Descriptions.Item>
        <Descriptions.Item label={t("comparisons")}>{report.comparisons}</Descriptions.Item>
        {report.alerts && report.alerts.length > 0 && (
          <Descriptions.Item label={t("alerts")} span={2}>
            {report.alerts.join("、")}
          </Descriptions.Item>
        )}
      </Descriptions>
      {report.deliveries.map((d) => (
        <Finding key={d.deliveryId} finding={d} vkey={log.data?.vkey} />
      ))}
      <Scores watermark={report.watermark} marked={report.markedExact} />
      {report.unattributed.length > 0 && (
        <section aria-label={t("unattributed")}>
          <Typography.Title level={3}>{t("unattributed")}</Typography.Title>
          <Table
            rowKey="deliveryId"
            size="small"
            pagination={false}
            dataSource={[...report.unattributed]}
            columns={[
              { title: t("delivery"), dataIndex: "deliveryId" },
              { title: t("matchedRecords"), dataIndex: "matchedRecords" },
              { title: t("uniqueRecords"), dataIndex: "uniqueRecords" },
              { title: t("markedRecords"), dataIndex: "markedRecords" },
            ]}
          />
        </section>
      )}
      <div className="trace-no-print" style={{ marginTop: 16 }}>
        <Button onClick={() => window.print()}>{t("print")}</Button>
      </div>
    </section>
  );
}

function yesNo(t: (k: string) => string, v: boolean, bad = false) {
  // `bad`: whether "yes" is the finding against the recipient (a violation) or the good case.
  return <Tag color={v === bad ? "error" : "success"}>{t(v ? "common:yes" : "common:no")}</Tag>;
}

function Finding({ finding: d, vkey }: { finding: DeliveryFinding; vkey: string | undefined }) {
  const { t } = useTranslation("trace");
  const title = t("finding", { delivery: d.deliveryId });
  const records: { label: string; ref: RecordRef; receipt: unknown }[] = [
    { label: t("record.delivery"), ref: d.delivery, receipt: d.receipts.delivery },
    { label: t("record.product"), ref: d.product.record, receipt: d.receipts.product },
    { label: t("record.grant"), ref: d.grant.record, receipt: d.receipts.grant },
    ...d.destruction.certificates.map((c) => ({
      label: t("record.certificate", { id: c.id }),
      ref: c.record,
      receipt: d.receipts.certificates[c.id],
    })),
  ];
  return (
    <section className="trace-finding" aria-label={title}>
      <Typography.Title level={3}>{title}</Typography.Title>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label={t("recipient")}>
          <strong>{org(d.recipient)}</strong>
        </Descriptions.Item>
        <Descriptions.Item label={t("deliveredBy")}>{org(d.deliveredBy)}</Descriptions.Item>
        <Descriptions.Item label={t("deliveredAt")}>{minute(d.deliveredAt)}</Descriptions.Item>
        <Descriptions.Item label={t("product")}>
          {d.product.id} · {d.product.name} · {org(d.product.operator)}{" "}
          <Link className="trace-no-print" to={`/supervisor/graph/${encodeURIComponent(d.product.id)}`}>
            {t("openGraph")}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t("grant")}>
          {d.grant.id} · {org(d.grant.grantee)} · {minute(d.grant.validFrom)} – {minute(d.grant.validUntil)}{" "}
          <Link className="trace-no-print" to={`/supervisor/grant/${encodeURIComponent(d.grant.id)}`}>
            {t("openAudit")}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t("grantAtDelivery")}>
          {t(`status:grant.${d.grant.statusAtDelivery}`)} · {t("activeAtDelivery")}{" "}
          {yesNo(t, d.grant.activeAtDelivery, false)}
        </Descriptions.Item>
        <Descriptions.Item label={t("grantNow")}>{t(`status:grant.${d.grant.statusNow}`)}</Descriptions.Item>
        <Descriptions.Item label={t("destruction")}>
          {t("coveredAtLeak")} {yesNo(t, d.destruction.coveredAtLeak, true)} · {t("violation")}{" "}
          {yesNo(t, d.destruction.violation, true)} · {t("overdueAtLeak")} {yesNo(t, d.destruction.overdueAtLeak, true)}
        </Descriptions.Item>
      </Descriptions>

      <Typography.Title level={4}>{t("evidence")}</Typography.Title>
      <Table<AttributionEvidence>
        className="trace-evidence"
        rowKey="kind"
        size="small"
        pagination={false}
        dataSource={[...d.evidence]}
        columns={[
          { title: t("test"), key: "kind", render: (_, e) => t(`test.${e.kind}`) },
          {
            title: t("observed"),
            key: "observed",
            render: (_, e) => (e.kind === "watermark" ? `${e.matched} / ${e.total}` : `${e.marked} / ${e.records}`),
          },
          { title: t("threshold"), dataIndex: "threshold" },
          { title: t("pValue"), key: "p", render: (_, e) => pValue(e.pValue) },
          { title: t("level"), key: "level", render: (_, e) => pValue(e.level) },
        ]}
      />
      {d.exact && (
        <Typography.Paragraph className="trace-exact">
          {t("exact")}:{" "}
          {t("exactLine", {
            matched: d.exact.matchedRecords,
            unique: d.exact.uniqueRecords,
            marked: d.exact.markedRecords,
            proofs: t(d.exact.proofsVerified ? "proofsOk" : "proofsBad"),
          })}
        </Typography.Paragraph>
      )}

      <Typography.Title level={4}>{t("records2")}</Typography.Title>
      <Table
        className="trace-records"
        rowKey={(r) => r.ref.recordHash}
        size="small"
        pagination={false}
        dataSource={records}
        columns={[
          { title: t("recordOf"), dataIndex: "label" },
          {
            title: "",
            key: "where",
            render: (_, r) => (
              <>
                #{r.ref.blockNumber} · {r.ref.leafIndex} · <HashText>{r.ref.recordHash}</HashText>
              </>
            ),
          },
          { title: t("receipt"), key: "receipt", render: (_, r) => <ReceiptTag receipt={r.receipt} vkey={vkey} /> },
        ]}
      />

      {d.destruction.certificates.length > 0 && (
        <>
          <Typography.Title level={4}>{t("certificates")}</Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={[...d.destruction.certificates]}
            columns={[
              { title: "ID", dataIndex: "id" },
              { title: t("actor"), dataIndex: "holder" },
              { title: t("covers"), key: "covers", render: (_, c) => yesNo(t, c.covers, true) },
              { title: "", dataIndex: "why" },
            ]}
          />
        </>
      )}

      <Typography.Title level={4}>{t("lineage")}</Typography.Title>
      {d.lineage.resources.length > 0 && (
        <Typography.Paragraph>
          {t("resources")}:{" "}
          {d.lineage.resources.map((r) => `${r.id} ${r.name} v${r.versionsUsed.join(",")}`).join("；")}
        </Typography.Paragraph>
      )}
      <Table
        className="trace-lineage"
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={[...d.lineage.hops]}
        columns={[
          { title: t("hop"), dataIndex: "id" },
          { title: t("operation"), key: "operation", render: (_, h) => t(`status:operation.${h.operation}`) },
          { title: t("actor"), dataIndex: "actor" },
          { title: "", key: "hash", render: (_, h) => <HashText>{h.recordHash}</HashText> },
        ]}
      />
    </section>
  );
}

/** A receipt the trace relied on, verified here against the log key the service publishes. */
function ReceiptTag({ receipt, vkey }: { receipt: unknown; vkey: string | undefined }) {
  const { t } = useTranslation("tools");
  const result = useMemo(
    () => (receipt && vkey ? checkReceipt(JSON.stringify(receipt), vkey) : undefined),
    [receipt, vkey],
  );
  if (!receipt) return <>—</>;
  if (!result) return null;
  const state = result.state ? t(`receipt.state.${result.state}`) : "";
  return (
    <Tag color={result.ok ? "success" : "error"}>
      {result.ok ? t("receipt.verified", { state }) : t("receipt.notVerifiedState", { state })}
    </Tag>
  );
}

function Scores({ watermark, marked }: { watermark: readonly WatermarkTest[]; marked: readonly MarkedExactTest[] }) {
  const { t } = useTranslation("trace");
  const rows = [
    ...watermark.map((w) => ({
      key: `w/${w.deliveryId}`,
      deliveryId: w.deliveryId,
      kind: "watermark" as const,
      observed: `${w.matched} / ${w.total}`,
      threshold: w.threshold,
      pValue: w.pValue,
      level: w.level,
      detected: w.detected,
    })),
    ...marked.map((m) => ({
      key: `m/${m.deliveryId}`,
      deliveryId: m.deliveryId,
      kind: "marked-exact-match" as const,
      observed: `${m.marked} / ${m.records}`,
      threshold: m.threshold,
      pValue: m.pValue,
      level: m.level,
      detected: m.detected,
    })),
  ];
  if (rows.length === 0) return null;
  return (
    <section aria-label={t("scores")}>
      <Typography.Title level={3}>{t("scores")}</Typography.Title>
      <Table
        className="trace-scores"
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t("delivery"), dataIndex: "deliveryId" },
          { title: t("test"), key: "kind", render: (_, r) => t(`test.${r.kind}`) },
          { title: t("observed"), dataIndex: "observed" },
          { title: t("threshold"), dataIndex: "threshold" },
          { title: t("pValue"), key: "p", render: (_, r) => pValue(r.pValue) },
          { title: t("level"), key: "level", render: (_, r) => pValue(r.level) },
          {
            title: t("detected"),
            key: "detected",
            render: (_, r) => (
              <Tag color={r.detected ? "error" : "default"}>{t(r.detected ? "common:yes" : "common:no")}</Tag>
            ),
          },
        ]}
      />
    </section>
  );
}
