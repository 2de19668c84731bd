import { Alert, Button, Card, Form, Input, InputNumber, Select, Table, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ENVIRONMENTS, HOP_OPERATIONS, LineageHop, type HopInput } from "../../../../../core/records/lineage.ts";
import { useSubmit, type ApiError } from "../../api/hooks.ts";
import { checkBody, refusedField, type FieldPath } from "../../forms/body-check.ts";
import { useGrantAudit, type GrantAudit } from "./grant-data.ts";
import { useChosenGrant } from "./GrantPicker.tsx";
import { InputFields } from "./InputFields.tsx";
import { Refusal } from "../../forms/Refusal.tsx";

/** Deliveries are `deliver` hops recorded by `pdl deliver`, which watermarks the records first. */
const FORM_OPERATIONS = HOP_OPERATIONS.filter((o) => o !== "deliver");
/** Grades 1 to 4 (数据分级). */
const GRADES = [1, 2, 3, 4];

/** The field each refusal of lineage.hop concerns. */
const REFUSED_FIELD: Record<string, FieldPath> = {
  DUPLICATE_ID: ["id"],
  PRODUCT_GRANT_MISMATCH: ["productId"],
  PARTNER_OUT_OF_SCOPE: ["inputs"],
  RESOURCE_NOT_GRANTED: ["inputs"],
  FIELD_NOT_GRANTED: ["inputs"],
  RESOURCE_NOT_ACTIVE: ["inputs"],
  ARTIFACT_UNKNOWN: ["inputs"],
  ARTIFACT_HASH_MISMATCH: ["inputs"],
  NOT_FOUND: ["inputs"],
  PRIVACY_ENV_REQUIRED: ["environment"],
  GRADE_DOWNGRADE_FORBIDDEN: ["outputGrade"],
};
const LABEL: Record<string, string> = {
  id: "hop.id",
  productId: "hop.product",
  inputs: "hop.inputs",
  environment: "hop.environment",
  outputGrade: "hop.outputGrade",
};

type HopRow = GrantAudit["hops"][number];

/** The form's inputs as the record holds them: only the keys of each input's kind. */
function inputsOf(values: unknown): HopInput[] | unknown {
  if (!Array.isArray(values)) return values;
  return values.map((v: Record<string, unknown>) =>
    v?.kind === "artifact"
      ? { kind: "artifact", hopId: v.hopId, hash: v.hash }
      : { kind: "resource", resourceId: v?.resourceId, version: v?.version, fields: v?.fields, hash: v?.hash },
  );
}

/**
 * The lineage of the grant's products (数据血缘): the hops recorded so far, and a form to record
 * one (its inputs, output and processing environment), by the operator or an admitted partner.
 * The form is checked with the rulebook's schema before it is signed; the chain's refusal (an
 * input outside a partner's admission, grade 3 data outside a privacy environment) is shown
 * with the field it concerns.
 */
export default function HopsPage() {
  const { t } = useTranslation("operator");
  const { grantId, picker } = useChosenGrant();
  const audit = useGrantAudit(grantId);
  const record = useSubmit("lineage.hop", "/v1/hops");
  const [form] = Form.useForm();
  const [checkFailed, setCheckFailed] = useState(false);
  const [listErrors, setListErrors] = useState<string[]>([]);

  const fieldOf = (err: ApiError): string | undefined => {
    const path = refusedField(err, REFUSED_FIELD);
    return path && t(LABEL[path.join(".")] ?? path.join("."));
  };

  const onRecord = (values: Record<string, unknown>) => {
    record.reset();
    setListErrors([]);
    const checked = checkBody(LineageHop, { ...values, grantId, inputs: inputsOf(values.inputs) });
    setCheckFailed(!checked.ok);
    if (!checked.ok) {
      setListErrors(checked.fields.filter((f) => f.name.join(".") === "inputs").flatMap((f) => f.errors));
      return form.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    }
    record.mutate(checked.body, {
      onError: (err) => {
        const path = refusedField(err, REFUSED_FIELD);
        const said = err.detail ?? err.message;
        if (path?.join(".") === "inputs") setListErrors([said]);
        else if (path) form.setFields([{ name: [...path], errors: [said] }]);
      },
    });
  };

  return (
    <div className="operator-desk">
      <Typography.Title level={2}>{t("hops.title")}</Typography.Title>
      <Typography.Paragraph>{t("hops.intro")}</Typography.Paragraph>
      {picker}
      {audit.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${audit.error.message}`} />}
      <Table<HopRow>
        className="operator-hops"
        rowKey="id"
        loading={audit.isLoading}
        dataSource={[...(audit.data?.hops ?? [])]}
        locale={{ emptyText: t("hops.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("hop.id"), dataIndex: "id" },
          { title: t("hop.product"), dataIndex: "productId" },
          { title: t("hop.operation"), key: "operation", render: (_, h) => t(`status:operation.${h.operation}`) },
          { title: t("hop.actor"), dataIndex: "actor" },
          { title: t("hop.recordCount"), dataIndex: "recordCount" },
          {
            title: t("record"),
            key: "record",
            render: (_, h) =>
              h.evidence.blockNumber === undefined ? "" : t("block", { block: h.evidence.blockNumber }),
          },
        ]}
      />

      <Card title={t("hops.record")} style={{ marginTop: 24 }}>
        <Alert type="info" showIcon title={t("hops.deliverNote")} style={{ marginBottom: 16 }} />
        {checkFailed && <Alert type="warning" showIcon title={t("checkFailed")} style={{ marginBottom: 16 }} />}
        {record.error && <Refusal className="operator-refusal" error={record.error} field={fieldOf(record.error)} />}
        {record.isSuccess && (
          <Alert
            type="success"
            showIcon
            title={t("hops.recorded", { id: record.variables?.id })}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form
          form={form}
          name="hop"
          layout="vertical"
          className="hop-record"
          initialValues={{ inputs: [{ kind: "resource", version: 1 }], environment: "plain" }}
          onFinish={onRecord}
          style={{ maxWidth: 720 }}
        >
          <Form.Item name="id" label={t("hop.id")}>
            <Input />
          </Form.Item>
          <Form.Item name="productId" label={t("hop.product")}>
            <Select options={(audit.data?.products ?? []).map((p) => ({ value: p.id, label: p.id }))} />
          </Form.Item>
          <Form.Item name="operation" label={t("hop.operation")}>
            <Select options={FORM_OPERATIONS.map((o) => ({ value: o, label: t(`status:operation.${o}`) }))} />
          </Form.Item>
          <InputFields
            scope={audit.data?.grant.scope ?? []}
            hopIds={(audit.data?.hops ?? []).map((h) => h.id)}
            listErrors={listErrors}
          />
          <Form.Item name="outputHash" label={t("hop.outputHash")}>
            <Input className="hash-input" />
          </Form.Item>
          <Form.Item name="outputGrade" label={t("hop.outputGrade")}>
            <Select allowClear options={GRADES.map((g) => ({ value: g, label: String(g) }))} />
          </Form.Item>
          <Form.Item name="environment" label={t("hop.environment")}>
            <Select options={ENVIRONMENTS.map((e) => ({ value: e, label: t(`environment.${e}`) }))} />
          </Form.Item>
          <Form.Item name="recordCount" label={t("hop.recordCount")}>
            <InputNumber min={0} precision={0} style={{ width: 200 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={record.isPending} disabled={!grantId}>
            {t("submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
