import { Alert, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ListingQueueItem } from "../../../../../core/listing-report.ts";
import { usePagedList } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { RESULT_COLOUR } from "./result-colour.ts";
import "./report.css";

/**
 * The exchange's listing queue (GET /v1/exchange/queue, a cursor page at a time): products registered and not listed, each
 * with the verdict its report has now and the checks that fail, so the officer opens the passing
 * ones first. Each product opens its verification report, where it is listed.
 */
export default function QueuePage() {
  const { t } = useTranslation("exchange");
  const q = usePagedList<ListingQueueItem>("/v1/exchange/queue", "products");
  return (
    <div className="listing-report">
      <Typography.Title level={2}>{t("queue.title")}</Typography.Title>
      <Typography.Paragraph>{t("queue.intro")}</Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<ListingQueueItem>
        className="listing-queue"
        rowKey="productId"
        loading={q.isLoading}
        dataSource={q.items}
        locale={{ emptyText: t("queue.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("queue.product"),
            key: "product",
            render: (_, p) => (
              <Link to={`/exchange/report/${encodeURIComponent(p.productId)}`}>
                {p.productId} · {p.name}
              </Link>
            ),
          },
          { title: t("queue.operator"), dataIndex: "operatorName" },
          { title: t("queue.domain"), dataIndex: "domain" },
          {
            title: t("queue.registeredAt"),
            key: "registeredAt",
            render: (_, p) => new Date(p.registeredAt * 1000).toISOString().slice(0, 10),
          },
          {
            title: t("report.verdict"),
            key: "verdict",
            render: (_, p) => (
              <Tag color={RESULT_COLOUR[p.report.verdict]}>{t(`report.result.${p.report.verdict}`)}</Tag>
            ),
          },
          {
            title: t("queue.failing"),
            key: "failing",
            render: (_, p) =>
              p.report.failing.length === 0
                ? t("report.noEvidence")
                : p.report.failing.map((id) => t(`report.checkTitle.${id}`, id)).join("、"),
          },
        ]}
      />
      <MorePages list={q} />
    </div>
  );
}
