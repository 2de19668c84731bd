import { Alert, Button, Form, InputNumber, Select, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Domain } from "../../../../../core/records/common.ts";
import { CHARGE_UNITS, PriceCap } from "../../../../../core/records/product.ts";
import { useSubmit } from "../../api/hooks.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { fieldErrors, schemaIssues } from "../../forms/body-check.ts";
import { yuan } from "../public/money.ts";

interface Values {
  domain?: string;
  chargeUnit?: string;
  maxPriceYuan?: number;
}

/**
 * The agency sets the price cap of a domain and charging unit (a later cap replaces it): every
 * industry product's price in them must stay at or below it. Entered in yuan, signed in fen.
 */
export default function PriceCapsPage() {
  const { t } = useTranslation("agency");
  const [form] = Form.useForm<Values>();
  const setCap = useSubmit("cap.set");
  const onFinish = (v: Values) => {
    const body = {
      domain: v.domain,
      chargeUnit: v.chargeUnit,
      maxPriceFen: v.maxPriceYuan === undefined ? undefined : Math.round(v.maxPriceYuan * 100),
    };
    const issues = schemaIssues(PriceCap, body);
    if (issues.length > 0)
      return form.setFields(
        fieldErrors(issues, { domain: "domain", chargeUnit: "chargeUnit", maxPriceFen: "maxPriceYuan" } as const),
      );
    setCap.mutate(PriceCap.parse(body));
  };
  return (
    <>
      <Typography.Title level={2}>{t("caps.title")}</Typography.Title>
      <Typography.Paragraph>{t("caps.intro")}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 480 }}
        className="agency-price-cap"
        onFinish={onFinish}
        onValuesChange={() => setCap.reset()}
      >
        <Form.Item name="domain" label={t("resources.domain")} rules={[{ required: true }]}>
          <Select options={Domain.options.map((d) => ({ value: d, label: d }))} />
        </Form.Item>
        <Form.Item name="chargeUnit" label={t("caps.chargeUnit")} rules={[{ required: true }]}>
          <Select options={CHARGE_UNITS.map((u) => ({ value: u, label: t(`caps.unit.${u}`) }))} />
        </Form.Item>
        <Form.Item name="maxPriceYuan" label={t("caps.max")} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={setCap.isPending}>
            {t("caps.submit")}
          </Button>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={setCap.error} />
      {setCap.isSuccess && (
        <Alert
          type="success"
          showIcon
          title={t("caps.done", {
            domain: setCap.variables.domain,
            unit: t(`caps.unit.${setCap.variables.chargeUnit}`),
            yuan: yuan(setCap.variables.maxPriceFen),
          })}
        />
      )}
    </>
  );
}
