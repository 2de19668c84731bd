import { Alert, Button, Checkbox, Form, Input, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Domain } from "../../../../../core/records/common.ts";
import {
  FIELD_TYPES,
  Resource,
  schemaHashOf,
  UPDATE_FREQUENCIES,
  type ResourceField,
} from "../../../../../core/records/resource.ts";
import { useSubmit } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { useSession } from "../../session/session.tsx";
import { Refusal } from "../../forms/Refusal.tsx";
import { fieldErrors, schemaIssues } from "../../forms/body-check.ts";
import "./agency.css";

interface Values {
  id?: string;
  name?: string;
  domain?: string;
  sourceUnits?: string[];
  fields?: Partial<ResourceField>[];
  scope?: string;
  updateFrequency?: string;
  grade?: number;
  gradeReason?: string;
}
const FORM_FIELDS = {
  id: "id",
  name: "name",
  domain: "domain",
  sourceUnits: "sourceUnits",
  fields: "fields",
  scope: "scope",
  updateFrequency: "updateFrequency",
  grade: "grade",
  gradeReason: "gradeReason",
} as const;

const fieldsOf = (v: Values): ResourceField[] =>
  (v.fields ?? []).map((f) => ({
    name: f.name ?? "",
    type: f.type ?? "string",
    personalInfo: f.personalInfo ?? false,
  }));

/**
 * The agency registers a public data resource held by it: its fields (personal information
 * marked), grade, source units and update frequency. The schema hash is shown as it is typed:
 * each source unit reviews that hash first, and the chain refuses a registration any of them has
 * not approved (SOURCE_REVIEW_MISSING, naming the unit).
 */
export function RegisterResource() {
  const { t } = useTranslation("agency");
  const { session } = useSession();
  const [form] = Form.useForm<Values>();
  const register = useSubmit("resource.register", "/v1/resources");
  const watched = Form.useWatch([], form) ?? {};
  const schemaHash = schemaHashOf(fieldsOf(watched));
  const onFinish = (v: Values) => {
    const fields = fieldsOf(v);
    const body = {
      id: v.id ?? "",
      name: v.name ?? "",
      domain: v.domain,
      sourceUnits: v.sourceUnits ?? [],
      fields,
      scope: v.scope ?? "",
      updateFrequency: v.updateFrequency,
      grade: v.grade,
      gradeReason: v.gradeReason ?? "",
      schemaHash: schemaHashOf(fields),
      holder: session?.orgId ?? "",
    };
    const issues = schemaIssues(Resource, body);
    if (issues.length > 0) return form.setFields(fieldErrors(issues, FORM_FIELDS));
    register.mutate(Resource.parse(body));
  };
  return (
    <>
      <Typography.Title level={3}>{t("resources.register")}</Typography.Title>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 760 }}
        className="agency-register-resource"
        initialValues={{ fields: [{ type: "string", personalInfo: false }] }}
        onFinish={onFinish}
        onValuesChange={() => register.reset()}
      >
        <Form.Item name="id" label={t("resources.id")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t("resources.name")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="domain" label={t("resources.domain")} rules={[{ required: true }]}>
          <Select options={Domain.options.map((d) => ({ value: d, label: d }))} />
        </Form.Item>
        <Form.Item
          name="sourceUnits"
          label={t("resources.sourceUnits")}
          extra={t("resources.sourceUnitsHelp")}
          rules={[{ required: true }]}
        >
          <Select mode="tags" />
        </Form.Item>
        <Form.List name="fields">
          {(items, { add, remove }) => (
            <fieldset className="agency-fieldset">
              <legend>{t("resources.fields")}</legend>
              {items.map(({ key, name }) => (
                <Space key={key} align="baseline" wrap>
                  <Form.Item name={[name, "name"]} label={t("resources.fieldName")} rules={[{ required: true }]}>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[name, "type"]} label={t("resources.fieldType")}>
                    <Select style={{ minWidth: 120 }} options={FIELD_TYPES.map((f) => ({ value: f, label: f }))} />
                  </Form.Item>
                  <Form.Item name={[name, "personalInfo"]} valuePropName="checked">
                    <Checkbox>{t("issue.personal")}</Checkbox>
                  </Form.Item>
                  {items.length > 1 && <Button onClick={() => remove(name)}>{t("resources.removeField")}</Button>}
                </Space>
              ))}
              <Button onClick={() => add({ type: "string", personalInfo: false })}>{t("resources.addField")}</Button>
            </fieldset>
          )}
        </Form.List>
        <Form.Item name="scope" label={t("resources.scope")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="updateFrequency" label={t("resources.frequency")} rules={[{ required: true }]}>
          <Select options={UPDATE_FREQUENCIES.map((f) => ({ value: f, label: t(`resources.frequency.${f}`) }))} />
        </Form.Item>
        <Form.Item name="grade" label={t("resources.grade")} rules={[{ required: true }]}>
          <Select options={[1, 2, 3, 4].map((g) => ({ value: g, label: t(`resources.grade.${g}`) }))} />
        </Form.Item>
        <Form.Item name="gradeReason" label={t("resources.gradeReason")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t("resources.schemaHash")} extra={t("resources.schemaHashHelp")}>
          <HashText copyable>{schemaHash}</HashText>
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending}>
            {t("resources.submit")}
          </Button>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={register.error} />
      {register.isSuccess && (
        <Alert type="success" showIcon title={t("resources.done", { resourceId: register.variables.id })} />
      )}
    </>
  );
}
