import { Alert, Card, Space, Timeline, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import type { OperationBody } from "../../../../../core/operations.ts";
import type { RecordDocument } from "../../../../../core/record-document.ts";
import type { ComplaintView } from "../../../../../core/views.ts";
import { useSignedQuery } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";
import { useSession } from "../../session/session.tsx";
import { ComplaintState } from "./ComplaintState.tsx";
import { HandlingForm } from "./HandlingForm.tsx";
import { SealedContent } from "./SealedContent.tsx";
import { beijingTime } from "./time.ts";
import "./texts.ts";

/** GET /v1/complaints/:complaintId: the complaint and its handling records. */
type ComplaintDocument = RecordDocument<ComplaintView, unknown, OperationBody<"complaint.handle">>;

/**
 * One complaint's case (GET /v1/complaints/:id): its state, the content opened by the signed-in
 * supervisor's key, every handling record with its hash, and the form to record the next.
 */
export default function ComplaintCasePage() {
  const { t } = useTranslation("oversight");
  const { complaintId = "" } = useParams();
  const { session } = useSession();
  const doc = useSignedQuery<ComplaintDocument>(`/v1/complaints/${encodeURIComponent(complaintId)}`);
  const view = doc.data?.view;
  return (
    <>
      <Typography.Title level={2}>{t("case.title", { complaintId })}</Typography.Title>
      {doc.error && <Alert type="error" showIcon title={doc.error.message} description={doc.error.detail} />}
      {view && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <ComplaintState complaint={view} />
          <SealedContent complaintId={complaintId} />
          <Card title={t("case.handling")}>
            {doc.data!.changes.length === 0 ? (
              <Typography.Paragraph>{t("case.noHandling")}</Typography.Paragraph>
            ) : (
              <Timeline
                className="handling-history"
                items={doc.data!.changes.map((c) => ({
                  key: c.recordHash,
                  children: (
                    <>
                      <Typography.Text strong>
                        {beijingTime(c.blockTime)} · {t(`handling.stage.${c.body.stage ?? "handling"}`)}
                        {c.body.outcome ? ` · ${t(`outcome.${c.body.outcome}`)}` : ""}
                      </Typography.Text>
                      <div>
                        {t("case.by")} {c.actor} · {t("case.noteHash")} <HashText>{c.body.reportHash}</HashText>
                      </div>
                    </>
                  ),
                }))}
              />
            )}
          </Card>
          {session?.role === "supervisor" && view.status !== "concluded" && (
            <Card title={t("handling.submit")}>
              <HandlingForm complaintId={complaintId} />
            </Card>
          )}
        </Space>
      )}
    </>
  );
}
