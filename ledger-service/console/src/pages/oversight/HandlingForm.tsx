import { Alert, Button, Form, Input, Select } from "antd";
import { useTranslation } from "react-i18next";
import { sm3Hex } from "../../../../../core/crypto/sm3.ts";
import { COMPLAINT_OUTCOMES, ComplaintHandling, ComplaintOutcome } from "../../../../../core/records/complaint.ts";
import { useSubmit } from "../../api/hooks.ts";
import { schemaRule } from "./schema-rule.ts";
import { Refusal } from "../../forms/Refusal.tsx";

interface HandlingFields {
  stage: "handling" | "concluded";
  outcome?: (typeof COMPLAINT_OUTCOMES)[number];
  note: string;
}

/**
 * A supervisor records that it took the case up or its outcome (complaint.handle, signed in the
 * browser). The handling note stays with the supervisor; the chain keeps its SM3.
 */
export function HandlingForm({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation("oversight");
  const [form] = Form.useForm<HandlingFields>();
  const stage = Form.useWatch("stage", form) ?? "handling";
  const handle = useSubmit("complaint.handle", (b) => `/v1/complaints/${encodeURIComponent(b.complaintId)}/handling`);
  const bodyOf = (v: HandlingFields) => ({
    complaintId,
    stage: v.stage,
    ...(v.stage === "concluded" ? { outcome: v.outcome } : {}),
    reportHash: sm3Hex(v.note.trim()),
  });
  return (
    <Form<HandlingFields>
      form={form}
      layout="vertical"
      initialValues={{ stage: "handling" }}
      style={{ maxWidth: 640 }}
      onFinish={(v) => {
        const body = ComplaintHandling.parse(bodyOf(v));
        handle.mutate(body as never, { onSuccess: () => form.resetFields() });
      }}
    >
      <Form.Item name="stage" label={t("handling.stage")}>
        <Select
          options={[
            { value: "handling", label: t("handling.stage.handling") },
            { value: "concluded", label: t("handling.stage.concluded") },
          ]}
        />
      </Form.Item>
      {stage === "concluded" && (
        <Form.Item
          name="outcome"
          label={t("complaint.outcome")}
          rules={[
            schemaRule(
              (v) => ComplaintOutcome.safeParse(v).success,
              () => t("invalid.outcome"),
            ),
          ]}
        >
          <Select options={COMPLAINT_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))} />
        </Form.Item>
      )}
      <Form.Item
        name="note"
        label={t("handling.note")}
        rules={[
          schemaRule(
            (v) => String(v ?? "").trim() !== "",
            () => t("invalid.note"),
          ),
        ]}
      >
        <Input.TextArea rows={4} />
      </Form.Item>
      <Refusal className="handling-refusal" error={handle.error} />
      {handle.isSuccess && !handle.error && (
        <Alert type="success" showIcon title={t("handling.recorded")} style={{ marginBottom: 16 }} />
      )}
      <Button type="primary" htmlType="submit" loading={handle.isPending}>
        {t("handling.submit")}
      </Button>
    </Form>
  );
}
