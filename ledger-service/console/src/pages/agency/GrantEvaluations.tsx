import { Button, Form, Input, InputNumber, Select, Space, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { EVALUATION_GRADES, Evaluation } from "../../../../../core/records/governance.ts";
import type { EvaluationView } from "../../../../../core/views.ts";
import { useSubmit } from "../../api/hooks.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { fieldErrors, schemaIssues } from "../../forms/body-check.ts";

interface Values {
  year?: number;
  grade?: (typeof EVALUATION_GRADES)[number];
  reportHash?: string;
}

/** A grant's annual evaluations, and the agency's record of this year's (three unqualified years revoke). */
export function GrantEvaluations({
  grantId,
  evaluations,
}: {
  grantId: string;
  evaluations: readonly { year: string; view: EvaluationView | null }[];
}) {
  const { t } = useTranslation("agency");
  const [form] = Form.useForm<Values>();
  const record = useSubmit("evaluation.record", (b) => `/v1/grants/${encodeURIComponent(b.grantId)}/evaluations`);
  const onFinish = (v: Values) => {
    const body = { grantId, year: v.year, grade: v.grade, reportHash: v.reportHash ?? "" };
    const issues = schemaIssues(Evaluation, body);
    if (issues.length > 0)
      return form.setFields(fieldErrors(issues, { year: "year", grade: "grade", reportHash: "reportHash" } as const));
    record.mutate(Evaluation.parse(body), { onSuccess: () => form.resetFields() });
  };
  return (
    <>
      <Typography.Title level={3}>{t("evaluations.title")}</Typography.Title>
      <Table<{ year: string; view: EvaluationView | null }>
        className="agency-evaluations"
        rowKey="year"
        dataSource={[...evaluations]}
        pagination={false}
        locale={{ emptyText: t("evaluations.empty") }}
        columns={[
          { title: t("evaluations.year"), dataIndex: "year" },
          {
            title: t("evaluations.grade"),
            key: "grade",
            render: (_, e) => (e.view ? t(`evaluations.grade.${e.view.grade}`) : ""),
          },
        ]}
      />
      <Form<Values> form={form} layout="inline" onFinish={onFinish} style={{ marginTop: 16 }}>
        <Form.Item name="year" label={t("evaluations.year")} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2200} />
        </Form.Item>
        <Form.Item name="grade" label={t("evaluations.grade")} rules={[{ required: true }]}>
          <Select
            style={{ minWidth: 120 }}
            options={EVALUATION_GRADES.map((g) => ({ value: g, label: t(`evaluations.grade.${g}`) }))}
          />
        </Form.Item>
        <Form.Item name="reportHash" label={t("evaluations.reportHash")} rules={[{ required: true }]}>
          <Input style={{ minWidth: 320 }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit" loading={record.isPending}>
              {t("evaluations.record")}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={record.error} />
    </>
  );
}
