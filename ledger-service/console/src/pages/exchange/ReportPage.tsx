import { Alert, Button, Descriptions, Form, Input, Space, Spin, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type {
  Evidence,
  IssuedReport,
  ListingReport,
  ReportCheck,
  SourceFreshness,
} from "../../../../../core/listing-report.ts";
import { useSignedQuery, useSignedRequest } from "../../api/hooks.ts";
import { useSession } from "../../session/session.tsx";
import "./report.css";
import { HashText } from "../../app/HashText.tsx";
import { ListingActions } from "./ListingActions.tsx";
import { RESULT_COLOUR } from "./result-colour.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/** GET /v1/products/:productId/verification-report: the report issued last, signed and recorded on chain. */
type SignedListingReport = IssuedReport<ListingReport>;

function ProductPicker() {
  const { t } = useTranslation("exchange");
  const navigate = useNavigate();
  return (
    <Form
      layout="inline"
      onFinish={(v: { productId: string }) =>
        void navigate(`/exchange/report/${encodeURIComponent(v.productId.trim())}`)
      }
    >
      <Form.Item name="productId" label={t("report.productId")} rules={[{ required: true, whitespace: true }]}>
        <Input />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t("report.open")}
        </Button>
      </Form.Item>
    </Form>
  );
}

function EvidenceList({ evidence }: { evidence: readonly Evidence[] }) {
  const { t } = useTranslation("exchange");
  if (evidence.length === 0) return <>{t("report.noEvidence")}</>;
  return (
    <ul className="report-evidence">
      {evidence.map((e) => (
        <li key={`${e.kind}/${e.id}/${e.recordHash ?? ""}`}>
          {e.kind} {e.id}
          {e.blockNumber !== undefined && ` · ${t("report.block")} ${e.blockNumber}`}
          {e.leafIndex !== undefined && ` · ${t("report.leaf")} ${e.leafIndex}`}
          {e.recordHash && (
            <>
              {" · "}
              <HashText>{e.recordHash}</HashText>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The listing verification report of one product, readable and printable: each check the ledger
 * judges, pass or fail, with the signed records it rests on, and the service's SM2 signature over
 * the whole (its reportHash is what the listing record carries).
 */
export default function ReportPage() {
  const { t } = useTranslation("exchange");
  const { productId } = useParams();
  const q = useSignedQuery<SignedListingReport>(
    productId ? `/v1/products/${encodeURIComponent(productId)}/verification-report` : undefined,
  );
  // A product the ledger holds whose report nobody has issued yet (not a failure: the next step).
  const notIssued = q.error?.code === "NOT_FOUND" && q.error.details?.kind === "report";
  return (
    <div className="listing-report">
      <Typography.Title level={2}>{t("report.title")}</Typography.Title>
      <div className="report-no-print">
        <ProductPicker />
      </div>
      {productId && q.isLoading && <Spin />}
      {q.error &&
        (notIssued ? (
          <Alert type="info" showIcon title={t("issue.none", { productId })} />
        ) : (
          <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />
        ))}
      {productId && (q.data || notIssued) && <IssueReport productId={productId} issued={Boolean(q.data)} />}
      {q.data && <Report signed={q.data} />}
    </div>
  );
}

/**
 * The exchange (or the agency) has the service issue the product's report now: built at the
 * chain's time and its hash recorded on chain; only the latest issued, passing report may be listed.
 */
function IssueReport({ productId, issued }: { productId: string; issued: boolean }) {
  const { t } = useTranslation("exchange");
  const { session } = useSession();
  const issue = useSignedRequest<SignedListingReport>(
    "POST",
    `/v1/products/${encodeURIComponent(productId)}/verification-report`,
  );
  if (session?.role !== "exchange" && session?.role !== "agency") return null;
  return (
    <div className="report-no-print listing-actions">
      <Button loading={issue.isPending} onClick={() => issue.mutate()}>
        {t(issued ? "issue.again" : "issue.issue")}
      </Button>
      <Refusal error={issue.error} />
    </div>
  );
}

function Report({ signed }: { signed: SignedListingReport }) {
  const { t } = useTranslation("exchange");
  const r = signed.report;
  return (
    <>
      <Descriptions bordered column={1} size="small" className="report-summary">
        <Descriptions.Item label={t("report.product")}>{r.productId}</Descriptions.Item>
        <Descriptions.Item label={t("report.at")}>{r.atCst}</Descriptions.Item>
        <Descriptions.Item label={t("report.verdict")}>
          <Tag color={RESULT_COLOUR[r.verdict]}>{t(`report.result.${r.verdict}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="reportHash">
          <HashText>{signed.reportHash}</HashText>
        </Descriptions.Item>
        <Descriptions.Item label={t("issue.record")}>
          {t("report.block")} {signed.issued.tx.blockNumber} · {t("report.leaf")} {signed.issued.leafIndex} ·{" "}
          <HashText>{signed.issued.recordHash}</HashText>
        </Descriptions.Item>
        <Descriptions.Item label={t("report.signature")}>
          <HashText>{signed.signature}</HashText>
        </Descriptions.Item>
        <Descriptions.Item label={t("report.signer")}>
          {signed.signer.keyName} <HashText>{signed.signer.publicKey}</HashText>
        </Descriptions.Item>
      </Descriptions>
      <ListingActions productId={r.productId} reportHash={signed.reportHash} verdict={r.verdict} />
      <Typography.Title level={3}>{t("report.checks")}</Typography.Title>
      <Table<ReportCheck>
        rowKey="id"
        pagination={false}
        size="small"
        dataSource={[...r.checks]}
        columns={[
          { title: t("report.check"), key: "title", render: (_, c) => t(`report.checkTitle.${c.id}`, c.title) },
          {
            title: t("report.outcome"),
            key: "result",
            render: (_, c) => <Tag color={RESULT_COLOUR[c.result]}>{t(`report.result.${c.result}`)}</Tag>,
          },
          { title: t("report.detail"), dataIndex: "detail" },
          { title: t("report.evidence"), key: "evidence", render: (_, c) => <EvidenceList evidence={c.evidence} /> },
        ]}
      />
      {r.freshness.length > 0 && (
        <>
          <Typography.Title level={3}>{t("report.freshness")}</Typography.Title>
          <Table<SourceFreshness>
            rowKey="resourceId"
            pagination={false}
            size="small"
            dataSource={[...r.freshness]}
            columns={[
              { title: t("report.resource"), dataIndex: "resourceId" },
              { title: t("report.frequency"), dataIndex: "updateFrequency" },
              { title: t("report.version"), dataIndex: "version" },
              {
                title: t("report.due"),
                key: "due",
                render: (_, f) => new Date(f.nextVersionDue * 1000).toISOString().slice(0, 10),
              },
              {
                title: t("report.outcome"),
                key: "overdue",
                render: (_, f) => (
                  <Tag color={f.overdue ? "error" : "success"}>
                    {t(f.overdue ? "report.overdue" : "report.current")}
                  </Tag>
                ),
              },
            ]}
          />
        </>
      )}
      <Space className="report-no-print" style={{ marginTop: 16 }}>
        <Button onClick={() => window.print()}>{t("report.print")}</Button>
      </Space>
    </>
  );
}
