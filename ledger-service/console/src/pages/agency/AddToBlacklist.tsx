import { Alert, App, AutoComplete, Button, Form, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { BlacklistEntry } from "../../../../../core/records/governance.ts";
import { usePagedList, useSubmit } from "../../api/hooks.ts";
import { confirmWithReason } from "./confirm-reason.tsx";
import type { Organisation } from "./directory.ts";
import { Refusal } from "../../forms/Refusal.tsx";
import { bodyErrors } from "./uscc-check.ts";
import "./directory.css";

interface Values {
  orgId?: string;
  grantId?: string;
}

/**
 * The agency blacklists an organisation (blacklist.add): its code (the registered ones offered as
 * it is typed; one not registered yet may be banned too) and the grant concerned if any, checked
 * with the rulebook's schema, then the reason asked and confirmed before it is signed, as a
 * grant's suspension or revocation is.
 */
export function AddToBlacklist() {
  const { t } = useTranslation("agency");
  const { modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const add = useSubmit("blacklist.add", "/v1/blacklist");
  const orgs = usePagedList<Organisation>("/v1/actors", "actors");
  const onFinish = (v: Values) => {
    const orgId = (v.orgId ?? "").trim();
    const grantId = v.grantId?.trim() || undefined;
    // The reason is asked next: a placeholder stands for it while the rest is checked.
    const errors = bodyErrors(
      BlacklistEntry,
      { orgId, reason: "-", ...(grantId ? { grantId } : {}) },
      { orgId: "orgId", grantId: "grantId" } as const,
      "orgId",
      t,
    );
    if (errors.length > 0) return form.setFields(errors);
    confirmWithReason(modal, {
      title: t("blacklist.confirmTitle", { orgId }),
      warning: t("blacklist.confirmWarning"),
      reasonLabel: t("blacklist.reason"),
      okText: t("blacklist.add"),
      cancelText: t("common:cancel"),
      danger: true,
      onConfirm: (reason) => {
        add.reset();
        add.mutate(BlacklistEntry.parse({ orgId, reason, ...(grantId ? { grantId } : {}) }));
      },
    });
  };
  return (
    <section className="agency-blacklist-add" aria-labelledby="agency-blacklist-add-title">
      <Typography.Title level={3} id="agency-blacklist-add-title">
        {t("blacklist.add")}
      </Typography.Title>
      <Typography.Paragraph>{t("blacklist.addIntro")}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        onFinish={onFinish}
        onValuesChange={() => add.reset()}
      >
        <Form.Item name="orgId" label={t("blacklist.orgId")} rules={[{ required: true }]}>
          <AutoComplete
            options={orgs.items.map((o) => ({ value: o.orgId, label: `${o.name} · ${o.orgId}` }))}
            filterOption={(typed, option) =>
              String(option?.label ?? "")
                .toLowerCase()
                .includes(typed.toLowerCase())
            }
          />
        </Form.Item>
        <Form.Item name="grantId" label={t("blacklist.grantId")}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item>
          <Button danger htmlType="submit" loading={add.isPending}>
            {t("blacklist.add")}
          </Button>
        </Form.Item>
      </Form>
      <Refusal className="agency-refusal" error={add.error} />
      {add.isSuccess && <Alert type="success" showIcon title={t("blacklist.done", { orgId: add.variables.orgId })} />}
    </section>
  );
}
