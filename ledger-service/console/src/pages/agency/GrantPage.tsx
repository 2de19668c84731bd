import { Alert, Descriptions, Spin, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import type { GrantAudit } from "../../../../../core/grant-audit.ts";
import { toCstIso } from "../../../../../core/time.ts";
import { useSignedQuery } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { GrantActions } from "./GrantActions.tsx";
import { GrantEvaluations } from "./GrantEvaluations.tsx";
import { GrantExit } from "./GrantExit.tsx";
import { GrantPartners } from "./GrantPartners.tsx";
import { GRANT_STATUS_COLOUR } from "./status-colour.ts";

/**
 * One grant at the agency's desk: what was granted (operator, resources and fields, scenarios,
 * term), its status with suspend, resume and revoke, its partner admissions to approve, its
 * annual evaluations, and its exit and closure.
 */
export default function GrantPage() {
  const { t } = useTranslation("agency");
  const { grantId = "" } = useParams();
  const q = useSignedQuery<GrantAudit>(`/v1/grants/${encodeURIComponent(grantId)}/audit`);
  if (q.isLoading) return <Spin />;
  if (q.error) return <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />;
  const { grant, view, partners, evaluations } = q.data!;
  return (
    <>
      <Typography.Title level={2}>{t("grant.title", { grantId })}</Typography.Title>
      <Descriptions bordered column={1} size="small" className="agency-grant">
        <Descriptions.Item label={t("grants.grantee")}>{grant.grantee}</Descriptions.Item>
        <Descriptions.Item label={t("grants.status")}>
          {view && <Tag color={GRANT_STATUS_COLOUR[view.status]}>{t(`status:grant.${view.status}`)}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t("issue.validFrom")}>{toCstIso(grant.validFrom)}</Descriptions.Item>
        <Descriptions.Item label={t("issue.validUntil")}>{toCstIso(grant.validUntil)}</Descriptions.Item>
        <Descriptions.Item label={t("issue.scenarios")}>{grant.scenarios.join("、")}</Descriptions.Item>
        {grant.scope.map((s) => (
          <Descriptions.Item key={s.resourceId} label={t("issue.fieldsOf", { resourceId: s.resourceId })}>
            {s.fields.join("、")}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t("issue.agreementHash")}>
          <HashText>{grant.agreementHash}</HashText>
        </Descriptions.Item>
      </Descriptions>
      {view && (
        <div style={{ marginTop: 16 }}>
          <GrantActions grantId={grantId} status={view.status} />
        </div>
      )}
      <GrantPartners partners={partners} />
      <GrantEvaluations grantId={grantId} evaluations={evaluations} />
      {view && <GrantExit grantId={grantId} status={view.status} />}
    </>
  );
}
