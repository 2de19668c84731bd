import { Alert, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { OVERDUE_KINDS, type OverdueAnswer, type OverdueItem, type OverdueKind } from "../../../../../core/overdue.ts";
import { useSignedQuery } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { SubjectLink } from "./SubjectLink.tsx";
import { beijingTime, daysBetween } from "./time.ts";
import "./texts.ts";

/**
 * Overdue, in one place (GET /v1/overdue): every duty past its deadline at the chain's time — missing
 * destruction certificates, resource versions, complaint outcomes, objection answers, service
 * lists — with the record that started the clock and who owes the act; filtered by kind and owner.
 */
export default function OverduePage() {
  const { t } = useTranslation("oversight");
  const [kind, setKind] = useState<"all" | OverdueKind>("all");
  const [owner, setOwner] = useState("");
  const q = useSignedQuery<OverdueAnswer>("/v1/overdue");
  const at = q.data?.at ?? 0;
  const rows = useMemo(() => {
    const needle = owner.trim().toUpperCase();
    return (q.data?.items ?? []).filter(
      (i) =>
        (kind === "all" || i.kind === kind) &&
        (!needle ||
          i.owedBy.some((o) => o.toUpperCase().includes(needle)) ||
          i.subject.id.toUpperCase().includes(needle)),
    );
  }, [q.data, kind, owner]);
  return (
    <>
      <Typography.Title level={2}>{t("overdue.title")}</Typography.Title>
      <Typography.Paragraph>{t("overdue.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label={t("overdue.kind")}
          value={kind}
          onChange={setKind}
          style={{ width: 220 }}
          options={[
            { value: "all", label: t("common:all") },
            ...OVERDUE_KINDS.map((k) => ({ value: k, label: t(`overdueKind.${k}`) })),
          ]}
        />
        <Input.Search
          aria-label={t("overdue.owner")}
          placeholder={t("overdue.owner")}
          allowClear
          onChange={(e) => setOwner(e.target.value)}
          style={{ width: 320 }}
        />
        {q.data && <span>{t("overdue.at", { at: beijingTime(at) })}</span>}
      </Space>
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      <Table<OverdueItem>
        className="overdue"
        rowKey={(i) => `${i.kind}/${i.subject.kind}/${i.subject.id}`}
        loading={q.isLoading}
        dataSource={rows}
        locale={{ emptyText: t("overdue.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("overdue.kind"),
            key: "kind",
            render: (_, i) => <Tag color={STATE_COLOUR.overdue}>{t(`overdueKind.${i.kind}`)}</Tag>,
          },
          { title: t("overdue.subject"), key: "subject", render: (_, i) => <SubjectLink {...i.subject} /> },
          { title: t("overdue.deadline"), key: "deadline", render: (_, i) => beijingTime(i.deadline) },
          {
            title: t("overdue.late"),
            key: "late",
            render: (_, i) => t("overdue.days", { count: daysBetween(i.deadline, at) }),
          },
          {
            title: t("overdue.startedBy"),
            key: "startedBy",
            render: (_, i) => (
              <>
                <div>
                  <SubjectLink kind={i.startedBy.kind} id={i.startedBy.id} />
                </div>
                <div>{beijingTime(i.startedBy.at)}</div>
                {i.startedBy.recordHash && (
                  <div>
                    <HashText>{i.startedBy.recordHash}</HashText>
                  </div>
                )}
              </>
            ),
          },
          {
            title: t("overdue.owedBy"),
            key: "owedBy",
            render: (_, i) => (i.owedBy.length ? i.owedBy.join("、") : t("overdue.authorities")),
          },
        ]}
      />
    </>
  );
}
