import { App, Button, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { EXIT_KINDS, type GrantStatus } from "../../../../../core/records/grant.ts";
import { useSubmit } from "../../api/hooks.ts";
import { confirmWithReason } from "./confirm-reason.tsx";
import { Refusal } from "../../forms/Refusal.tsx";

/**
 * Exit and closure of a grant: the agency starts an exit (voluntary after the operator's notice,
 * on expiry, or for a violation, which blacklists the grantee) and closes an exited or revoked
 * grant once every holder has certified destruction. Each is confirmed before it is signed.
 */
export function GrantExit({ grantId, status }: { grantId: string; status: GrantStatus }) {
  const { t } = useTranslation("agency");
  const { modal } = App.useApp();
  const exit = useSubmit("grant.exit", (b) => `/v1/grants/${encodeURIComponent(b.grantId)}/exit`);
  const close = useSubmit("grant.close", (b) => `/v1/grants/${encodeURIComponent(b.grantId)}/closure`);
  const canExit = status === "active" || status === "suspended";
  const canClose = status === "exiting" || status === "revoked";
  return (
    <>
      <Typography.Title level={3}>{t("exit.title")}</Typography.Title>
      <Typography.Paragraph>{t("exit.intro")}</Typography.Paragraph>
      <Space wrap>
        {canExit &&
          EXIT_KINDS.map((kind) => (
            <Button
              key={kind}
              danger
              loading={exit.isPending && exit.variables?.kind === kind}
              onClick={() =>
                confirmWithReason(modal, {
                  title: t("exit.confirmTitle", { grantId, kind: t(`exit.kind.${kind}`) }),
                  warning: t(`exit.warning.${kind}`),
                  reasonLabel: t("action.reason"),
                  okText: t(`exit.kind.${kind}`),
                  cancelText: t("common:cancel"),
                  danger: true,
                  onConfirm: (reason) => {
                    close.reset();
                    exit.mutate({ grantId, kind, reason });
                  },
                })
              }
            >
              {t(`exit.kind.${kind}`)}
            </Button>
          ))}
        {canClose && (
          <Button
            danger
            loading={close.isPending}
            onClick={() =>
              modal.confirm({
                title: t("exit.closeTitle", { grantId }),
                content: t("exit.closeWarning"),
                okText: t("exit.close"),
                okButtonProps: { danger: true },
                cancelText: t("common:cancel"),
                onOk: () => {
                  exit.reset();
                  close.mutate({ grantId });
                },
              })
            }
          >
            {t("exit.close")}
          </Button>
        )}
      </Space>
      <Refusal className="agency-refusal" error={exit.error ?? close.error} />
    </>
  );
}
