import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { sm3Hex } from "../../../../../core/crypto/sm3.ts";
import type { ListedObjection } from "../../../../../core/desk-lists.ts";
import type { OverdueAnswer, OverdueItem } from "../../../../../core/overdue.ts";
import {
  OBJECTION_DECISIONS,
  OBJECTION_STATUSES,
  ObjectionAnswer,
  type Objection,
  type ObjectionStatus,
} from "../../../../../core/records/objection.ts";
import type { OperationBody } from "../../../../../core/operations.ts";
import type { RecordDocument } from "../../../../../core/record-document.ts";
import type { ObjectionView } from "../../../../../core/views.ts";
import { usePagedList, useSignedQuery, useSubmit } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { MorePages } from "../../app/MorePages.tsx";
import { useSession } from "../../session/session.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { schemaRule } from "./schema-rule.ts";
import { beijingTime } from "./time.ts";
import "./texts.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/** GET /v1/objections/:objectionId: the objection as filed and its answer. */
type ObjectionDocument = RecordDocument<ObjectionView, Objection, OperationBody<"objection.answer">>;

/** The source unit's answer (objection.answer, signed in the browser; the chain keeps the answer's SM3). */
function AnswerForm({ objectionId }: { objectionId: string }) {
  const { t } = useTranslation("oversight");
  const answer = useSubmit("objection.answer", (b) => `/v1/objections/${encodeURIComponent(b.objectionId)}/answer`);
  return (
    <Form<{ decision: string; text: string }>
      layout="vertical"
      style={{ maxWidth: 640 }}
      onFinish={(v) =>
        answer.mutate(
          ObjectionAnswer.parse({ objectionId, decision: v.decision, answerHash: sm3Hex(v.text.trim()) }) as never,
        )
      }
    >
      <Form.Item
        name="decision"
        label={t("objection.decision")}
        rules={[
          schemaRule(
            (v) => ObjectionAnswer.shape.decision.safeParse(v).success,
            () => t("invalid.decision"),
          ),
        ]}
      >
        <Select options={OBJECTION_DECISIONS.map((d) => ({ value: d, label: t(`decision.${d}`) }))} />
      </Form.Item>
      <Form.Item
        name="text"
        label={t("objection.answerText")}
        rules={[
          schemaRule(
            (v) => String(v ?? "").trim() !== "",
            () => t("invalid.answer"),
          ),
        ]}
      >
        <Input.TextArea rows={4} />
      </Form.Item>
      <Refusal error={answer.error} />
      <Button type="primary" htmlType="submit" loading={answer.isPending}>
        {t("objection.answer")}
      </Button>
    </Form>
  );
}

