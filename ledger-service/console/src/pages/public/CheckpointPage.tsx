import { Alert, Descriptions, Spin, Typography } from "antd";
import type { PublicCheckpoint } from "../../../../../core/public-checkpoint.ts";
import { useTranslation } from "react-i18next";
import { usePublicQuery } from "../../api/hooks.ts";
import { HashText } from "../../app/HashText.tsx";

/** The log's latest signed checkpoint and how anyone can verify what the ledger says. */
export default function CheckpointPage() {
  const { t } = useTranslation("public");
  const q = usePublicQuery<PublicCheckpoint>("/v1/public/checkpoint");
  if (q.isLoading) return <Spin />;
  if (q.error) return <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />;
  const d = q.data!;
  return (
    <>
      <Typography.Title level={2}>{t("checkpoint.title")}</Typography.Title>
      <Typography.Paragraph>{t("checkpoint.intro")}</Typography.Paragraph>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label="origin">{d.origin}</Descriptions.Item>
        <Descriptions.Item label={t("checkpoint.key")}>
          <HashText copyable>{d.logPublicKey}</HashText>
        </Descriptions.Item>
        <Descriptions.Item label="vkey">
          <HashText copyable>{d.vkey}</HashText>
        </Descriptions.Item>
        {d.checkpoint ? (
          <>
            <Descriptions.Item label={t("checkpoint.size")}>{d.checkpoint.size}</Descriptions.Item>
            <Descriptions.Item label={t("checkpoint.root")}>
              <HashText>{d.checkpoint.rootHash}</HashText>
            </Descriptions.Item>
            <Descriptions.Item label={t("checkpoint.note")}>
              <pre className="checkpoint-note">{d.checkpoint.text}</pre>
            </Descriptions.Item>
          </>
        ) : (
          <Descriptions.Item label={t("checkpoint.size")}>{t("checkpoint.none")}</Descriptions.Item>
        )}
        <Descriptions.Item label={t("checkpoint.anchor")}>
          {d.anchor ? (
            <pre className="checkpoint-note">{JSON.stringify(d.anchor, null, 2)}</pre>
          ) : (
            t("checkpoint.noAnchor")
          )}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={3}>{t("checkpoint.howTitle")}</Typography.Title>
      <ol>
        <li>{t("checkpoint.how1")}</li>
        <li>{t("checkpoint.how2")}</li>
        <li>{t("checkpoint.how3")}</li>
        <li>{t("checkpoint.how4")}</li>
      </ol>
    </>
  );
}
