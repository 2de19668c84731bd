import { Alert, Button, Form, Input, Modal, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ProductDocument } from "../../../../../core/record-document.ts";
import { useSignedQuery, useSubmit } from "../../api/hooks.ts";
import { useSession } from "../../session/session.tsx";
import { Refusal } from "../../forms/Refusal.tsx";

interface Props {
  readonly productId: string;
  /** The reportHash of the report on screen: the listing names the report the officer read. */
  readonly reportHash: string;
  readonly verdict: "pass" | "fail";
}

/**
 * The exchange's decision on the report it reads: list a registered product whose report passes,
 * delist a listed one (with the reason the record keeps). Both are signed in the browser; the
 * chain decides, and its refusal is shown as the service words it.
 */
export function ListingActions({ productId, reportHash, verdict }: Props) {
  const { t } = useTranslation("exchange");
  const { session } = useSession();
  const product = useSignedQuery<ProductDocument>(
    session?.role === "exchange" ? `/v1/products/${encodeURIComponent(productId)}` : undefined,
  );
  const list = useSubmit("product.list", (b) => `/v1/products/${encodeURIComponent(b.productId)}/listing`);
  const delist = useSubmit("product.delist", (b) => `/v1/products/${encodeURIComponent(b.productId)}/delisting`);
  const [asking, setAsking] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  if (session?.role !== "exchange") return null;
  const status = product.data?.view?.status;
  const failed = list.error ?? delist.error;
  const done = list.isSuccess ? "listing.listed" : delist.isSuccess ? "listing.delisted" : undefined;
  return (
    <div className="report-no-print listing-actions">
      <Space wrap>
        {status === "registered" && verdict === "pass" && (
          <Button
            type="primary"
            loading={list.isPending}
            onClick={() => {
              delist.reset();
              list.mutate({ productId, reportHash });
            }}
          >
            {t("listing.list")}
          </Button>
        )}
        {status === "listed" && (
          <Button danger loading={delist.isPending} onClick={() => setAsking(true)}>
            {t("listing.delist")}
          </Button>
        )}
      </Space>
      <Refusal error={failed} />
      {done && !failed && <Alert type="success" showIcon title={t(done, { productId })} />}
      <Modal
        open={asking}
        title={t("listing.delistTitle", { productId })}
        okText={t("listing.delist")}
        okButtonProps={{ danger: true }}
        cancelText={t("common:cancel")}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => {
            setAsking(false);
            list.reset();
            delist.mutate({ productId, reason: v.reason.trim() });
          }}
        >
          <Form.Item
            name="reason"
            label={t("listing.reason")}
            rules={[{ required: true, whitespace: true, message: t("listing.reasonRequired") }, { max: 512 }]}
          >
            <Input.TextArea rows={3} maxLength={512} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
