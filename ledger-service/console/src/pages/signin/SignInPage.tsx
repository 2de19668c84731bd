import { Alert, Button, Card, Form, Input, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Actor } from "../../../../../core/records/actor.ts";
import type { RecordDocument } from "../../../../../core/record-document.ts";
import type { ActorView } from "../../../../../core/views.ts";
import { currentLanguage } from "../../i18n/i18n.ts";
import { useSession } from "../../session/session.tsx";

/** Opens the sealed key file in the browser, then asks the ledger who this organisation is. */
export default function SignInPage() {
  const { t } = useTranslation("signin");
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(values: { passphrase: string; orgId?: string }) {
    setError(undefined);
    if (!file) return setError(t("needFile"));
    setBusy(true);
    try {
      // Loaded on demand: the SM2/SM4 code is not part of the public pages.
      const { unsealKeyFile, WrongKeyFile, WrongPassphrase } = await import("../../session/unseal.ts");
      // Let the "unsealing" state paint before scrypt holds the thread.
      await new Promise((ok) => setTimeout(ok, 20));
      let unsealed;
      try {
        unsealed = unsealKeyFile(file.text, values.passphrase, values.orgId ?? "", currentLanguage());
      } catch (err) {
        if (err instanceof WrongPassphrase) return setError(t("wrongPassphrase"));
        if (err instanceof WrongKeyFile)
          return setError(err.message.includes("organisation") ? t("noOrg") : t("wrongFile"));
        throw err;
      }
      try {
        const doc = await unsealed.client.get<RecordDocument<ActorView, Actor>>(
          `/v1/actors/${encodeURIComponent(unsealed.orgId)}`,
        );
        const role = doc.view?.role ?? doc.created?.role;
        if (!role) throw new Error("no role");
        signIn({ orgId: unsealed.orgId, name: doc.created?.name ?? unsealed.orgId, role, client: unsealed.client });
        void navigate("/");
      } catch (err) {
        const e = err as { body?: { error?: { message?: string } }; message?: string };
        setError(t("notRegistered", { message: e.body?.error?.message ?? e.message ?? String(err) }));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card style={{ maxWidth: 560 }}>
      <Typography.Title level={2}>{t("title")}</Typography.Title>
      <Typography.Paragraph>{t("intro")}</Typography.Paragraph>
      <Form layout="vertical" onFinish={(v: { passphrase: string; orgId?: string }) => void submit(v)}>
        <Form.Item label={t("keyFile")} required>
          <Upload
            accept=".json,application/json"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              void f.text().then((text) => setFile({ name: f.name, text }));
              return false;
            }}
          >
            <Button>{t("chooseFile")}</Button>
          </Upload>
          {file && <Typography.Text style={{ marginLeft: 8 }}>{file.name}</Typography.Text>}
        </Form.Item>
        <Form.Item label={t("orgId")} name="orgId">
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item label={t("passphrase")} name="passphrase" rules={[{ required: true, message: t("passphrase") }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {busy ? t("working") : t("submit")}
        </Button>
      </Form>
    </Card>
  );
}
