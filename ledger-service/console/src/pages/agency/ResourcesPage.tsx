import { Alert, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { CatalogResource } from "../../../../../core/desk-lists.ts";
import { toCstIso } from "../../../../../core/time.ts";
import { usePagedList } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { MorePages } from "../../app/MorePages.tsx";
import { RegisterResource } from "./RegisterResource.tsx";

type Entry = CatalogResource;

/**
 * The resource catalog at the agency's desk (GET /v1/resources, a cursor page at a time): each resource's grade, version,
 * next version due, and its source units' review: a registered resource was approved by every
 * source unit on the schema hash shown (the chain refuses the registration otherwise).
 */
export default function ResourcesPage() {
  const { t } = useTranslation("agency");
  const q = usePagedList<Entry>("/v1/resources", "resources");
  return (
    <>
      <Typography.Title level={2}>{t("resources.title")}</Typography.Title>
      <Typography.Paragraph>{t("resources.intro")}</Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<Entry>
        className="agency-resources"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("resources.id"), key: "id", render: (_, r) => `${r.id} · ${r.record.name}` },
          { title: t("resources.domain"), key: "domain", render: (_, r) => r.record.domain },
          {
            title: t("resources.grade"),
            key: "grade",
            render: (_, r) => t(`resources.grade.${r.view?.grade ?? r.record.grade}`),
          },
          {
            title: t("resources.version"),
            key: "version",
            render: (_, r) => (r.view ? `v${r.view.version} · ${t(`resources.status.${r.view.status}`)}` : ""),
          },
          {
            title: t("resources.due"),
            key: "due",
            render: (_, r) => (r.view && r.view.status === "active" ? toCstIso(r.view.nextVersionDue) : ""),
          },
          {
            title: t("resources.review"),
            key: "review",
            render: (_, r) => (
              <>
                {r.record.sourceUnits.map((u) => (
                  <div key={u}>
                    {u} <Tag>{t("resources.approved")}</Tag>
                  </div>
                ))}
                <HashText>{r.record.schemaHash}</HashText>
              </>
            ),
          },
        ]}
      />
      <MorePages list={q} />
      <RegisterResource />
    </>
  );
}
