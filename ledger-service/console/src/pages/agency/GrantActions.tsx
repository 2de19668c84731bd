import { Alert, App, Button, Space } from "antd";
import { useTranslation } from "react-i18next";
import type { GrantStatus } from "../../../../../core/records/grant.ts";
import { useSubmit } from "../../api/hooks.ts";
import { confirmWithReason } from "./confirm-reason.tsx";
import { Refusal } from "../../forms/Refusal.tsx";

type Action = "suspend" | "resume" | "revoke";
const ROUTE: Record<Action, string> = { suspend: "suspension", resume: "resumption", revoke: "revocation" };
/** Which actions the rulebook allows from a status (the chain refuses the others GRANT_STATUS_INVALID). */
const OFFERED: Record<GrantStatus, readonly Action[]> = {
  active: ["suspend", "revoke"],
  suspended: ["resume", "revoke"],
  revoked: [],
  exiting: [],
  closed: [],
};

/**
 * The agency's emergency stop and its reversal on one grant: suspend, resume or revoke, each
 * asked for its reason and confirmed before it is signed in the browser. The outcome (or the
 * chain's refusal) is shown below the buttons.
 */
export function GrantActions({ grantId, status }: { grantId: string; status: GrantStatus }) {
  const { t } = useTranslation("agency");
  const { modal } = App.useApp();
  const path = (a: Action) => (b: { grantId: string }) => `/v1/grants/${encodeURIComponent(b.grantId)}/${ROUTE[a]}`;
  const submit = {
    suspend: useSubmit("grant.suspend", path("suspend")),
    resume: useSubmit("grant.resume", path("resume")),
    revoke: useSubmit("grant.revoke", path("revoke")),
  };
  const ask = (action: Action) =>
    confirmWithReason(modal, {
      title: t(`action.${action}Title`, { grantId }),
      warning: t(`action.${action}Warning`),
      reasonLabel: t("action.reason"),
      okText: t(`action.${action}`),
      cancelText: t("common:cancel"),
      danger: action !== "resume",
      onConfirm: (reason) => {
        for (const m of Object.values(submit)) m.reset();
        submit[action].mutate({ grantId, reason });
      },
    });
  const done = (Object.keys(submit) as Action[]).find((a) => submit[a].isSuccess);
  const failed = Object.values(submit).find((m) => m.error)?.error;
  return (
    <Space orientation="vertical">
      <Space wrap>
        {OFFERED[status].map((a) => (
          <Button key={a} danger={a !== "resume"} loading={submit[a].isPending} onClick={() => ask(a)}>
            {t(`action.${a}`)}
          </Button>
        ))}
      </Space>
      <Refusal className="agency-refusal" error={failed} />
      {done && !failed && <Alert type="success" showIcon title={t(`action.${done}Done`, { grantId })} />}
    </Space>
  );
}
