import { Alert, Button, Card, Form, Input, Result, Select, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ComplaintContent } from "../../../../../core/complaint-envelope.ts";
import { ComplaintSubject } from "../../../../../core/records/complaint.ts";
import type { ComplaintView } from "../../../../../core/views.ts";
import { usePublicPost, usePublicQuery } from "../../api/hooks.ts";
import { ComplaintState } from "../oversight/ComplaintState.tsx";
import { schemaRule } from "../oversight/schema-rule.ts";
import "../oversight/texts.ts";
import { Refusal } from "../../forms/Refusal.tsx";

interface LodgeForm {
  kind: "product" | "operator";
  id: string;
  text: string;
  contact?: string;
}
interface Lodged {
  complaintId: string;
}

function Lookup({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation("oversight");
  const q = usePublicQuery<ComplaintView>(`/v1/public/complaints/${encodeURIComponent(complaintId)}`);
  if (q.error)
    return (
      <Alert
        type={q.error.status === 404 ? "info" : "error"}
        showIcon
        title={q.error.status === 404 ? t("status.notFound", { complaintId }) : q.error.message}
      />
    );
  return q.data ? <ComplaintState complaint={q.data} /> : null;
}

/**
 * 社会监督: lodging a complaint without an account (POST /v1/public/complaints, unsigned: the
 * service seals it for the supervisors at once) and following it by its id. The form checks the
 * fields with the rulebook's own schemas before anything is sent.
 */
export default function ComplaintPage() {
  const { t } = useTranslation("oversight");
  const navigate = useNavigate();
  const { complaintId } = useParams();
  const [form] = Form.useForm<LodgeForm>();
  const kind = Form.useWatch("kind", form) ?? "product";
  const lodge = usePublicPost<Lodged, unknown>("/v1/public/complaints");
  const [lodged, setLodged] = useState<string>();

  const submit = (v: LodgeForm) => {
    const contact = v.contact?.trim();
    lodge.mutate(
      { subject: { kind: v.kind, id: v.id.trim() }, text: v.text.trim(), ...(contact ? { contact } : {}) },
      { onSuccess: (r) => setLodged(r.complaintId) },
    );
  };

  return (
    <>
      <Typography.Title level={2}>{t("lodge.title")}</Typography.Title>
      <Typography.Paragraph>{t("lodge.intro")}</Typography.Paragraph>
      <Space direction="vertical" size="large" style={{ width: "100%" }}>
        <Card title={t("status.title")}>
          <Space direction="vertical" style={{ width: "100%" }}>
            <Input.Search
              aria-label={t("status.lookup")}
              placeholder={t("status.lookup")}
              enterButton={t("status.open")}
              defaultValue={complaintId}
              onSearch={(id) => id.trim() && void navigate(`/complaints/${encodeURIComponent(id.trim())}`)}
              style={{ maxWidth: 480 }}
            />
            {complaintId && <Lookup complaintId={complaintId} />}
          </Space>
        </Card>
        <Card title={t("lodge.submit")}>
          {lodged ? (
            <Result
              status="success"
              title={t("lodge.done")}
              extra={
                <Space direction="vertical">
                  <Typography.Paragraph>{t("lodge.doneHint", { complaintId: lodged })}</Typography.Paragraph>
                  <Typography.Text copyable className="lodged-id">
                    {lodged}
                  </Typography.Text>
                  <Link to={`/complaints/${encodeURIComponent(lodged)}`}>{t("lodge.follow")}</Link>
                </Space>
              }
            />
          ) : (
            <Form<LodgeForm>
              form={form}
              layout="vertical"
              initialValues={{ kind: "product" }}
              onFinish={submit}
              style={{ maxWidth: 720 }}
            >
              <Form.Item name="kind" label={t("lodge.subjectKind")}>
                <Select
                  options={[
                    { value: "product", label: t("lodge.kind.product") },
                    { value: "operator", label: t("lodge.kind.operator") },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="id"
                label={t("lodge.subjectId")}
                dependencies={["kind"]}
                rules={[
                  schemaRule(
                    (v) => ComplaintSubject.safeParse({ kind, id: String(v ?? "").trim() }).success,
                    () => t(`invalid.subjectId.${kind}`),
                  ),
                ]}
              >
                <Input placeholder={t("lodge.subjectIdHelp")} />
              </Form.Item>
              <Form.Item
                name="text"
                label={t("lodge.text")}
                rules={[
                  schemaRule(
                    (v) => ComplaintContent.shape.text.safeParse(String(v ?? "").trim()).success,
                    () => t("invalid.text"),
                  ),
                ]}
              >
                <Input.TextArea rows={6} maxLength={4000} />
              </Form.Item>
              <Form.Item
                name="contact"
                label={t("lodge.contact")}
                rules={[
                  schemaRule(
                    (v) =>
                      !String(v ?? "").trim() || ComplaintContent.shape.contact.safeParse(String(v).trim()).success,
                    () => t("invalid.contact"),
                  ),
                ]}
              >
                <Input maxLength={200} />
              </Form.Item>
              <Refusal className="lodge-refusal" title="oversight:lodge.refused" error={lodge.error} />
              <Button type="primary" htmlType="submit" loading={lodge.isPending}>
                {t("lodge.submit")}
              </Button>
            </Form>
          )}
        </Card>
      </Space>
    </>
  );
}
