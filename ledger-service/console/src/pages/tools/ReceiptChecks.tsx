import { Alert, Table, Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { ReceiptCheck, ReceiptVerification } from "../../../../src/client/sdk/receipt-check.ts";
import "./texts.ts";
import "./tools.css";

/** The outcome of a receipt verified in this browser: the verdict and each check by name. */
export function ReceiptChecks({ result }: { result: ReceiptVerification }) {
  const { t } = useTranslation("tools");
  const state = result.state ? t(`receipt.state.${result.state}`) : "";
  return (
    <>
      <Alert
        type={result.ok ? "success" : "error"}
        showIcon
        title={
          result.ok
            ? t("receipt.verified", { state })
            : state
              ? t("receipt.notVerifiedState", { state })
              : t("receipt.notVerified")
        }
        className="receipt-verdict"
        style={{ marginBottom: 12 }}
      />
      <Table<ReceiptCheck>
        className="receipt-checks"
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={result.checks}
        columns={[
          { title: t("receipt.check"), key: "name", render: (_, c) => t(`check.${c.name}`, c.name) },
          {
            title: t("receipt.outcome"),
            key: "ok",
            render: (_, c) => (
              <Tag color={c.ok ? "success" : "error"}>{c.ok ? t("receipt.ok") : t("receipt.fail")}</Tag>
            ),
          },
          { title: t("receipt.detail"), dataIndex: "detail" },
        ]}
      />
    </>
  );
}
