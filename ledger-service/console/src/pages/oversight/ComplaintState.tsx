import { Descriptions, Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { ComplaintView } from "../../../../../core/views.ts";
import { HashText } from "../../app/HashText.tsx";
import { STATE_COLOUR } from "./colours.ts";
import { beijingTime } from "./time.ts";
import "./texts.ts";

/** The complaint's public state (GET /v1/public/complaints/:id): never its content. */
export function ComplaintState({ complaint }: { complaint: ComplaintView }) {
  const { t } = useTranslation("oversight");
  return (
    <Descriptions bordered size="small" column={1} className="complaint-state">
      <Descriptions.Item label={t("complaint.id")}>{complaint.id}</Descriptions.Item>
      <Descriptions.Item label={t("complaint.subject")}>
        {t(`lodge.kind.${complaint.subjectKind}`)} {complaint.subjectId}
      </Descriptions.Item>
      <Descriptions.Item label={t("complaint.status")}>
        <Tag color={complaint.status === "concluded" ? STATE_COLOUR.closed : STATE_COLOUR.open}>
          {t(`complaintStatus.${complaint.status}`)}
        </Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t("complaint.lodgedAt")}>{beijingTime(complaint.lodgedAt)}</Descriptions.Item>
      <Descriptions.Item label={t("complaint.deadline")}>{beijingTime(complaint.deadline)}</Descriptions.Item>
      {complaint.outcome ? (
        <Descriptions.Item label={t("complaint.outcome")}>{t(`outcome.${complaint.outcome}`)}</Descriptions.Item>
      ) : null}
      {complaint.concludedAt > 0 ? (
        <Descriptions.Item label={t("complaint.concludedAt")}>
          {beijingTime(complaint.concludedAt)}
          {complaint.late && <Tag color={STATE_COLOUR.overdue}>{t("complaint.late")}</Tag>}
        </Descriptions.Item>
      ) : null}
      <Descriptions.Item label={t("complaint.commitment")}>
        <HashText>{complaint.commitment}</HashText>
      </Descriptions.Item>
    </Descriptions>
  );
}
