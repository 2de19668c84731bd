import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import type { Evidence } from "../../../../../../core/listing-report.ts";
import type { ListedGrant } from "../../../../../../core/desk-lists.ts";
import type { OverdueAnswer, OverdueItem } from "../../../../../../core/overdue.ts";
import { toCstIso } from "../../../../../../core/time.ts";
import type { GrantView } from "../../../../../../core/views.ts";
import { usePagedList, useSignedQuery } from "../../../api/hooks.ts";
import { HashText } from "../../../app/HashText.tsx";
import { MorePages } from "../../../app/MorePages.tsx";
import type { RecordRef } from "../graph/lineage-model.ts";
import { SignedRecord } from "../graph/NodeRecord.tsx";
import type { GrantAudit } from "../../../../../../core/grant-audit.ts";
import type { HistoryEntry, RecordHistory } from "../../../../../../core/record-document.ts";
import { changeReason, overdueOfGrant } from "./audit-model.ts";
import "./audit.css";

const day = (ts: number) => toCstIso(ts).slice(0, 10);
const minute = (ts: number) => toCstIso(ts).slice(0, 16).replace("T", " ");
const graphLink = (productId: string) => `/supervisor/graph/${encodeURIComponent(productId)}`;

/** The grant to audit and the time overdue items are judged at; also shows the page's grant when opened by address. */
function GrantPicker({ grantId, onAt }: { grantId: string | undefined; onAt: (at: number | undefined) => void }) {
  const { t } = useTranslation("audit");
  const navigate = useNavigate();
  return (
    <Form
      key={grantId ?? ""}
      className="audit-no-print"
      initialValues={{ grantId }}
      layout="inline"
      onFinish={(v: { grantId: string }) => void navigate(`/supervisor/grant/${encodeURIComponent(v.grantId.trim())}`)}
    >
      <Form.Item name="grantId" label={t("grantId")} rules={[{ required: true, whitespace: true }]}>
        <Input />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t("open")}
        </Button>
      </Form.Item>
      <Form.Item name="at" label={t("at")} tooltip={t("atHelp")}>
        <DatePicker onChange={(d) => onAt(d ? d.unix() : undefined)} />
      </Form.Item>
    </Form>
  );
}

/** Every grant the caller may see (a cursor page at a time), each opening its audit. */
function GrantList() {
  const { t } = useTranslation("audit");
  const q = usePagedList<ListedGrant>("/v1/grants", "grants");
  return (
    <>
      <Typography.Title level={3}>{t("grants")}</Typography.Title>
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<ListedGrant>
        className="audit-grants"
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("grantId"),
            key: "id",
            render: (_, g) => <Link to={`/supervisor/grant/${encodeURIComponent(g.id)}`}>{g.id}</Link>,
          },
          { title: t("grantee"), key: "grantee", render: (_, g) => g.view.grantee },
          { title: t("status"), key: "status", render: (_, g) => <GrantStatus status={g.view.status} /> },
          { title: t("validUntil"), key: "until", render: (_, g) => day(g.view.validUntil) },
        ]}
      />
      <MorePages list={q} />
    </>
  );
}

function GrantStatus({ status }: { status: GrantView["status"] | "unknown" }) {
  const { t } = useTranslation("audit");
  return <Tag color={status === "active" ? "success" : "warning"}>{t(`status:grant.${status}`)}</Tag>;
}

/** Where a record sits on chain and in the log; its button opens the signed record and its live receipt. */
function EvidenceCell({
  evidence,
  record,
  onOpen,
}: {
  evidence: Evidence;
  record: RecordRef;
  onOpen: (r: RecordRef) => void;
}) {
  const { t } = useTranslation("audit");
  return (
    <span className="audit-evidence">
      {t("block")} {evidence.blockNumber} · {t("leaf")} {evidence.leafIndex} ·{" "}
      <HashText>{evidence.recordHash}</HashText>{" "}
      <Button
        size="small"
        className="audit-no-print"
        aria-label={`${t("showRecord")} ${record.kind} ${record.id}`}
        onClick={() => onOpen(record)}
      >
        {t("showRecord")}
      </Button>
    </span>
  );
}

function Section<T extends object>({
  title,
  rows,
  rowKey,
  columns,
}: {
  title: string;
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: ColumnsType<T>;
}) {
  const { t } = useTranslation("audit");
  return (
    <section aria-label={title}>
      <Typography.Title level={3}>
        {title} <Tag>{rows.length}</Tag>
      </Typography.Title>
      <Table<T>
        rowKey={rowKey}
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("empty") }}
        dataSource={[...rows]}
        columns={columns}
      />
    </section>
  );
}

