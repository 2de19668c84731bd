import { Alert, Select, Space, Table, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "../../../../../core/records/common.ts";
import { toCstIso } from "../../../../../core/time.ts";
import { usePagedList } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { BanTag } from "./BanTag.tsx";
import type { Organisation } from "./directory.ts";
import { RegisterOrganisation } from "./RegisterOrganisation.tsx";

/**
 * Every registered organisation (GET /v1/actors, a cursor page at a time; the agency sees all),
 * filtered by role on the service: name, unified social credit code, role, when registered and
 * whether it is blacklisted; below, the form that registers another.
 */
export default function OrganisationsPage() {
  const { t } = useTranslation("agency");
  const [role, setRole] = useState<Role | "">("");
  const list = usePagedList<Organisation>(`/v1/actors${role ? `?role=${role}` : ""}`, "actors");
  return (
    <>
      <Typography.Title level={2}>{t("orgs.title")}</Typography.Title>
      <Typography.Paragraph>{t("orgs.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }} className="agency-orgs-filter">
        <Select<Role | "">
          aria-label={t("orgs.role")}
          value={role}
          onChange={setRole}
          style={{ minWidth: 180 }}
          options={[
            { value: "", label: t("common:all") },
            ...ROLES.map((r) => ({ value: r, label: t(`common:role.${r}`) })),
          ]}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${list.error.message}`} />}
      <Table<Organisation>
        className="agency-orgs"
        rowKey="orgId"
        loading={list.isLoading}
        dataSource={list.items}
        locale={{ emptyText: t("orgs.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("orgs.name"), key: "name", render: (_, o) => o.name },
          { title: t("orgs.orgId"), key: "orgId", render: (_, o) => o.orgId },
          { title: t("orgs.role"), key: "role", render: (_, o) => t(`common:role.${o.role}`) },
          {
            title: t("orgs.registeredAt"),
            key: "registeredAt",
            render: (_, o) => toCstIso(o.registeredAt).slice(0, 19).replace("T", " "),
          },
          { title: t("orgs.blacklist"), key: "blacklist", render: (_, o) => <BanTag ban={o.blacklist} /> },
        ]}
      />
      <MorePages list={list} />
      <RegisterOrganisation />
    </>
  );
}
