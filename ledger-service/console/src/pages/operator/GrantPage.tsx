import { Alert, Descriptions, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { cstDate, useGrantAudit, type GrantAudit } from "./grant-data.ts";
import { useChosenGrant } from "./GrantPicker.tsx";
import { ExitNoticeForm } from "./ExitNoticeForm.tsx";
import { DestructionCertificateForm } from "./DestructionCertificateForm.tsx";
import { useSession } from "../../session/session.tsx";

type DeliveryRow = GrantAudit["deliveries"][number];
type CertificateRow = GrantAudit["certificates"][number];

/**
 * The caller's own grant, read-only (GET /v1/grants/:grantId/audit): its terms and status, the
 * deliveries made under it (recorded by `pdl deliver`, which watermarks the records first), the
 * destruction certificates filed and what is still owed after an exit.
 */
export default function GrantPage() {
  const { t } = useTranslation("operator");
  const { grantId, picker } = useChosenGrant();
  const audit = useGrantAudit(grantId);
  const a = audit.data;
  const { session } = useSession();
  const block = (n: number | undefined) => (n === undefined ? "" : t("block", { block: n }));
  return (
    <div className="operator-desk">
      <Typography.Title level={2}>{t("grantPage.title")}</Typography.Title>
      <Typography.Paragraph>{t("grantPage.intro")}</Typography.Paragraph>
      {picker}
      {audit.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${audit.error.message}`} />}
      {a && (
        <Descriptions className="operator-grant" bordered size="small" column={1} style={{ marginBottom: 24 }}>
          <Descriptions.Item label={t("status")}>{t(`status:grant.${a.view?.status ?? "active"}`)}</Descriptions.Item>
          <Descriptions.Item label={t("grantPage.term")}>
            {cstDate(a.grant.validFrom)} – {cstDate(a.grant.validUntil)}
          </Descriptions.Item>
          <Descriptions.Item label={t("grantPage.scope")}>
            {a.grant.scope.map((s) => `${s.resourceId}（${s.fields.join("、")}）`).join("；")}
          </Descriptions.Item>
          <Descriptions.Item label={t("grantPage.scenarios")}>{a.grant.scenarios.join("；")}</Descriptions.Item>
          <Descriptions.Item label={t("grantPage.destructionDeadline")}>
            {a.exit.destructionDeadline === null ? t("grantPage.notEnded") : cstDate(a.exit.destructionDeadline)}
          </Descriptions.Item>
          <Descriptions.Item label={t("grantPage.owed")}>
            {a.exit.overdue.length === 0
              ? t("grantPage.nothingOwed")
              : a.exit.overdue.map((o) => `${o.holder} · ${o.assetClass}`).join("；")}
          </Descriptions.Item>
        </Descriptions>
      )}
      {a && a.view && session?.orgId === a.grant.grantee && (
        <ExitNoticeForm grantId={a.grantId} filedAt={a.view.exitNoticeAt} />
      )}
      <Typography.Title level={3} style={{ marginTop: 24 }}>
        {t("grantPage.deliveries")}
      </Typography.Title>
      <Alert type="info" showIcon title={t("grantPage.deliverNote")} style={{ marginBottom: 16 }} />
      <Table<DeliveryRow>
        className="operator-deliveries"
        rowKey="id"
        loading={audit.isLoading}
        dataSource={[...(a?.deliveries ?? [])]}
        locale={{ emptyText: t("grantPage.noDeliveries") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("grantPage.delivery"), dataIndex: "id" },
          { title: t("hop.product"), dataIndex: "productId" },
          { title: t("grantPage.recipient"), dataIndex: "recipient" },
          { title: t("hop.recordCount"), dataIndex: "recordCount" },
          {
            title: t("grantPage.crossBorder"),
            key: "crossBorder",
            render: (_, d) => t(d.crossBorder ? "common:yes" : "common:no"),
          },
          { title: t("record"), key: "record", render: (_, d) => block(d.evidence.blockNumber) },
        ]}
      />
      <Typography.Title level={3} style={{ marginTop: 24 }}>
        {t("grantPage.certificates")}
      </Typography.Title>
      <Table<CertificateRow>
        className="operator-certificates"
        rowKey="id"
        loading={audit.isLoading}
        dataSource={[...(a?.certificates ?? [])]}
        locale={{ emptyText: t("grantPage.noCertificates") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("grantPage.certificate"), dataIndex: "id" },
          { title: t("grantPage.holder"), key: "holder", render: (_, c) => c.view?.holder ?? "" },
          { title: t("grantPage.assetClass"), key: "assetClass", render: (_, c) => c.view?.assetClass ?? "" },
          { title: t("record"), key: "record", render: (_, c) => block(c.evidence.blockNumber) },
        ]}
      />
      {a && <DestructionCertificateForm grantId={a.grantId} />}
    </div>
  );
}
