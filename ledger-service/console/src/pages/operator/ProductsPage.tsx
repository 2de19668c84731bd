import { Alert, AutoComplete, Button, Card, Form, Input, Modal, Select, Switch, Table, Tag, Typography } from "antd";
import type { ProductDocument } from "../../../../../core/record-document.ts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Domain } from "../../../../../core/records/common.ts";
import { Product, ProductRepricing, ServiceForm } from "../../../../../core/records/product.ts";
import type { ProductView } from "../../../../../core/views.ts";
import { useSignedQuery, useSubmit, type ApiError } from "../../api/hooks.ts";
import { checkBody, refusedField, type FieldPath } from "../../forms/body-check.ts";
import { useGrantAudit } from "./grant-data.ts";
import { useChosenGrant } from "./GrantPicker.tsx";
import { PricingFields } from "./PricingFields.tsx";
import { Refusal } from "../../forms/Refusal.tsx";
import { yuan } from "../public/money.ts";

/** The field each refusal of product.register / product.reprice concerns. */
const REFUSED_FIELD: Record<string, FieldPath> = {
  DUPLICATE_ID: ["id"],
  PRICE_ABOVE_CAP: ["pricing", "priceFen"],
  PRICE_CAP_MISSING: ["pricing", "chargeUnit"],
  PUBLIC_WELFARE_NOT_FREE: ["pricing", "priceFen"],
  RESOURCE_NOT_GRANTED: ["sources"],
};
const LABEL: Record<string, string> = {
  id: "product.id",
  "pricing.priceFen": "product.price",
  "pricing.chargeUnit": "product.chargeUnit",
  sources: "product.sources",
};

type ProductRow = { id: string; view: ProductView | null };

function ProductName({ id }: { id: string }) {
  const doc = useSignedQuery<ProductDocument>(`/v1/products/${encodeURIComponent(id)}`);
  return <>{doc.data?.created?.name ?? ""}</>;
}

/**
 * The operator's products under one of its grants: the list with each one's status and price,
 * registering a product and repricing one. Each form is checked with the rulebook's schema
 * before it is signed; the chain's refusal is shown with the field it concerns.
 */