/**
 * The supervisor's audit of one grant (GET /v1/grants/:grantId/audit): what the grant is, every
 * change of its status, and everything done under it (partners, products, hops, deliveries,
 * destruction certificates, evaluations), each with the record on chain it rests on; the overdue
 * items of the grant and its parties at the time checked. Products open their lineage graph.
 */
export default function GrantAuditPage() {
  const { t } = useTranslation("audit");
  const { grantId } = useParams();
  const [at, setAt] = useState<number | undefined>();
  // Another grant opens at the chain's time now, as its cleared picker says.
  useEffect(() => setAt(undefined), [grantId]);
  const id = grantId ? encodeURIComponent(grantId) : undefined;
  const atQuery = at === undefined ? "" : `?at=${at}`;
  const audit = useSignedQuery<GrantAudit>(id && `/v1/grants/${id}/audit${atQuery}`);
  const history = useSignedQuery<RecordHistory>(id && `/v1/records/grant/${id}/history`);
  const overdue = useSignedQuery<OverdueAnswer>(id && `/v1/overdue${atQuery}`);
  return (
    <div className="grant-audit">
      <Typography.Title level={2}>{t("title")}</Typography.Title>
      <Typography.Paragraph className="audit-no-print">{t("intro")}</Typography.Paragraph>
      <GrantPicker grantId={grantId} onAt={setAt} />
      {!grantId && <GrantList />}
      {grantId && audit.isLoading && <Spin />}
      {audit.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${audit.error.message}`} />}
      {audit.data && <Audit audit={audit.data} history={history.data?.history} overdue={overdue.data?.items} />}
    </div>
  );
}

function Audit({
  audit,
  history,
  overdue,
}: {
  audit: GrantAudit;
  history: readonly HistoryEntry[] | undefined;
  overdue: readonly OverdueItem[] | undefined;
}) {
  const { t } = useTranslation("audit");
  const [open, setOpen] = useState<RecordRef | undefined>();
  const g = audit.grant;
  const evidence = (kind: RecordRef["kind"]) => (_: unknown, row: { id: string; evidence: Evidence }) => (
    <EvidenceCell
      evidence={row.evidence}
      record={{ kind, id: row.id, recordHash: row.evidence.recordHash }}
      onOpen={setOpen}
    />
  );
  const product = (productId: string): ReactNode => <Link to={graphLink(productId)}>{productId}</Link>;
  const items = overdue ? overdueOfGrant(overdue, audit) : [];
  return (
    <>
      <Descriptions bordered column={1} size="small" className="audit-summary">
        <Descriptions.Item label={t("grantId")}>{g.id}</Descriptions.Item>
        <Descriptions.Item label={t("grantee")}>{g.grantee}</Descriptions.Item>
        <Descriptions.Item label={t("status")}>
          <GrantStatus status={audit.exit.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t("term")}>
          {day(g.validFrom)} – {day(g.validUntil)}
        </Descriptions.Item>
        <Descriptions.Item label={t("scenarios")}>{g.scenarios.join("、")}</Descriptions.Item>
        <Descriptions.Item label={t("agreement")}>
          <HashText>{g.agreementHash}</HashText>
        </Descriptions.Item>
        <Descriptions.Item label={t("exit")}>
          {audit.exit.endedAt > 0
            ? `${t("exitKind")} ${audit.exit.kind || "—"} · ${t("endedAt")} ${minute(audit.exit.endedAt)} · ${t("deadline")} ${minute(audit.exit.destructionDeadline ?? 0)}`
            : t("none")}
        </Descriptions.Item>
        <Descriptions.Item label={t("at")}>{minute(audit.at)}</Descriptions.Item>
      </Descriptions>

      <section aria-label={t("history")}>
        <Typography.Title level={3}>{t("history")}</Typography.Title>
        {!history && <Spin />}
        {history && (
          <Timeline
            className="audit-history"
            items={history.map((c) => ({
              key: c.recordHash,
              content: (
                <>
                  <strong>{t(`op.${c.op}`, c.op)}</strong> · {minute(c.blockTime)} · {t("actor")} {c.actor}
                  {changeReason(c) && (
                    <>
                      {" "}
                      · {t("reason")}: {changeReason(c)}
                    </>
                  )}
                  <br />
                  {t("block")} {c.blockNumber} · {t("leaf")} {c.leafIndex} · <HashText>{c.recordHash}</HashText>
                </>
              ),
            }))}
          />
        )}
      </section>

      <section aria-label={t("overdue")}>
        <Typography.Title level={3}>
          {t("overdue")}{" "}
          <Tag color={items.length + audit.exit.overdue.length > 0 ? "error" : "default"}>{items.length}</Tag>
        </Typography.Title>
        {audit.exit.overdue.length > 0 && (
          <Alert
            type="error"
            showIcon
            title={t("missing")}
            description={audit.exit.overdue.map((m) => `${m.holder} · ${m.assetClass}`).join("；")}
          />
        )}
        <Table<OverdueItem>
          className="audit-overdue"
          rowKey={(i) => `${i.kind}/${i.subject.kind}/${i.subject.id}`}
          size="small"
          pagination={false}
          loading={!overdue}
          locale={{ emptyText: t("overdueNone") }}
          dataSource={items}
          columns={[
            { title: t("kind"), key: "kind", render: (_, i) => t(`overdueKind.${i.kind}`, i.kind) },
            { title: t("subject"), key: "subject", render: (_, i) => `${i.subject.kind} ${i.subject.id}` },
            { title: t("due"), key: "deadline", render: (_, i) => minute(i.deadline) },
            { title: t("owedBy"), key: "owedBy", render: (_, i) => i.owedBy.join("、") || "—" },
          ]}
        />
      </section>

      <Section
        title={t("partners")}
        rows={audit.partners}
        rowKey={(p) => p.id}
        columns={[
          { title: t("id"), dataIndex: "id" },
          { title: t("org"), key: "org", render: (_, p) => p.view?.partner },
          { title: t("status"), key: "status", render: (_, p) => p.view && t(`status:partner.${p.view.status}`) },
          { title: t("validUntil"), key: "until", render: (_, p) => (p.view ? day(p.view.validUntil) : "") },
          { title: t("evidence"), key: "evidence", render: evidence("partner") },
        ]}
      />
      <Section
        title={t("products")}
        rows={audit.products}
        rowKey={(p) => p.id}
        columns={[
          { title: t("id"), key: "id", render: (_, p) => product(p.id) },
          { title: t("status"), key: "status", render: (_, p) => p.view && t(`status:product.${p.view.status}`) },
          { title: t("hops"), key: "hops", render: (_, p) => p.view?.hopCount },
          {
            title: t("graph"),
            key: "graph",
            render: (_, p) => (
              <Link to={graphLink(p.id)} aria-label={`${t("graph")} ${p.id}`}>
                {t("graph")}
              </Link>
            ),
          },
          { title: t("evidence"), key: "evidence", render: evidence("product") },
        ]}
      />
      <Section
        title={t("hops")}
        rows={audit.hops}
        rowKey={(h) => h.id}
        columns={[
          { title: t("id"), dataIndex: "id" },
          { title: t("product"), key: "product", render: (_, h) => product(h.productId) },
          { title: t("operation"), dataIndex: "operation" },
          { title: t("actor"), dataIndex: "actor" },
          { title: t("records"), dataIndex: "recordCount" },
          { title: t("evidence"), key: "evidence", render: evidence("hop") },
        ]}
      />
      <Section
        title={t("deliveries")}
        rows={audit.deliveries}
        rowKey={(d) => d.id}
        columns={[
          { title: t("id"), dataIndex: "id" },
          { title: t("product"), key: "product", render: (_, d) => product(d.productId) },
          { title: t("recipient"), dataIndex: "recipient" },
          { title: t("records"), dataIndex: "recordCount" },
          { title: t("crossBorder"), key: "cb", render: (_, d) => t(d.crossBorder ? "common:yes" : "common:no") },
          { title: t("evidence"), key: "evidence", render: evidence("hop") },
        ]}
      />
      <Section
        title={t("certificates")}
        rows={audit.certificates}
        rowKey={(c) => c.id}
        columns={[
          { title: t("id"), dataIndex: "id" },
          { title: t("holder"), key: "holder", render: (_, c) => c.view?.holder },
          { title: t("assetClass"), key: "class", render: (_, c) => c.view?.assetClass },
          { title: t("late"), key: "late", render: (_, c) => t(c.view?.late ? "common:yes" : "common:no") },
          { title: t("evidence"), key: "evidence", render: evidence("certificate") },
        ]}
      />
      <Section
        title={t("evaluations")}
        rows={audit.evaluations}
        rowKey={(e) => e.year}
        columns={[
          { title: t("year"), dataIndex: "year" },
          { title: t("grade"), key: "grade", render: (_, e) => e.view?.grade },
        ]}
      />
      <Drawer
        open={open !== undefined}
        onClose={() => setOpen(undefined)}
        size="large"
        title={open ? `${open.kind} ${open.id}` : ""}
        destroyOnHidden
      >
        {open && <SignedRecord record={open} />}
      </Drawer>
    </>
  );
}
