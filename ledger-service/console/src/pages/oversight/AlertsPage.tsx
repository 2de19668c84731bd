import { Alert, Button, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { GrantSuspension } from "../../../../../core/records/grant.ts";
import type { Alert as AlertRecord } from "../../../../../core/records/alert.ts";
import type { RecordDocument } from "../../../../../core/record-document.ts";
import type { AlertView } from "../../../../../core/views.ts";
import { useSignedQuery, useSignedRequest, useSubmit } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { useSession } from "../../session/session.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { schemaRule } from "./schema-rule.ts";
import { beijingTime } from "./time.ts";
import "./texts.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/**
 * An alert of GET /v1/alerts: the service lists the alerts it indexed from the chain's events, so
 * each has its view and its creating record.
 */
type AlertDocument = RecordDocument<AlertView, AlertRecord> & {
  readonly view: AlertView;
  readonly created: AlertRecord;
};

/** The agency's emergency stop from an alert: asks the reason, then confirms before signing. */
function SuspendFromAlert({ alert }: { alert: AlertView }) {
  const { t } = useTranslation("oversight");
  const suspend = useSubmit("grant.suspend", (b) => `/v1/grants/${encodeURIComponent(b.grantId)}/suspension`);
  const [asking, setAsking] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [modal, holder] = Modal.useModal();
  const confirm = (reason: string) =>
    void modal.confirm({
      title: t("alerts.confirmTitle", { grantId: alert.grantId }),
      content: t("alerts.confirmText", { grantId: alert.grantId, alertId: alert.id }),
      okText: t("alerts.suspend"),
      okButtonProps: { danger: true },
      cancelText: t("common:cancel"),
      onOk: () => suspend.mutate({ grantId: alert.grantId, reason, alertId: alert.id }),
    });
  return (
    <>
      {holder}
      <Button danger loading={suspend.isPending} onClick={() => setAsking(true)}>
        {t("alerts.suspend")}
      </Button>
      <Refusal className="suspend-refusal" error={suspend.error} />
      <Modal
        open={asking}
        title={t("alerts.suspendTitle", { grantId: alert.grantId })}
        okText={t("alerts.next")}
        cancelText={t("common:cancel")}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => {
            setAsking(false);
            confirm(v.reason.trim());
          }}
        >
          <Form.Item
            name="reason"
            label={t("alerts.reason")}
            rules={[
              schemaRule(
                (v) => GrantSuspension.safeParse({ grantId: alert.grantId, reason: String(v ?? "").trim() }).success,
                () => t("invalid.reason"),
              ),
            ]}
          >
            <Input.TextArea rows={3} maxLength={512} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * Risk alerts (数据风险评估, 应急处置): every alert the service raised, with the evidence records
 * behind it and what was done from it; the agency suspends the grant from an alert.
 */
export default function AlertsPage() {
  const { t } = useTranslation("oversight");
  const { session } = useSession();
  const q = useSignedQuery<{ alerts: AlertDocument[] }>("/v1/alerts");
  const scan = useSignedRequest<{ raised: string[] }>("POST", "/v1/alerts/scan");
  return (
    <>
      <Typography.Title level={2}>{t("alerts.title")}</Typography.Title>
      <Typography.Paragraph>{t("alerts.intro")}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Button loading={scan.isPending} onClick={() => scan.mutate()}>
          {t("alerts.scan")}
        </Button>
        {scan.data && <span role="status">{t("alerts.raised", { count: scan.data.raised.length })}</span>}
      </Space>
      {(q.error ?? scan.error) && (
        <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${(q.error ?? scan.error)!.message}`} />
      )}
      <Table<AlertDocument>
        className="alerts"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data?.alerts ?? []}
        locale={{ emptyText: t("alerts.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{
          expandedRowRender: (a) => (
            <Descriptions bordered size="small" column={1} className="alert-evidence">
              <Descriptions.Item label={t("alerts.summary")}>{a.created.summary}</Descriptions.Item>
              {a.created.evidence.map((e) => (
                <Descriptions.Item key={e.recordHash} label={`${t("alerts.evidence")} · ${e.kind} ${e.id}`}>
                  <HashText>{e.recordHash}</HashText>
                </Descriptions.Item>
              ))}
            </Descriptions>
          ),
        }}
        columns={[
          { title: t("alerts.id"), dataIndex: "id" },
          {
            title: t("alerts.grant"),
            key: "grant",
            render: (_, a) => (
              <Link to={`/supervisor/grant/${encodeURIComponent(a.view.grantId)}`}>{a.view.grantId}</Link>
            ),
          },
          { title: t("alerts.signal"), key: "signal", render: (_, a) => t(`signal.${a.view.signal}`) },
          { title: t("alerts.raisedAt"), key: "raisedAt", render: (_, a) => beijingTime(a.view.raisedAt) },
          {
            title: t("alerts.action"),
            key: "action",
            render: (_, a) =>
              a.view.action ? (
                <Tag color={STATE_COLOUR.closed}>
                  {t(`action.${a.view.action}`)} · {beijingTime(a.view.actedAt)}
                </Tag>
              ) : session?.role === "agency" ? (
                <SuspendFromAlert alert={a.view} />
              ) : (
                <Tag color={STATE_COLOUR.open}>{t("alerts.noAction")}</Tag>
              ),
          },
        ]}
      />
    </>
  );
}
