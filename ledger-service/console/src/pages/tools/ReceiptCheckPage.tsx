import { Button, Form, Input, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { checkReceipt, type ReceiptVerification } from "../../../../src/client/sdk/receipt-check.ts";
import { ReceiptChecks } from "./ReceiptChecks.tsx";

interface Fields {
  receipt: string;
  logKey: string;
}

/**
 * Anyone checks a receipt here with a log key of their own choosing: the inclusion proof, the
 * checkpoint's SM2 signature and the anchor's fields are verified by the SDK's code in this
 * browser, and nothing is sent anywhere (a dropped file is read locally, never uploaded).
 */
export default function ReceiptCheckPage() {
  const { t } = useTranslation("tools");
  const [form] = Form.useForm<Fields>();
  const [result, setResult] = useState<ReceiptVerification | undefined>();
  return (
    <>
      <Typography.Title level={2}>{t("receipt.title")}</Typography.Title>
      <Typography.Paragraph>{t("receipt.intro")}</Typography.Paragraph>
      <Form<Fields>
        form={form}
        layout="vertical"
        onFinish={(v) => setResult(checkReceipt(v.receipt, v.logKey))}
        onValuesChange={() => setResult(undefined)}
      >
        <Form.Item name="receipt" label={t("receipt.receipt")} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={8} spellCheck={false} className="receipt-text" />
        </Form.Item>
        <Upload.Dragger
          accept=".json,application/json"
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => {
              form.setFieldValue("receipt", text);
              setResult(undefined);
            });
            return Upload.LIST_IGNORE;
          }}
          style={{ marginBottom: 16 }}
        >
          <p>{t("receipt.drop")}</p>
        </Upload.Dragger>
        <Form.Item
          name="logKey"
          label={t("receipt.key")}
          extra={t("receipt.keyHint")}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input spellCheck={false} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t("receipt.verify")}
          </Button>
        </Form.Item>
      </Form>
      {result && <ReceiptChecks result={result} />}
    </>
  );
}
