import { Alert, Button, Checkbox, DatePicker, Descriptions, Form, Input, Select, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { CatalogResource } from "../../../../../core/desk-lists.ts";
import { Grant } from "../../../../../core/records/grant.ts";
import { maxGrantEnd, RULE_PERIODS, toCstIso } from "../../../../../core/time.ts";
import { usePagedList, useSubmit, type ApiError } from "../../api/hooks.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { fieldErrors, schemaIssues } from "../../forms/body-check.ts";
import "./agency.css";

/** A date as Ant Design's picker gives it (a dayjs value), reduced to what the form reads. */
interface PickedDate {
  startOf(unit: "day"): { unix(): number };
}
interface Values {
  id?: string;
  grantee?: string;
  resources?: string[];
  fields?: Record<string, string[] | undefined>;
  scenarios?: string[];
  validFrom?: PickedDate | null;
  validUntil?: PickedDate | null;
  agreementHash?: string;
}
/** The form field that edits each body field. */
const FORM_FIELDS = {
  id: "id",
  grantee: "grantee",
  scope: "resources",
  scenarios: "scenarios",
  validFrom: "validFrom",
  validUntil: "validUntil",
  agreementHash: "agreementHash",
} as const;
/** The form field a refusal concerns, by its code (the message and its detail say why). */
const REFUSAL_FIELD: Readonly<Record<string, keyof Values>> = {
  GRANT_TERM_TOO_LONG: "validUntil",
  GRANT_TERM_INVALID: "validUntil",
  DUPLICATE_ID: "id",
  ACTOR_ROLE_INVALID: "grantee",
  ORG_BLACKLISTED: "grantee",
  FIELD_UNKNOWN: "resources",
  RESOURCE_NOT_ACTIVE: "resources",
};
const day = (d: PickedDate | null | undefined) => (d ? d.startOf("day").unix() : undefined);

/**
 * The agency issues a grant: the operator, the resources and the very fields granted of each,
 * the permitted scenarios and the term, which the form bounds at 5 years from its start (shown
 * as the latest end). The body is checked against the rulebook's schema before it is signed in
 * the browser; the chain decides, and its refusal is shown on the field it concerns.
 */
export default function IssueGrantPage() {
  const { t } = useTranslation("agency");
  const [form] = Form.useForm<Values>();
  // Every resource of the catalog to choose from, each cursor page after the one before.
  const catalog = usePagedList<CatalogResource>("/v1/resources", "resources", { every: true });
  const issue = useSubmit("grant.issue", "/v1/grants");
  const chosen = Form.useWatch("resources", form) ?? [];
  const fields = Form.useWatch("fields", form) ?? {};
  const validFrom = day(Form.useWatch("validFrom", form));
  const resources = new Map(catalog.items.map((r) => [r.id, r.record]));

  const bodyOf = (v: Values) => ({
    id: v.id ?? "",
    grantee: v.grantee ?? "",
    scope: (v.resources ?? []).map((resourceId) => ({ resourceId, fields: v.fields?.[resourceId] ?? [] })),
    scenarios: v.scenarios ?? [],
    validFrom: day(v.validFrom),
    validUntil: day(v.validUntil),
    agreementHash: v.agreementHash ?? "",
  });
  const onRefused = (error: ApiError) => {
    const field = REFUSAL_FIELD[error.code];
    if (field) form.setFields([{ name: field, errors: [[error.message, error.detail].filter(Boolean).join(" ")] }]);
  };
  const onFinish = (v: Values) => {
    const fieldless = (v.resources ?? []).filter((id) => (v.fields?.[id] ?? []).length === 0);
    if (fieldless.length > 0)
      return form.setFields(
        fieldless.map((id) => ({ name: ["fields", id], errors: [t("issue.fieldsRequired", { resourceId: id })] })),
      );
    const body = bodyOf(v);
    const issues = schemaIssues(Grant, body);
    if (issues.length > 0) {
      form.setFields(fieldErrors(issues, FORM_FIELDS));
      return;
    }
    issue.mutate(Grant.parse(body), { onError: onRefused });
  };

  return (
    <>
      <Typography.Title level={2}>{t("issue.title")}</Typography.Title>
      <Typography.Paragraph>{t("issue.intro", { years: RULE_PERIODS.maxGrantYears })}</Typography.Paragraph>
      {catalog.error && (
        <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${catalog.error.message}`} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 760 }}
        onFinish={onFinish}
        onValuesChange={() => issue.reset()}
        className="agency-issue-grant"
      >
        <Form.Item name="id" label={t("issue.id")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="grantee"
          label={t("issue.grantee")}
          extra={t("issue.granteeHelp")}
          rules={[{ required: true }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="resources" label={t("issue.resources")} rules={[{ required: true }]}>
          <Select
            mode="multiple"
            loading={catalog.isLoading}
            options={[...resources].map(([id, r]) => ({ value: id, label: `${id} · ${r.name}` }))}
          />
        </Form.Item>
        {chosen.map((id) => (
          <Form.Item key={id} name={["fields", id]} label={t("issue.fieldsOf", { resourceId: id })}>
            <Checkbox.Group
              options={(resources.get(id)?.fields ?? []).map((f) => ({
                value: f.name,
                label: f.personalInfo ? `${f.name}（${t("issue.personal")}）` : f.name,
              }))}
            />
          </Form.Item>
        ))}
        <Form.Item
          name="scenarios"
          label={t("issue.scenarios")}
          extra={t("issue.scenariosHelp")}
          rules={[{ required: true }]}
        >
          <Select mode="tags" />
        </Form.Item>
        <Form.Item name="validFrom" label={t("issue.validFrom")} rules={[{ required: true }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="validUntil"
          label={t("issue.validUntil")}
          extra={
            validFrom === undefined
              ? t("issue.boundUnknown", { years: RULE_PERIODS.maxGrantYears })
              : t("issue.bound", { years: RULE_PERIODS.maxGrantYears, latest: toCstIso(maxGrantEnd(validFrom)) })
          }
          rules={[{ required: true }]}
        >
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="agreementHash"
          label={t("issue.agreementHash")}
          extra={t("issue.agreementHelp")}
          rules={[{ required: true }]}
        >
          <Input />
        </Form.Item>
        <Typography.Title level={3}>{t("issue.granted")}</Typography.Title>
        <Descriptions bordered column={1} size="small" className="agency-granted-fields">
          {chosen.length === 0 ? (
            <Descriptions.Item label={t("issue.resources")}>{t("issue.nothingGranted")}</Descriptions.Item>
          ) : (
            chosen.map((id) => (
              <Descriptions.Item key={id} label={`${id} · ${resources.get(id)?.name ?? ""}`}>
                {(fields[id] ?? []).join("、") || t("issue.noFields")}
              </Descriptions.Item>
            ))
          )}
        </Descriptions>
        <Form.Item style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={issue.isPending}>
            {t("issue.submit")}
          </Button>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={issue.error} />
      {issue.isSuccess && (
        <Alert
          type="success"
          showIcon
          title={t("issue.done", { grantId: issue.variables.id })}
          description={<Link to={`/agency/grants/${encodeURIComponent(issue.variables.id)}`}>{t("issue.open")}</Link>}
        />
      )}
    </>
  );
}
