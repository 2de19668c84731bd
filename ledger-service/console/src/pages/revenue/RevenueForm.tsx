import { Alert, Button, Card, Form } from "antd";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { OperationBody, OperationName } from "../../../../../core/operations.ts";
import { useSubmit, type ApiError } from "../../api/hooks.ts";
import { checkBody } from "../../forms/body-check.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/** The rulebook's refusals of the revenue operations concern the year the form names. */
const REFUSED_FIELD: Readonly<Record<string, string>> = {
  REVENUE_ALREADY_REPORTED: "year",
  REVENUE_MAXIMUM_MISSING: "year",
  REVENUE_NOT_REPORTED: "year",
};

interface Props<O extends OperationName> {
  readonly op: O;
  readonly operator: string;
  readonly schema: z.ZodType<OperationBody<O>>;
  readonly className: string;
  readonly title: string;
  /** The route of the operation, e.g. "maximum" for POST /v1/operators/:operator/revenue/maximum. */
  readonly route: "maximum" | "report" | "guidance";
  /** The form's values as the record body (amounts in yuan become fen here). */
  readonly toBody: (values: Record<string, unknown>) => Record<string, unknown>;
  /** The label of each body field, to name the field a refusal concerns. */
  readonly labels: Readonly<Record<string, string>>;
  readonly children: ReactNode;
}

/**
 * One revenue record from a form: checked with the rulebook's schema before it is signed in the
 * browser, the chain's refusal shown as the service words it, with the field it concerns.
 */
export function RevenueForm<O extends OperationName>(p: Props<O>) {
  const { t } = useTranslation("revenue");
  const [form] = Form.useForm();
  const [checkFailed, setCheckFailed] = useState(false);
  const submit = useSubmit(p.op, () => `/v1/operators/${encodeURIComponent(p.operator)}/revenue/${p.route}`);
  const fieldOf = (err: ApiError): string | undefined => {
    const named = typeof err.details?.field === "string" ? err.details.field : REFUSED_FIELD[err.code];
    return named && p.labels[named] ? named : undefined;
  };
  const onFinish = (values: Record<string, unknown>) => {
    submit.reset();
    const checked = checkBody(p.schema, { operator: p.operator, ...p.toBody(values) });
    setCheckFailed(!checked.ok);
    if (!checked.ok) return form.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    submit.mutate(checked.body, {
      onError: (err) => {
        const field = fieldOf(err);
        if (field) form.setFields([{ name: [field], errors: [err.detail ?? err.message] }]);
      },
    });
  };
  const refusedField = submit.error ? fieldOf(submit.error) : undefined;
  return (
    <Card title={p.title} className={p.className} style={{ marginTop: 16 }}>
      {checkFailed && <Alert type="warning" showIcon title={t("checkFailed")} style={{ marginBottom: 16 }} />}
      <Refusal className="revenue-refusal" error={submit.error} field={refusedField && p.labels[refusedField]} />
      {submit.isSuccess && <Alert type="success" showIcon title={t("done")} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" name={p.className} onFinish={onFinish} style={{ maxWidth: 640 }}>
        {p.children}
        <Button type="primary" htmlType="submit" loading={submit.isPending} disabled={!p.operator}>
          {t("submit")}
        </Button>
      </Form>
    </Card>
  );
}
