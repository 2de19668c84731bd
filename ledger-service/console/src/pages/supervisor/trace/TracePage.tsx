import { InboxOutlined } from "@ant-design/icons";
import { Alert, Button, DatePicker, Form, Input, Select, Typography, Upload } from "antd";
import type { UploadFile } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSignedRequest } from "../../../api/hooks.ts";
import { CaseReport } from "./CaseReport.tsx";
import type { TraceReport, TraceRequest } from "../../../../../../core/trace-report.ts";
import { fitToBudget } from "./trace-model.ts";
import "./trace.css";
import { Refusal } from "../../../forms/Refusal.tsx";

interface TraceForm {
  readonly format: TraceRequest["format"];
  readonly productId?: string;
  readonly leakAt?: { unix(): number } | null;
}

/**
 * The supervisor traces a leaked file (POST /v1/trace, agency and supervisors): the file is read
 * in this browser and its records sent in one signed request; the answer is the case report, which
 * prints on A4. A refusal (too few records, an unknown product) shows the service's message and
 * what it names, in the language on screen.
 */
export default function TracePage() {
  const { t, i18n } = useTranslation("trace");
  const [file, setFile] = useState<File | undefined>();
  const [cut, setCut] = useState<{ lines: number; sent: number } | undefined>();
  const trace = useSignedRequest<TraceReport, TraceRequest>("POST", "/v1/trace");
  // A refusal comes in the language it was asked in: in another one the user asks again, not mixes the two.
  const [askedIn, setAskedIn] = useState<string | undefined>();

  const submit = async (v: TraceForm) => {
    if (!file) return;
    const fitted = fitToBudget(await file.text());
    setCut(fitted.sent < fitted.lines ? fitted : undefined);
    const productId = v.productId?.trim();
    setAskedIn(i18n.language);
    trace.mutate({
      records: fitted.text,
      format: v.format,
      ...(productId ? { productId } : {}),
      ...(v.leakAt ? { at: v.leakAt.unix() } : {}),
    });
  };
  const fileList: UploadFile[] = file ? [{ uid: "leak", name: file.name, status: "done" }] : [];

  return (
    <div className="leak-trace">
      <div className="trace-no-print">
        <Typography.Title level={2}>{t("title")}</Typography.Title>
        <Typography.Paragraph>{t("intro")}</Typography.Paragraph>
        <Form<TraceForm>
          layout="vertical"
          initialValues={{ format: "auto" }}
          onFinish={(v) => void submit(v)}
          style={{ maxWidth: 640 }}
        >
          <Form.Item
            name="file"
            label={t("file")}
            rules={[{ validator: () => (file ? Promise.resolve() : Promise.reject(new Error(t("fileRequired")))) }]}
          >
            <Upload.Dragger
              accept=".csv,.jsonl,.json,.ndjson,.txt"
              maxCount={1}
              fileList={fileList}
              beforeUpload={(f) => {
                setFile(f);
                trace.reset();
                return false;
              }}
              onRemove={() => setFile(undefined)}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t("drop")}</p>
            </Upload.Dragger>
          </Form.Item>
          <Form.Item name="format" label={t("format")}>
            <Select options={(["auto", "csv", "jsonl"] as const).map((f) => ({ value: f, label: t(`format.${f}`) }))} />
          </Form.Item>
          <Form.Item name="productId" label={t("productId")}>
            <Input />
          </Form.Item>
          <Form.Item name="leakAt" label={t("leakAt")} tooltip={t("leakAtHelp")}>
            <DatePicker />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={trace.isPending}>
              {t("submit")}
            </Button>
          </Form.Item>
        </Form>
        {trace.error && askedIn === i18n.language && (
          <Refusal className="trace-refusal" title="trace:refused" error={trace.error} />
        )}
        {cut && trace.data && <Alert type="info" showIcon title={t("cut", cut)} />}
      </div>
      {trace.data && <CaseReport report={trace.data} fileName={file?.name ?? ""} />}
    </div>
  );
}
