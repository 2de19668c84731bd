import { Alert, Button, Form, Input, Select, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { KeyFileSchema } from "../../../../../core/keyfile.ts";
import { Actor } from "../../../../../core/records/actor.ts";
import { ROLES } from "../../../../../core/records/common.ts";
import { type ApiError, useSubmit } from "../../api/hooks.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { bodyErrors } from "./uscc-check.ts";
import "./directory.css";

interface Values {
  orgId?: string;
  name?: string;
  role?: string;
  publicKey?: string;
}
const FORM_FIELDS = { orgId: "orgId", name: "name", role: "role", publicKey: "publicKey" } as const;
/** There is one agency, its own: actor.register refuses the role (ACTOR_ROLE_INVALID). */
const REGISTERED_ROLES = ROLES.filter((r) => r !== "agency");
/** The form field a refusal of the chain concerns, by its code (its message and detail say why). */
const REFUSAL_FIELD: Readonly<Record<string, keyof Values>> = { DUPLICATE_ID: "orgId", ACTOR_ROLE_INVALID: "role" };

/**
 * The agency registers an organisation (actor.register, as `pdl submit actor.register` does): its
 * name, unified social credit code, role and SM2 public key, pasted or read from the key file the
 * organisation made with `pdl keygen` (only its public half: the sealed private key is neither
 * opened nor sent). Checked with the rulebook's Actor schema (the code's GB 32100 check
 * character among it) before it is signed; the chain's refusal (a code already registered) is
 * shown as it words it.
 */
export function RegisterOrganisation() {
  const { t } = useTranslation("agency");
  const [form] = Form.useForm<Values>();
  const register = useSubmit("actor.register", "/v1/actors");
  const [keyFile, setKeyFile] = useState<{ name: string; ok: boolean }>();
  const readKeyFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      parsed = undefined;
    }
    const key = KeyFileSchema.safeParse(parsed);
    const ok = key.success && key.data.algorithm === "sm2";
    setKeyFile({ name: file.name, ok });
    if (!key.success || !ok) return;
    form.setFieldsValue({ publicKey: key.data.publicKey, ...(key.data.orgId ? { orgId: key.data.orgId } : {}) });
    await form.validateFields(["publicKey"]).catch(() => undefined);
  };
  const onRefused = (error: ApiError) => {
    const field = REFUSAL_FIELD[error.code];
    if (field) form.setFields([{ name: field, errors: [[error.message, error.detail].filter(Boolean).join(" ")] }]);
  };
  const onFinish = (v: Values) => {
    const body = {
      orgId: (v.orgId ?? "").trim(),
      name: (v.name ?? "").trim(),
      role: v.role,
      publicKey: (v.publicKey ?? "").trim(),
    };
    const errors = bodyErrors(Actor, body, FORM_FIELDS, "orgId", t);
    if (errors.length > 0) return form.setFields(errors);
    register.mutate(Actor.parse(body), { onError: onRefused });
  };
  return (
    <section className="agency-register-org" aria-labelledby="agency-register-org-title">
      <Typography.Title level={3} id="agency-register-org-title">
        {t("orgs.register")}
      </Typography.Title>
      <Typography.Paragraph>{t("orgs.registerIntro")}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        onFinish={onFinish}
        onValuesChange={() => register.reset()}
      >
        <Form.Item name="name" label={t("orgs.name")} rules={[{ required: true }]}>
          <Input maxLength={128} />
        </Form.Item>
        <Form.Item name="orgId" label={t("orgs.orgId")} rules={[{ required: true }]}>
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Form.Item name="role" label={t("orgs.role")} rules={[{ required: true }]}>
          <Select options={REGISTERED_ROLES.map((r) => ({ value: r, label: t(`common:role.${r}`) }))} />
        </Form.Item>
        <Form.Item
          name="publicKey"
          label={t("orgs.publicKey")}
          extra={t("orgs.publicKeyHelp")}
          rules={[{ required: true }]}
        >
          <Input.TextArea rows={3} spellCheck={false} />
        </Form.Item>
        <Form.Item label={t("orgs.keyFile")}>
          <Upload
            accept=".json,application/json"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              void readKeyFile(f);
              return false;
            }}
          >
            <Button>{t("orgs.chooseKeyFile")}</Button>
          </Upload>
          {keyFile && (
            <Typography.Text role="status" style={{ marginLeft: 8 }}>
              {t(keyFile.ok ? "orgs.keyFileRead" : "orgs.keyFileInvalid", { file: keyFile.name })}
            </Typography.Text>
          )}
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending}>
            {t("orgs.submit")}
          </Button>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={register.error} />
      {register.isSuccess && (
        <Alert
          type="success"
          showIcon
          title={t("orgs.done", {
            name: register.variables.name,
            orgId: register.variables.orgId,
            role: t(`common:role.${register.variables.role}`),
          })}
        />
      )}
    </section>
  );
}
