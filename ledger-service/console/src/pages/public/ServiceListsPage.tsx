import { Alert, Select, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PublicServiceList, PublicServiceListPage } from "../../../../../core/public-list.ts";
import { usePublicQuery } from "../../api/hooks.ts";
import { STATE_COLOUR } from "../oversight/colours.ts";
import { beijingTime } from "../oversight/time.ts";
import "../oversight/texts.ts";

type Entry = PublicServiceList["entries"][number];

/**
 * 服务清单: each operator's product and service list as published (GET /v1/public/service-lists),
 * with its last publication, the next due date and whether it is overdue; the entries expand.
 */
export default function ServiceListsPage() {
  const { t } = useTranslation("oversight");
  const [overdue, setOverdue] = useState<"all" | "true" | "false">("all");
  const q = usePublicQuery<PublicServiceListPage>(
    `/v1/public/service-lists?limit=100${overdue === "all" ? "" : `&overdue=${overdue}`}`,
  );
  return (
    <>
      <Typography.Title level={2}>{t("lists.title")}</Typography.Title>
      <Typography.Paragraph>{t("lists.intro")}</Typography.Paragraph>
      <Select
        aria-label={t("lists.filter")}
        value={overdue}
        onChange={setOverdue}
        style={{ width: 180, marginBottom: 16 }}
        options={[
          { value: "all", label: t("common:all") },
          { value: "true", label: t("lists.overdue") },
          { value: "false", label: t("lists.onTime") },
        ]}
      />
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<PublicServiceList>
        className="service-lists"
        rowKey="operator"
        loading={q.isLoading}
        dataSource={[...(q.data?.serviceLists ?? [])]}
        locale={{ emptyText: t("lists.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{
          rowExpandable: () => true,
          expandedRowRender: (l) => (
            <Table<Entry>
              rowKey="productId"
              size="small"
              pagination={false}
              aria-label={t("lists.entries")}
              dataSource={[...l.entries]}
              locale={{ emptyText: t("lists.noEntries") }}
              columns={[
                { title: t("lists.product"), key: "product", render: (_, e) => `${e.productId} · ${e.name}` },
                { title: t("lists.content"), dataIndex: "content" },
                { title: t("lists.responseTime"), dataIndex: "responseTime" },
                { title: t("lists.fee"), dataIndex: "priceText" },
              ]}
            />
          ),
        }}
        columns={[
          { title: t("lists.operator"), key: "operator", render: (_, l) => l.operatorName || l.operator },
          {
            title: t("lists.publishedAt"),
            key: "publishedAt",
            render: (_, l) => (l.publishedAt === null ? t("lists.never") : beijingTime(l.publishedAt)),
          },
          { title: t("lists.nextDue"), key: "nextDue", render: (_, l) => beijingTime(l.nextListDue) },
          {
            title: t("lists.state"),
            key: "state",
            render: (_, l) =>
              l.overdue ? (
                <Tag color={STATE_COLOUR.overdue}>{t("lists.overdue")}</Tag>
              ) : (
                <Tag color={STATE_COLOUR.onTime}>{t("lists.onTime")}</Tag>
              ),
          },
          { title: t("lists.entries"), key: "entries", render: (_, l) => l.entries.length },
        ]}
      />
    </>
  );
}
