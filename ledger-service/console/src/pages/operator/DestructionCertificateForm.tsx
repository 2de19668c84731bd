import { Alert, Button, Card, Form, Input, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { ASSET_CLASSES, DestructionCertificate } from "../../../../../core/records/destruction.ts";
import { useSubmit } from "../../api/hooks.ts";
import { checkBody, refusedField } from "../../forms/body-check.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { beijingSeconds } from "../../app/beijing-time.ts";

/**
 * A destruction certificate (销毁证明) for one asset class of the grant, by the operator or an
 * approved partner: the assets destroyed or returned (an empty list certifies that the holder
 * kept nothing of the class), how, when and before whom. Checked with the DestructionCertificate
 * schema before it is signed; the chain's refusal (e.g. the grant has not ended, or the class is
 * already certified) lands on the field it concerns.
 */
export function DestructionCertificateForm({ grantId }: { grantId: string }) {
  const { t } = useTranslation("operator");
  const certify = useSubmit("destruction.certify");
  const [form] = Form.useForm();
  const onCertify = (values: Record<string, unknown>) => {
    certify.reset();
    const body = {
      ...values,
      grantId,
      assets: (values.assets as unknown[] | undefined) ?? [],
      destroyedAt: beijingSeconds(values.destroyedAt),
    };
    const checked = checkBody(DestructionCertificate, body);
    if (!checked.ok) return form.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    certify.mutate(checked.body, {
      onSuccess: () => form.resetFields(),
      onError: (err) => {
        const field = refusedField(err, {
          id: ["id"],
          assetClass: ["assetClass"],
          method: ["method"],
          destroyedAt: ["destroyedAt"],
          witness: ["witness"],
        });
        if (field) form.setFields([{ name: [...field], errors: [err.detail ?? err.message] }]);
      },
    });
  };
  return (
    <Card title={t("certify.title")} style={{ marginTop: 24 }} className="destruction-certificate">
      <Typography.Paragraph>{t("certify.intro")}</Typography.Paragraph>
      {certify.error && <Refusal className="operator-refusal" error={certify.error} />}
      {certify.isSuccess && <Alert type="success" showIcon title={t("certify.done")} style={{ marginBottom: 16 }} />}
      <Form form={form} name="destruction-certificate" layout="vertical" onFinish={onCertify} style={{ maxWidth: 720 }}>
        <Form.Item name="id" label={t("certify.id")}>
          <Input />
        </Form.Item>
        <Form.Item name="assetClass" label={t("grantPage.assetClass")}>
          <Select options={ASSET_CLASSES.map((c) => ({ value: c, label: t(`certify.class.${c}`) }))} />
        </Form.Item>
        <Form.List name="assets">
          {(fields, { add, remove }) => (
            <fieldset className="certificate-assets">
              <legend>{t("certify.assets")}</legend>
              <Typography.Paragraph>{t("certify.assetsNote")}</Typography.Paragraph>
              {fields.map((f, i) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item name={[f.name, "hash"]} label={t("certify.assetHash", { n: i + 1 })}>
                    <Input className="hash-input" style={{ width: 360 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, "description"]} label={t("certify.assetDescription", { n: i + 1 })}>
                    <Input style={{ width: 240 }} />
                  </Form.Item>
                  <Button onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                    {t("certify.removeAsset", { n: i + 1 })}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ hash: "", description: "" })}>{t("certify.addAsset")}</Button>
            </fieldset>
          )}
        </Form.List>
        <Form.Item name="method" label={t("certify.method")}>
          <Input />
        </Form.Item>
        <Form.Item name="destroyedAt" label={t("certify.destroyedAt")}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item name="witness" label={t("certify.witness")}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={certify.isPending}>
          {t("certify.submit")}
        </Button>
      </Form>
    </Card>
  );
}