function ObjectionCase({ objectionId }: { objectionId: string }) {
  const { t } = useTranslation("oversight");
  const { session } = useSession();
  const doc = useSignedQuery<ObjectionDocument>(`/v1/objections/${encodeURIComponent(objectionId)}`);
  if (doc.error) return <Alert type="error" showIcon title={doc.error.message} description={doc.error.detail} />;
  const view = doc.data?.view;
  if (!view) return null;
  const answered = doc.data!.changes.find((c) => c.op === "objection.answer");
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Descriptions bordered size="small" column={1} className="objection-case">
        <Descriptions.Item label={t("objection.id")}>{view.id}</Descriptions.Item>
        <Descriptions.Item label={t("objection.resource")}>
          {view.resourceId} · v{view.version}
        </Descriptions.Item>
        <Descriptions.Item label={t("objection.category")}>{t(`category.${view.category}`)}</Descriptions.Item>
        <Descriptions.Item label={t("objection.summary")}>{doc.data!.created?.summary}</Descriptions.Item>
        <Descriptions.Item label={t("objection.filer")}>{view.filer}</Descriptions.Item>
        <Descriptions.Item label={t("objection.filedAt")}>{beijingTime(view.filedAt)}</Descriptions.Item>
        <Descriptions.Item label={t("complaint.deadline")}>{beijingTime(view.deadline)}</Descriptions.Item>
        <Descriptions.Item label={t("complaint.status")}>
          <Tag color={view.status === "answered" ? STATE_COLOUR.closed : STATE_COLOUR.open}>
            {t(`objectionStatus.${view.status}`)}
          </Tag>
          {view.late && <Tag color={STATE_COLOUR.overdue}>{t("objection.late")}</Tag>}
        </Descriptions.Item>
        {answered ? (
          <Descriptions.Item label={t("objection.decision")}>
            {t(`decision.${answered.body.decision}`)} · {beijingTime(answered.blockTime)} · {answered.actor}
            <div>
              {t("objection.answerHash")} <HashText>{answered.body.answerHash}</HashText>
            </div>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {session?.role === "source-unit" && view.status === "open" && (
        <Card title={t("objection.answer")}>
          <AnswerForm objectionId={objectionId} />
        </Card>
      )}
    </Space>
  );
}

/**
 * Every objection the caller may read (GET /v1/objections, a cursor page at a time; a source unit
 * sees those against the resources it supplies), filtered by status on the service.
 */
function ObjectionList() {
  const { t } = useTranslation("oversight");
  const [status, setStatus] = useState<ObjectionStatus | "">("");
  const list = usePagedList<ListedObjection>(`/v1/objections${status ? `?status=${status}` : ""}`, "objections");
  return (
    <Card title={t("objection.all")} style={{ marginBottom: 16 }}>
      <Select<ObjectionStatus | "">
        aria-label={t("complaint.status")}
        value={status}
        onChange={setStatus}
        style={{ width: 180, marginBottom: 16 }}
        options={[
          { value: "", label: t("common:all") },
          ...OBJECTION_STATUSES.map((s) => ({ value: s, label: t(`objectionStatus.${s}`) })),
        ]}
      />
      {list.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${list.error.message}`} />}
      <Table<ListedObjection>
        className="objections-all"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.items}
        locale={{ emptyText: t("objection.none") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("objection.id"),
            key: "id",
            render: (_, o) => <Link to={`/oversight/objections/${encodeURIComponent(o.id)}`}>{o.id}</Link>,
          },
          {
            title: t("objection.resource"),
            key: "resource",
            render: (_, o) => `${o.view.resourceId} · v${o.view.version}`,
          },
          { title: t("objection.category"), key: "category", render: (_, o) => t(`category.${o.view.category}`) },
          { title: t("objection.filer"), key: "filer", render: (_, o) => o.view.filer },
          { title: t("objection.filedAt"), key: "filedAt", render: (_, o) => beijingTime(o.view.filedAt) },
          { title: t("complaint.deadline"), key: "deadline", render: (_, o) => beijingTime(o.view.deadline) },
          {
            title: t("complaint.status"),
            key: "status",
            render: (_, o) => (
              <>
                <Tag color={o.view.status === "answered" ? STATE_COLOUR.closed : STATE_COLOUR.open}>
                  {t(`objectionStatus.${o.view.status}`)}
                </Tag>
                {o.view.late && <Tag color={STATE_COLOUR.overdue}>{t("objection.late")}</Tag>}
              </>
            ),
          },
        ]}
      />
      <MorePages list={list} />
    </Card>
  );
}

/**
 * Data-quality objections (异议处置): every objection the caller may read; one objection by its id (GET /v1/objections/:id) with the
 * source unit's answer, which a source unit of the resource gives here; and the unanswered ones
 * past their deadline (GET /v1/overdue), each opening its case.
 */
export default function ObjectionPage() {
  const { t } = useTranslation("oversight");
  const navigate = useNavigate();
  const { objectionId } = useParams();
  const overdue = useSignedQuery<OverdueAnswer>(objectionId ? undefined : "/v1/overdue");
  const late = (overdue.data?.items ?? []).filter((i) => i.kind === "objection-answer");
  return (
    <>
      <Typography.Title level={2}>{t("objection.title")}</Typography.Title>
      <Typography.Paragraph>{t("objection.intro")}</Typography.Paragraph>
      <Input.Search
        aria-label={t("objection.id")}
        placeholder={t("objection.id")}
        enterButton={t("status.open")}
        defaultValue={objectionId}
        onSearch={(id) => id.trim() && void navigate(`/oversight/objections/${encodeURIComponent(id.trim())}`)}
        style={{ maxWidth: 480, marginBottom: 16 }}
      />
      {objectionId ? (
        <ObjectionCase key={objectionId} objectionId={objectionId} />
      ) : (
        <>
          <ObjectionList />
          <Card title={t("objection.overdue")}>
            <Table<OverdueItem>
              className="objections-overdue"
              rowKey={(i) => i.subject.id}
              loading={overdue.isLoading}
              dataSource={late}
              locale={{ emptyText: t("objection.noneOverdue") }}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              columns={[
                {
                  title: t("objection.id"),
                  key: "id",
                  render: (_, i) => (
                    <Link to={`/oversight/objections/${encodeURIComponent(i.subject.id)}`}>{i.subject.id}</Link>
                  ),
                },
                {
                  title: t("objection.resource"),
                  key: "resource",
                  render: (_, i) => `${String(i.detail.resourceId)} · v${String(i.detail.version)}`,
                },
                { title: t("complaint.deadline"), key: "deadline", render: (_, i) => beijingTime(i.deadline) },
                { title: t("overdue.owedBy"), key: "owedBy", render: (_, i) => i.owedBy.join("、") },
              ]}
            />
          </Card>
        </>
      )}
    </>
  );
}
