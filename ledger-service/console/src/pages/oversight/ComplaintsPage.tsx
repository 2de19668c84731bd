import { Alert, Select, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ComplaintView } from "../../../../../core/views.ts";
import { usePagedList } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { beijingTime } from "./time.ts";
import "./texts.ts";

/**
 * The supervisors' and the agency's list of complaints (GET /v1/complaints, a cursor page at a time,
 * filtered by status on the service), each opening its case.
 */
export default function ComplaintsPage() {
  const { t } = useTranslation("oversight");
  const [status, setStatus] = useState<"all" | ComplaintView["status"]>("all");
  const q = usePagedList<ComplaintView>(`/v1/complaints${status === "all" ? "" : `?status=${status}`}`, "complaints");
  return (
    <>
      <Typography.Title level={2}>{t("desk.title")}</Typography.Title>
      <Typography.Paragraph>{t("desk.intro")}</Typography.Paragraph>
      <Select
        aria-label={t("complaint.status")}
        value={status}
        onChange={setStatus}
        style={{ width: 180, marginBottom: 16 }}
        options={[
          { value: "all", label: t("common:all") },
          ...(["lodged", "handling", "concluded"] as const).map((s) => ({
            value: s,
            label: t(`complaintStatus.${s}`),
          })),
        ]}
      />
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<ComplaintView>
        className="complaints"
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.items}
        locale={{ emptyText: t("desk.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("complaint.id"),
            key: "id",
            render: (_, k) => <Link to={`/oversight/complaints/${encodeURIComponent(k.id)}`}>{k.id}</Link>,
          },
          {
            title: t("complaint.subject"),
            key: "subject",
            render: (_, k) => `${t(`lodge.kind.${k.subjectKind}`)} ${k.subjectId}`,
          },
          { title: t("complaint.lodgedAt"), key: "lodgedAt", render: (_, k) => beijingTime(k.lodgedAt) },
          { title: t("complaint.deadline"), key: "deadline", render: (_, k) => beijingTime(k.deadline) },
          {
            title: t("complaint.status"),
            key: "status",
            render: (_, k) => (
              <Tag color={k.status === "concluded" ? STATE_COLOUR.closed : STATE_COLOUR.open}>
                {t(`complaintStatus.${k.status}`)}
              </Tag>
            ),
          },
          {
            title: t("complaint.outcome"),
            key: "outcome",
            render: (_, k) => (k.outcome ? t(`outcome.${k.outcome}`) : "—"),
          },
        ]}
      />
      <MorePages list={q} />
    </>
  );
}
