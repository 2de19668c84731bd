import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { ExitNotice } from "../../../../../core/records/grant.ts";
import { useSubmit } from "../../api/hooks.ts";
import { checkBody } from "../../forms/body-check.ts";
import { cstDate } from "./grant-data.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/**
 * The operator's exit notice (退出方案): the SM3 hash of its exit plan, filed at least three
 * months before a voluntary exit; once filed, the date it was filed. Checked with the ExitNotice
 * schema before it is signed.
 */
export function ExitNoticeForm({ grantId, filedAt }: { grantId: string; filedAt: number }) {
  const { t } = useTranslation("operator");
  const file = useSubmit("grant.exitNotice", (b) => `/v1/grants/${encodeURIComponent(b.grantId)}/exit-notice`);
  const [form] = Form.useForm();
  const onFile = (values: Record<string, unknown>) => {
    file.reset();
    const checked = checkBody(ExitNotice, { grantId, ...values });
    if (!checked.ok) return form.setFields(checked.fields.map((f) => ({ ...f, name: [...f.name] })));
    file.mutate(checked.body, {
      onError: (err) => form.setFields([{ name: ["planHash"], errors: [err.detail ?? err.message] }]),
    });
  };
  return (
    <Card title={t("exit.title")} style={{ marginTop: 24 }} className="exit-notice">
      {filedAt > 0 ? (
        <Typography.Paragraph>{t("exit.filed", { date: cstDate(filedAt) })}</Typography.Paragraph>
      ) : (
        <>
          <Typography.Paragraph>{t("exit.intro")}</Typography.Paragraph>
          {file.error && <Refusal className="operator-refusal" error={file.error} field={t("exit.planHash")} />}
          {file.isSuccess && <Alert type="success" showIcon title={t("exit.done")} style={{ marginBottom: 16 }} />}
          <Form form={form} name="exit-notice" layout="vertical" onFinish={onFile} style={{ maxWidth: 640 }}>
            <Form.Item name="planHash" label={t("exit.planHash")}>
              <Input className="hash-input" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={file.isPending}>
              {t("submit")}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