export default function ProductsPage() {
  const { t } = useTranslation("operator");
  const { grantId, picker } = useChosenGrant();
  const audit = useGrantAudit(grantId);
  const register = useSubmit("product.register", "/v1/products");
  const reprice = useSubmit("product.reprice");
  const [form] = Form.useForm();
  const [priceForm] = Form.useForm();
  const [checkFailed, setCheckFailed] = useState(false);
  const [repricing, setRepricing] = useState<ProductRow | undefined>();
  /** The label of the field a refusal concerns, if the desk knows it. */
  const fieldOf = (err: ApiError): string | undefined => {
    const path = refusedField(err, REFUSED_FIELD);
    return path && t(LABEL[path.join(".")] ?? path.join("."));
  };
  const scope = audit.data?.grant.scope ?? [];

  const markRefused = (f: typeof form, err: ApiError) => {
    const path = refusedField(err, REFUSED_FIELD);
    if (path) f.setFields([{ name: path as (string | number)[], errors: [err.detail ?? err.message] }]);
  };

  const onRegister = (values: Record<string, unknown>) => {
    register.reset();
    const checked = checkBody(Product, { ...values, grantId });
    setCheckFailed(!checked.ok);
    if (!checked.ok) return form.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    register.mutate(checked.body, { onError: (err) => markRefused(form, err) });
  };

  const onReprice = (values: Record<string, unknown>) => {
    if (!repricing) return;
    reprice.reset();
    const checked = checkBody(ProductRepricing, { productId: repricing.id, ...values });
    if (!checked.ok) return priceForm.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    reprice.mutate(checked.body, {
      onError: (err) => markRefused(priceForm, err),
      onSuccess: () => setRepricing(undefined),
    });
  };

  return (
    <div className="operator-desk">
      <Typography.Title level={2}>{t("products.title")}</Typography.Title>
      <Typography.Paragraph>{t("products.intro")}</Typography.Paragraph>
      {picker}
      {audit.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${audit.error.message}`} />}
      <Table<ProductRow>
        className="operator-products"
        rowKey="id"
        loading={audit.isLoading}
        dataSource={[...(audit.data?.products ?? [])]}
        locale={{ emptyText: t("products.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("product.id"), dataIndex: "id" },
          { title: t("product.name"), key: "name", render: (_, p) => <ProductName id={p.id} /> },
          {
            title: t("status"),
            key: "status",
            render: (_, p) => (p.view ? <Tag>{t(`status:product.${p.view.status}`)}</Tag> : null),
          },
          {
            title: t("product.price"),
            key: "price",
            render: (_, p) =>
              p.view
                ? `${yuan(p.view.priceFen)} · ${t(`unit.${p.view.chargeUnit}`)} · ${t(`model.${p.view.model}`)}`
                : null,
          },
          {
            title: t("product.reportLink"),
            key: "report",
            render: (_, p) => (
              <Link to={`/exchange/report/${encodeURIComponent(p.id)}`}>{t("product.reportLink")}</Link>
            ),
          },
          {
            title: t("products.reprice"),
            key: "reprice",
            render: (_, p) => (
              <Button
                size="small"
                aria-label={`${t("products.reprice")} ${p.id}`}
                onClick={() => {
                  reprice.reset();
                  priceForm.setFieldsValue({
                    pricing: { model: p.view?.model, chargeUnit: p.view?.chargeUnit, priceFen: p.view?.priceFen },
                  });
                  setRepricing(p);
                }}
              >
                {t("products.reprice")}
              </Button>
            ),
          },
        ]}
      />
      {reprice.isSuccess && !repricing && (
        <Alert
          type="success"
          showIcon
          title={t("products.repriced", { id: reprice.variables?.productId })}
          style={{ marginTop: 16 }}
        />
      )}

      <Card title={t("products.register")} style={{ marginTop: 24 }}>
        {checkFailed && <Alert type="warning" showIcon title={t("checkFailed")} style={{ marginBottom: 16 }} />}
        {register.error && (
          <Refusal className="operator-refusal" error={register.error} field={fieldOf(register.error)} />
        )}
        {register.isSuccess && (
          <Alert
            type="success"
            showIcon
            title={t("products.registered", { id: register.variables?.id })}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form
          form={form}
          layout="vertical"
          name="register"
          className="product-register"
          initialValues={{ personalInfo: false, tradeSecret: false, pricing: { model: "industry" } }}
          onFinish={onRegister}
          style={{ maxWidth: 640 }}
        >
          <Form.Item name="id" label={t("product.id")}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t("product.name")}>
            <Input />
          </Form.Item>
          <Form.Item name="domain" label={t("product.domain")}>
            <Select options={Domain.options.map((d) => ({ value: d, label: t(`domain.${d}`) }))} />
          </Form.Item>
          <Form.Item name="scenario" label={t("product.scenario")}>
            <AutoComplete options={(audit.data?.grant.scenarios ?? []).map((s) => ({ value: s }))} />
          </Form.Item>
          <Form.Item name="serviceForm" label={t("product.serviceForm")}>
            <Select options={ServiceForm.options.map((f) => ({ value: f, label: t(`form.${f}`) }))} />
          </Form.Item>
          <Form.Item name="sources" label={t("product.sources")}>
            <Select mode="multiple" options={scope.map((s) => ({ value: s.resourceId, label: s.resourceId }))} />
          </Form.Item>
          <PricingFields />
          <Form.Item name="personalInfo" label={t("product.personalInfo")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="tradeSecret" label={t("product.tradeSecret")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending} disabled={!grantId}>
            {t("submit")}
          </Button>
        </Form>
      </Card>

      <Modal
        open={repricing !== undefined}
        title={t("products.repriceTitle", { id: repricing?.id })}
        okText={t("submit")}
        cancelText={t("common:cancel")}
        confirmLoading={reprice.isPending}
        onCancel={() => setRepricing(undefined)}
        onOk={() => priceForm.submit()}
      >
        {reprice.error && <Refusal className="operator-refusal" error={reprice.error} field={fieldOf(reprice.error)} />}
        <Form form={priceForm} name="reprice" layout="vertical" onFinish={onReprice}>
          <PricingFields />
        </Form>
      </Modal>
    </div>
  );
}
