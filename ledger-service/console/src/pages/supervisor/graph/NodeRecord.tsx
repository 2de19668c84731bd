import { Alert, Button, Descriptions, Spin, Typography } from "antd";
import type { PublicCheckpoint } from "../../../../../../core/public-checkpoint.ts";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { checkReceipt } from "../../../../../src/client/sdk/receipt-check.ts";
import { usePublicQuery, useSignedQuery } from "../../../api/hooks.ts";
import { ReceiptChecks } from "../../tools/ReceiptChecks.tsx";
import type { RecordHistory } from "../../../../../../core/record-document.ts";
import type { GraphNode, RecordRef } from "./lineage-model.ts";
import { HashText } from "../../../app/HashText.tsx";

/**
 * What a node of the graph stands for: the signed record that created it (from its history, as
 * the service keeps it) and that record's receipt, fetched now and verified in this browser
 * against the log key the service publishes (the receipt page checks against a key of one's own).
 */
export function NodeRecord({ node }: { node: GraphNode }) {
  const { t } = useTranslation("graph");
  return (
    <>
      {node.kind === "artifact" && (
        <Typography.Paragraph>
          {t("producedBy", { hop: node.record.id })}: <Typography.Text code>{node.detail}</Typography.Text>
        </Typography.Paragraph>
      )}
      <SignedRecord record={node.record} />
    </>
  );
}

/** A ledger record's first signed entry and its receipt, verified live (also what the grant audit opens). */
export function SignedRecord({ record: ref }: { record: RecordRef }) {
  const { t } = useTranslation("graph");
  const history = useSignedQuery<RecordHistory>(
    ref.id ? `/v1/records/${ref.kind}/${encodeURIComponent(ref.id)}/history` : undefined,
  );
  const first = history.data?.history[0];
  const recordHash = ref.recordHash ?? first?.recordHash;
  return (
    <>
      <Typography.Title level={3}>{t("record")}</Typography.Title>
      {history.isLoading && <Spin />}
      {history.error && (
        <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${history.error.message}`} />
      )}
      {history.data && !first && <Typography.Paragraph>{t("noRecord")}</Typography.Paragraph>}
      {first && (
        <Descriptions bordered column={1} size="small" className="node-record">
          <Descriptions.Item label={t("op")}>{first.op}</Descriptions.Item>
          <Descriptions.Item label={t("actor")}>{first.actor}</Descriptions.Item>
          <Descriptions.Item label={t("recordHash")}>
            <HashText>{first.recordHash}</HashText>
          </Descriptions.Item>
          <Descriptions.Item label={t("block")}>
            {first.blockNumber} · {t("tx")} <HashText>{first.txId}</HashText>
          </Descriptions.Item>
          <Descriptions.Item label={t("signature")}>
            <HashText>{first.signature}</HashText>
          </Descriptions.Item>
          <Descriptions.Item label={t("body")}>
            <pre className="graph-body" tabIndex={0} aria-label={t("body")}>
              {JSON.stringify(first.record.body, null, 2)}
            </pre>
          </Descriptions.Item>
          {history.data!.history.length > 1 && (
            <Descriptions.Item label="…">
              {t("laterChanges", { count: history.data!.history.length - 1 })}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {recordHash && <LiveReceipt recordHash={recordHash} />}
    </>
  );
}

function LiveReceipt({ recordHash }: { recordHash: string }) {
  const { t } = useTranslation("graph");
  const receipt = useSignedQuery<unknown>(`/v1/receipts/${recordHash}`);
  const log = usePublicQuery<PublicCheckpoint>("/v1/public/checkpoint");
  const result = useMemo(
    () => (receipt.data && log.data ? checkReceipt(JSON.stringify(receipt.data), log.data.vkey) : undefined),
    [receipt.data, log.data],
  );
  return (
    <section aria-label={t("receipt")}>
      <Typography.Title level={3}>{t("receipt")}</Typography.Title>
      <Typography.Paragraph>{t("receiptHow")}</Typography.Paragraph>
      {(receipt.isLoading || log.isLoading) && <Spin />}
      {receipt.error && (
        <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${receipt.error.message}`} />
      )}
      {result && <ReceiptChecks result={result} />}
      <Button style={{ marginTop: 12 }} onClick={() => void receipt.refetch()}>
        {t("verifyAgain")}
      </Button>
    </section>
  );
}
