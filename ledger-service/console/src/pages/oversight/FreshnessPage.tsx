import { Alert, Select, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogResource } from "../../../../../core/desk-lists.ts";
import { isOverdue } from "../../../../../core/overdue.ts";
import { usePagedList, useSignedQuery } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { beijingTime } from "./time.ts";
import "./texts.ts";

type CatalogEntry = CatalogResource;

/**
 * 时效性: each resource's declared update frequency, its current version and when it came, and the
 * last on-time second of the next (period plus grace, the chain's own figure), judged at the
 * chain's time (GET /v1/clock) as the rules judge it. The catalog comes a cursor page at a time
 * (GET /v1/resources); the overdue/on-time filter is the page's own, so it judges the pages
 * loaded, and says so while more follow.
 */
export default function FreshnessPage() {
  const { t } = useTranslation("oversight");
  const [state, setState] = useState<"all" | "overdue" | "current">("all");
  const catalog = usePagedList<CatalogEntry>("/v1/resources", "resources");
  const clock = useSignedQuery<{ time: number }>("/v1/clock");
  const now = clock.data?.time;
  const rows = useMemo(
    () =>
      catalog.items.filter((r) => {
        if (state === "all" || !r.view || now === undefined) return true;
        return isOverdue(r.view.nextVersionDue, now) === (state === "overdue");
      }),
    [catalog.items, state, now],
  );
  const error = catalog.error ?? clock.error;
  return (
    <>
      <Typography.Title level={2}>{t("fresh.title")}</Typography.Title>
      <Typography.Paragraph>{t("fresh.intro")}</Typography.Paragraph>
      <Select
        aria-label={t("fresh.state")}
        value={state}
        onChange={setState}
        style={{ width: 180, marginBottom: 16 }}
        options={[
          { value: "all", label: t("common:all") },
          { value: "overdue", label: t("lists.overdue") },
          { value: "current", label: t("lists.onTime") },
        ]}
      />
      {error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${error.message}`} />}
      {state !== "all" && catalog.hasMore && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t("common:pages.filterLoaded", { count: catalog.items.length })}
        />
      )}
      <Table<CatalogEntry>
        className="freshness"
        rowKey="id"
        loading={catalog.isLoading || clock.isLoading}
        dataSource={rows}
        locale={{ emptyText: t("fresh.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("fresh.resource"), key: "resource", render: (_, r) => `${r.id} · ${r.record.name}` },
          {
            title: t("fresh.frequency"),
            key: "frequency",
            render: (_, r) => t(`frequency.${r.record.updateFrequency}`),
          },
          { title: t("fresh.version"), key: "version", render: (_, r) => r.view?.version ?? "—" },
          {
            title: t("fresh.lastVersionAt"),
            key: "last",
            render: (_, r) => (r.view ? beijingTime(r.view.lastVersionAt) : "—"),
          },
          {
            title: t("fresh.due"),
            key: "due",
            render: (_, r) => (r.view ? beijingTime(r.view.nextVersionDue) : "—"),
          },
          { title: t("fresh.lateVersions"), key: "lateVersions", render: (_, r) => r.view?.lateVersions ?? 0 },
          {
            title: t("lists.state"),
            key: "state",
            render: (_, r) =>
              !r.view || now === undefined ? (
                "—"
              ) : r.view.status === "withdrawn" ? (
                <Tag>{t("fresh.withdrawn")}</Tag>
              ) : isOverdue(r.view.nextVersionDue, now) ? (
                <Tag color={STATE_COLOUR.overdue}>{t("lists.overdue")}</Tag>
              ) : (
                <Tag color={STATE_COLOUR.onTime}>{t("lists.onTime")}</Tag>
              ),
          },
        ]}
      />
      <MorePages list={catalog} />
    </>
  );
}
