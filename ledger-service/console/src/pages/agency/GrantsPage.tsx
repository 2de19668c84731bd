import { Alert, Button, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { ListedGrant } from "../../../../../core/desk-lists.ts";
import { GRANT_STATUSES, type GrantStatus } from "../../../../../core/records/grant.ts";
import { toCstIso } from "../../../../../core/time.ts";
import type { GrantView } from "../../../../../core/views.ts";
import { usePagedList } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { GrantActions } from "./GrantActions.tsx";
import { GRANT_STATUS_COLOUR } from "./status-colour.ts";

/**
 * Every grant (GET /v1/grants, a cursor page at a time; the agency sees all), filtered by status on the service: its operator, term and
 * status, each opening its own page (partners, evaluations, exit), with suspend, resume and revoke
 * on the row.
 */
export default function GrantsPage() {
  const { t } = useTranslation("agency");
  const navigate = useNavigate();
  const [status, setStatus] = useState<GrantStatus | "">("");
  const q = usePagedList<ListedGrant>(`/v1/grants${status ? `?status=${status}` : ""}`, "grants");
  return (
    <>
      <Typography.Title level={2}>{t("grants.title")}</Typography.Title>
      <Typography.Paragraph>{t("grants.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<GrantStatus | "">
          aria-label={t("grants.status")}
          value={status}
          onChange={setStatus}
          style={{ minWidth: 160 }}
          options={[
            { value: "", label: t("common:all") },
            ...GRANT_STATUSES.map((s) => ({ value: s, label: t(`status:grant.${s}`) })),
          ]}
        />
        <Button type="primary" onClick={() => void navigate("/agency/grants/new")}>
          {t("issue.title")}
        </Button>
      </Space>
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<{ id: string; view: GrantView }>
        className="agency-grants"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.items}
        locale={{ emptyText: t("grants.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("grants.grant"),
            key: "id",
            render: (_, g) => <Link to={`/agency/grants/${encodeURIComponent(g.id)}`}>{g.id}</Link>,
          },
          { title: t("grants.grantee"), key: "grantee", render: (_, g) => g.view.grantee },
          {
            title: t("grants.term"),
            key: "term",
            render: (_, g) =>
              `${toCstIso(g.view.validFrom).slice(0, 10)} – ${toCstIso(g.view.validUntil).slice(0, 10)}`,
          },
          {
            title: t("grants.status"),
            key: "status",
            render: (_, g) => (
              <Tag color={GRANT_STATUS_COLOUR[g.view.status]}>{t(`status:grant.${g.view.status}`)}</Tag>
            ),
          },
          {
            title: t("grants.actions"),
            key: "actions",
            render: (_, g) => <GrantActions grantId={g.id} status={g.view.status} />,
          },
        ]}
      />
      <MorePages list={q} />
    </>
  );
}
