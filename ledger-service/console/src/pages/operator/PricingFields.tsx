import { Form, InputNumber, Select } from "antd";
import { useTranslation } from "react-i18next";
import { CHARGE_UNITS, PRICING_MODELS } from "../../../../../core/records/product.ts";

/**
 * A product's pricing as the record holds it (pricing.model, pricing.chargeUnit,
 * pricing.priceFen): the price is typed in yuan and kept in whole fen.
 */
export function PricingFields() {
  const { t } = useTranslation("operator");
  return (
    <>
      <Form.Item name={["pricing", "model"]} label={t("product.model")}>
        <Select options={PRICING_MODELS.map((m) => ({ value: m, label: t(`model.${m}`) }))} />
      </Form.Item>
      <Form.Item name={["pricing", "chargeUnit"]} label={t("product.chargeUnit")}>
        <Select options={CHARGE_UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} />
      </Form.Item>
      <Form.Item
        name={["pricing", "priceFen"]}
        label={t("product.price")}
        normalize={(yuan: number | null) => (yuan === null ? undefined : Math.round(yuan * 100))}
        getValueProps={(fen: number | undefined) => ({ value: fen === undefined ? undefined : fen / 100 })}
      >
        <InputNumber min={0} step={0.01} precision={2} style={{ width: 200 }} />
      </Form.Item>
    </>
  );
}
