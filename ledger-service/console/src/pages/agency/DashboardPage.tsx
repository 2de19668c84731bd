import { Alert, Button, Card, Col, Descriptions, Row, Space, Statistic, Table, Typography } from "antd";
import type { AnchorOnRequest, PublicCheckpoint } from "../../../../../core/public-checkpoint.ts";
import { useTranslation } from "react-i18next";
import type { ListedGrant } from "../../../../../core/desk-lists.ts";
import type { OverdueAnswer, OverdueItem } from "../../../../../core/overdue.ts";
import { GRANT_STATUSES } from "../../../../../core/records/grant.ts";
import { toCstIso } from "../../../../../core/time.ts";
import { usePagedList, usePublicQuery, useSignedQuery, useSignedRequest } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import "./agency.css";
import { Refusal } from "../../forms/Refusal.tsx";

/**
 * The agency's dashboard: how many grants are in each status (every grant, read cursor page
 * after cursor page; the counts show as loading until the last page came), every duty overdue now (GET
 * /v1/overdue, the agency sees all of them), and whether the log's latest checkpoint is anchored
 * on chain, with the agency's own "anchor now" when it is not.
 */
export default function DashboardPage() {
  const { t } = useTranslation("agency");
  const grants = usePagedList<ListedGrant>("/v1/grants", "grants", { every: true });
  const overdue = useSignedQuery<OverdueAnswer>("/v1/overdue");
  const log = usePublicQuery<PublicCheckpoint>("/v1/public/checkpoint");
  const anchorNow = useSignedRequest<AnchorOnRequest>("POST", "/v1/anchors");
  const failed = grants.error ?? overdue.error ?? log.error;
  const count = (status: string) => grants.items.filter((g) => g.view.status === status).length;
  const size = log.data?.checkpoint?.size ?? 0;
  const anchor = log.data?.anchor;
  const unanchored = size - (anchor?.treeSize ?? 0);
  return (
    <>
      <Typography.Title level={2}>{t("dashboard.title")}</Typography.Title>
      <Typography.Paragraph>{t("dashboard.intro")}</Typography.Paragraph>
      {failed && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${failed.message}`} />}
      <Typography.Title level={3}>{t("dashboard.grants")}</Typography.Title>
      <Card className="agency-grant-counts">
        <Row gutter={16}>
          {GRANT_STATUSES.map((s) => (
            <Col key={s} xs={12} md={4}>
              <Statistic title={t(`status:grant.${s}`)} value={count(s)} loading={grants.isLoading} />
            </Col>
          ))}
        </Row>
      </Card>
      <Typography.Title level={3}>{t("dashboard.overdue")}</Typography.Title>
      <Table<OverdueItem>
        className="agency-overdue"
        rowKey={(i) => `${i.kind}:${i.subject.kind}:${i.subject.id}`}
        loading={overdue.isLoading}
        dataSource={overdue.data?.items ?? []}
        locale={{ emptyText: t("dashboard.overdueNone") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("overdue.kind"), key: "kind", render: (_, i) => t(`overdue.kind.${i.kind}`, i.kind) },
          { title: t("overdue.subject"), key: "subject", render: (_, i) => `${i.subject.kind} ${i.subject.id}` },
          { title: t("overdue.deadline"), key: "deadline", render: (_, i) => toCstIso(i.deadline) },
          {
            title: t("overdue.owedBy"),
            key: "owedBy",
            render: (_, i) => (i.owedBy.length > 0 ? i.owedBy.join("、") : t("overdue.agencyOwes")),
          },
        ]}
      />
      <Typography.Title level={3}>{t("dashboard.anchoring")}</Typography.Title>
      <Card>
        <Descriptions bordered column={1} size="small" className="agency-anchoring">
          <Descriptions.Item label={t("anchor.health")}>
            {!anchor ? (
              <Alert type="warning" showIcon title={t("anchor.none")} />
            ) : unanchored > 0 ? (
              <Alert type="warning" showIcon title={t("anchor.lagging", { count: unanchored })} />
            ) : (
              <Alert type="success" showIcon title={t("anchor.healthy")} />
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t("anchor.checkpoint")}>{size}</Descriptions.Item>
          <Descriptions.Item label={t("anchor.treeSize")}>{anchor?.treeSize ?? 0}</Descriptions.Item>
          {anchor && (
            <>
              <Descriptions.Item label={t("anchor.blockTime")}>{toCstIso(anchor.blockTime)}</Descriptions.Item>
              <Descriptions.Item label={t("anchor.chain")}>
                {anchor.chainType} {anchor.chainId} · #{anchor.blockNumber} · <HashText>{anchor.txId}</HashText>
              </Descriptions.Item>
            </>
          )}
        </Descriptions>
        <Space orientation="vertical" style={{ marginTop: 12 }}>
          <Button loading={anchorNow.isPending} onClick={() => anchorNow.mutate()}>
            {t("anchor.now")}
          </Button>
          <Refusal title="agency:anchor.refused" error={anchorNow.error} />
          {anchorNow.data && (
            <Alert type="success" showIcon title={t("anchor.done", { size: anchorNow.data.anchor.treeSize })} />
          )}
        </Space>
      </Card>
    </>
  );
}
