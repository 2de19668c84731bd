import { Alert, Input, Segmented, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PublicListing } from "../../../../../core/public-list.ts";
import { usePagedList } from "../../api/hooks.ts";
import { ListTable } from "../../app/ListTable.tsx";
import { MorePages } from "../../app/MorePages.tsx";
import { beijingDate } from "../../app/beijing-time.ts";

type Charge = "all" | "free" | "charged";

/**
 * The product and service list the seed requires to be public (运营机构定期公开数据产品和服务清单).
 * Search and the charge filter are the service's (`q`, `charge`), so they cover every product,
 * not only the pages already loaded.
 */
export default function ProductListPage() {
  const { t } = useTranslation("public");
  const [search, setSearch] = useState("");
  const [charge, setCharge] = useState<Charge>("all");
  const query = new URLSearchParams();
  if (search.trim()) query.set("q", search.trim());
  if (charge !== "all") query.set("charge", charge);
  const path = `/v1/public/products${query.size ? `?${query}` : ""}`;
  const list = usePagedList<PublicListing>(path, "products", { auth: "public", pageSize: 50 });

  return (
    <>
      <Typography.Title level={2}>{t("products.title")}</Typography.Title>
      <Typography.Paragraph>{t("products.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t("products.searchPlaceholder")}
          placeholder={t("products.searchPlaceholder")}
          allowClear
          enterButton={t("products.search")}
          onSearch={setSearch}
          style={{ width: 360 }}
        />
        <Segmented<Charge>
          aria-label={t("products.chargeFilter")}
          value={charge}
          onChange={setCharge}
          options={[
            { value: "all", label: t("common:all") },
            { value: "free", label: t("products.free") },
            { value: "charged", label: t("products.charged") },
          ]}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${list.error.message}`} />}
      <ListTable<PublicListing>
        className="public-products"
        caption={t("products.title")}
        rowKey={(p) => p.id}
        loading={list.isLoading}
        rows={list.items}
        empty={search || charge !== "all" ? t("products.noMatch") : t("products.empty")}
        columns={[
          { key: "name", title: t("products.name"), render: (p) => p.name },
          { key: "scenario", title: t("products.scenario"), render: (p) => p.scenario },
          { key: "serviceForm", title: t("products.serviceForm"), render: (p) => p.serviceForm },
          {
            key: "charge",
            title: t("products.charge"),
            render: (p) =>
              p.charge === "free" ? (
                <Tag color="green">{t("products.free")}</Tag>
              ) : (
                <Tag color="blue">{t("products.charged")}</Tag>
              ),
          },
          { key: "price", title: t("products.price"), render: (p) => p.priceText },
          { key: "operator", title: t("products.operator"), render: (p) => p.operatorName || p.operator },
          {
            key: "lastPublished",
            title: t("products.lastPublished"),
            render: (p) => (
              <time dateTime={new Date(p.lastPublished * 1000).toISOString()}>{beijingDate(p.lastPublished)}</time>
            ),
          },
          { key: "status", title: t("products.status"), render: (p) => t(`status:public.${p.status}`) },
        ]}
      />
      <MorePages list={list} />
    </>
  );
}
