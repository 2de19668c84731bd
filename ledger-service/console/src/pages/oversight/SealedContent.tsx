import { Alert, Button, Descriptions, Tag } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { openComplaint, type ComplaintContent, type SealedComplaint } from "../../../../../core/complaint-envelope.ts";
import { useSignedQuery } from "../../api/hooks.ts";
import { useSession } from "../../session/session.tsx";
import { STATE_COLOUR } from "./colours.ts";

/**
 * A complaint's content, opened in the browser with the signed-in supervisor's own key
 * (GET /v1/complaints/:id/sealed gives only the envelope: the service cannot open it). The
 * plaintext stays on this page and is never sent back.
 */
export function SealedContent({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation("oversight");
  const { session } = useSession();
  const [asked, setAsked] = useState(false);
  const sealed = useSignedQuery<SealedComplaint>(
    asked ? `/v1/complaints/${encodeURIComponent(complaintId)}/sealed` : undefined,
  );
  if (session?.role !== "supervisor") return null;
  if (!asked)
    return (
      <Button type="primary" onClick={() => setAsked(true)}>
        {t("sealed.open")}
      </Button>
    );
  if (sealed.error)
    return <Alert type="error" showIcon title={sealed.error.message} description={sealed.error.detail} />;
  if (!sealed.data) return null;
  let content: ComplaintContent;
  try {
    content = openComplaint(sealed.data.envelope, session.orgId, session.client.identity!.privateKey);
  } catch (err) {
    return <Alert type="error" showIcon title={t("sealed.cannotOpen")} description={(err as Error).message} />;
  }
  return (
    <Descriptions bordered size="small" column={1} className="sealed-content" title={t("sealed.title")}>
      <Descriptions.Item label={t("sealed.text")}>
        <span style={{ whiteSpace: "pre-wrap" }}>{content.text}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t("sealed.contact")}>{content.contact ?? t("sealed.noContact")}</Descriptions.Item>
      <Descriptions.Item label={t("sealed.commitment")}>
        {sealed.data.matchesChain ? (
          <Tag color={STATE_COLOUR.closed}>{t("sealed.matches")}</Tag>
        ) : (
          <Tag color={STATE_COLOUR.overdue}>{t("sealed.differs")}</Tag>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}
