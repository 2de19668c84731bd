import { Alert, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { PublicListing, PublicProductPage } from "../../../../../core/public-list.ts";
import { usePublicQuery } from "../../api/hooks.ts";

/** The product and service list the seed requires to be public (运营机构定期公开数据产品和服务清单). */
export default function ProductListPage() {
  const { t } = useTranslation("public");
  const list = usePublicQuery<PublicProductPage>("/v1/public/products");
  const [search, setSearch] = useState("");
  const [charge, setCharge] = useState<"all" | "free" | "charged">("all");

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (list.data?.products ?? []).filter(
      (p) =>
        (charge === "all" || p.charge === charge) &&
        (!needle ||
          [p.name, p.scenario, p.operator, p.operatorName ?? "", p.serviceForm].some((f) =>
            f.toLowerCase().includes(needle),
          )),
    );
  }, [list.data, search, charge]);

  return (
    <>
      <Typography.Title level={2}>{t("products.title")}</Typography.Title>
      <Typography.Paragraph>{t("products.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t("products.searchPlaceholder")}
          placeholder={t("products.searchPlaceholder")}
          allowClear
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 320 }}
        />
        <Select
          aria-label={t("products.chargeFilter")}
          value={charge}
          onChange={setCharge}
          style={{ width: 180 }}
          options={[
            { value: "all", label: t("common:all") },
            { value: "free", label: t("products.free") },
            { value: "charged", label: t("products.charged") },
          ]}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${list.error.message}`} />}
      <Table<PublicListing>
        rowKey="id"
        loading={list.isLoading}
        dataSource={rows}
        locale={{ emptyText: t("products.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("products.name"), dataIndex: "name" },
          { title: t("products.scenario"), dataIndex: "scenario" },
          { title: t("products.serviceForm"), dataIndex: "serviceForm" },
          {
            title: t("products.charge"),
            dataIndex: "charge",
            render: (c: PublicListing["charge"]) =>
              c === "free" ? (
                <Tag color="green">{t("products.free")}</Tag>
              ) : (
                <Tag color="blue">{t("products.charged")}</Tag>
              ),
          },
          {
            title: t("products.price"),
            key: "price",
            dataIndex: "priceText",
          },
          { title: t("products.operator"), key: "operator", render: (_: unknown, p) => p.operatorName ?? p.operator },
          { title: t("products.status"), key: "status", render: (_: unknown, p) => t(`status:public.${p.status}`) },
        ]}
      />
    </>
  );
}
