import { App, Button, Space, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { PartnerView } from "../../../../../core/views.ts";
import { toCstIso } from "../../../../../core/time.ts";
import { useSubmit } from "../../api/hooks.ts";
import { confirmWithReason } from "./confirm-reason.tsx";
import { Refusal } from "../../forms/Refusal.tsx";
import { PARTNER_STATUS_COLOUR } from "./status-colour.ts";

/**
 * The partner admissions the grantee proposed on a grant: the agency approves a proposed one
 * (it becomes a holder of the grant) or revokes one, with the reason the record keeps.
 */
export function GrantPartners({ partners }: { partners: readonly { id: string; view: PartnerView | null }[] }) {
  const { t } = useTranslation("agency");
  const { modal } = App.useApp();
  const approve = useSubmit("partner.approve", (b) => `/v1/partners/${encodeURIComponent(b.admissionId)}/approval`);
  const revoke = useSubmit("partner.revoke", (b) => `/v1/partners/${encodeURIComponent(b.admissionId)}/revocation`);
  const reset = () => {
    approve.reset();
    revoke.reset();
  };
  return (
    <>
      <Typography.Title level={3}>{t("partners.title")}</Typography.Title>
      <Table<{ id: string; view: PartnerView | null }>
        className="agency-partners"
        rowKey="id"
        dataSource={[...partners]}
        pagination={false}
        locale={{ emptyText: t("partners.empty") }}
        columns={[
          { title: t("partners.admission"), dataIndex: "id" },
          { title: t("partners.partner"), key: "partner", render: (_, p) => p.view?.partner },
          {
            title: t("partners.validUntil"),
            key: "validUntil",
            render: (_, p) => (p.view ? toCstIso(p.view.validUntil) : ""),
          },
          {
            title: t("grants.status"),
            key: "status",
            render: (_, p) =>
              p.view && <Tag color={PARTNER_STATUS_COLOUR[p.view.status]}>{t(`status:partner.${p.view.status}`)}</Tag>,
          },
          {
            title: t("grants.actions"),
            key: "actions",
            render: (_, p) => (
              <Space wrap>
                {p.view?.status === "proposed" && (
                  <Button
                    type="primary"
                    loading={approve.isPending && approve.variables?.admissionId === p.id}
                    onClick={() => {
                      reset();
                      approve.mutate({ admissionId: p.id });
                    }}
                  >
                    {t("partners.approve")}
                  </Button>
                )}
                {(p.view?.status === "proposed" || p.view?.status === "approved") && (
                  <Button
                    danger
                    onClick={() =>
                      confirmWithReason(modal, {
                        title: t("partners.revokeTitle", { admissionId: p.id }),
                        warning: t("partners.revokeWarning"),
                        reasonLabel: t("action.reason"),
                        okText: t("partners.revoke"),
                        cancelText: t("common:cancel"),
                        danger: true,
                        onConfirm: (reason) => {
                          reset();
                          revoke.mutate({ admissionId: p.id, reason });
                        },
                      })
                    }
                  >
                    {t("partners.revoke")}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Refusal className="agency-refusal" error={approve.error ?? revoke.error} />
    </>
  );
}
