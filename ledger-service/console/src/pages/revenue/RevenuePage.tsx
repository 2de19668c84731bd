import { Alert, Button, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import type { RevenueYears } from "../../../../../core/record-document.ts";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type { OverdueAnswer } from "../../../../../core/overdue.ts";
import { Domain } from "../../../../../core/records/common.ts";
import { RevenueGuidance, RevenueMaximum, RevenueReport } from "../../../../../core/records/revenue.ts";
import type { RevenueView } from "../../../../../core/views.ts";
import { useSignedQuery } from "../../api/hooks.ts";
import { useSession } from "../../session/session.tsx";
import { yuan } from "../public/money.ts";
import { fenOf } from "../../../../../core/money.ts";
import { percentOf } from "./fen.ts";
import { RevenueForm } from "./RevenueForm.tsx";

/** Solid tags with white text that meet WCAG AA contrast (Ant Design's light presets do not). */
const BAND_COLOUR = { guidance: "#0b5cad", "cap-adjustment": "#a8071a" } as const;

const YEAR_FIELD = (label: string) => (
  <Form.Item name="year" label={label}>
    <InputNumber style={{ width: 160 }} />
  </Form.Item>
);

/**
 * Permitted revenue per operator and year (GET /v1/operators/:operator/revenue): the maximum and
 * its parts, the filed revenue, the deviation and its band, and the item the band opens with
 * what closes it (from GET /v1/overdue). The agency sets maximums and records guidance here; the
 * operator, signed in, sees its own years and files its revenue.
 */
export default function RevenuePage() {
  const { t } = useTranslation("revenue");
  const { session } = useSession();
  const navigate = useNavigate();
  const params = useParams();
  const operator = session?.role === "operator" ? session.orgId : (params.operator ?? "");
  const years = useSignedQuery<RevenueYears>(
    operator ? `/v1/operators/${encodeURIComponent(operator)}/revenue` : undefined,
  );
  const overdue = useSignedQuery<OverdueAnswer>(operator && session?.role !== "exchange" ? "/v1/overdue" : undefined);
  const capItem = (v: RevenueView) =>
    overdue.data?.items.find((i) => i.kind === "revenue-caps" && i.subject.id === `${v.operator}/${v.year}`);
  const openItem = (v: RevenueView): string => {
    if (v.band === "") return t("item.none");
    if (v.band === "guidance") return t(`item.guidance.${v.guidance || "open"}`);
    if (!overdue.data) return t("item.caps.unknown");
    const item = capItem(v);
    return item
      ? t("item.caps.open", { caps: (item.detail.pendingCaps as string[]).join("、") })
      : t("item.caps.closed");
  };
  const domainOptions = Domain.options.map((d) => ({ value: d, label: t(`domain.${d}`) }));
  const rows = (years.data?.years ?? []).flatMap((y) => (y.view ? [y.view] : []));

  return (
    <div className="revenue">
      <Typography.Title level={2}>{t("title")}</Typography.Title>
      <Typography.Paragraph>{t("intro")}</Typography.Paragraph>
      {session?.role === "operator" ? (
        <Typography.Title level={3}>{t("ownYears")}</Typography.Title>
      ) : (
        <Form
          layout="inline"
          name="revenue-operator"
          key={operator}
          initialValues={{ operator }}
          onFinish={(v: { operator?: string }) =>
            void navigate(`/revenue/${encodeURIComponent((v.operator ?? "").trim())}`)
          }
          style={{ marginBottom: 16 }}
        >
          <Form.Item name="operator" label={t("operator")} rules={[{ required: true, message: t("chooseOperator") }]}>
            <Input style={{ width: 320 }} />
          </Form.Item>
          <Button htmlType="submit">{t("show")}</Button>
        </Form>
      )}
      {years.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${years.error.message}`} />}
      <Table<RevenueView>
        className="revenue-years"
        rowKey="year"
        loading={years.isLoading}
        dataSource={rows}
        locale={{ emptyText: operator ? t("empty") : t("chooseOperator") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t("year"), dataIndex: "year" },
          {
            title: t("maximum"),
            key: "maximum",
            render: (_, v) => (
              <Space direction="vertical" size={0}>
                <span>{yuan(v.maximumFen)}</span>
                <span>
                  {t("parts", {
                    cost: yuan(v.operatingCostFen),
                    profit: yuan(v.permittedProfitFen),
                    tax: yuan(v.taxFen),
                  })}
                </span>
              </Space>
            ),
          },
          { title: t("domains"), key: "domains", render: (_, v) => v.domains.map((d) => t(`domain.${d}`)).join("、") },
          {
            title: t("actual"),
            key: "actual",
            render: (_, v) => (v.reportedAt ? yuan(v.actualRevenueFen) : t("notReported")),
          },
          {
            title: t("deviation"),
            key: "deviation",
            render: (_, v) => (v.band ? `${percentOf(v.deviationBp)} %` : ""),
          },
          {
            title: t("band"),
            key: "band",
            render: (_, v) => v.band && <Tag color={BAND_COLOUR[v.band]}>{t(`band.${v.band}`)}</Tag>,
          },
          { title: t("item"), key: "item", render: (_, v) => openItem(v) },
        ]}
      />
      {session?.role === "agency" && (
        <>
          <RevenueForm
            op="revenue.setMaximum"
            route="maximum"
            operator={operator}
            schema={RevenueMaximum}
            className="revenue-maximum"
            title={t("maximum.title")}
            labels={{
              year: t("year"),
              domains: t("domains"),
              operatingCostFen: t("maximum.cost"),
              permittedProfitFen: t("maximum.profit"),
              taxFen: t("maximum.tax"),
            }}
            toBody={(v) => ({
              year: v.year,
              domains: v.domains ?? [],
              operatingCostFen: fenOf(v.operatingCostFen),
              permittedProfitFen: fenOf(v.permittedProfitFen),
              taxFen: fenOf(v.taxFen),
            })}
          >
            {YEAR_FIELD(t("year"))}
            <Form.Item name="domains" label={t("domains")}>
              <Select mode="multiple" options={domainOptions} />
            </Form.Item>
            {(["operatingCostFen", "permittedProfitFen", "taxFen"] as const).map((name, i) => (
              <Form.Item key={name} name={name} label={t(["maximum.cost", "maximum.profit", "maximum.tax"][i]!)}>
                <InputNumber stringMode min="0" step="0.01" style={{ width: 240 }} />
              </Form.Item>
            ))}
          </RevenueForm>
          <RevenueForm
            op="revenue.guide"
            route="guidance"
            operator={operator}
            schema={RevenueGuidance}
            className="revenue-guide"
            title={t("guide.title")}
            labels={{ year: t("year"), guidance: t("guide.text") }}
            toBody={(v) => ({ year: v.year, guidance: v.guidance })}
          >
            {YEAR_FIELD(t("year"))}
            <Form.Item name="guidance" label={t("guide.text")}>
              <Input.TextArea rows={3} maxLength={1024} />
            </Form.Item>
          </RevenueForm>
        </>
      )}
      {session?.role === "operator" && (
        <RevenueForm
          op="revenue.report"
          route="report"
          operator={operator}
          schema={RevenueReport}
          className="revenue-report"
          title={t("report.title")}
          labels={{ year: t("year"), actualRevenueFen: t("report.actual") }}
          toBody={(v) => ({ year: v.year, actualRevenueFen: fenOf(v.actualRevenueFen) })}
        >
          {YEAR_FIELD(t("year"))}
          <Form.Item name="actualRevenueFen" label={t("report.actual")}>
            <InputNumber stringMode min="0" step="0.01" style={{ width: 240 }} />
          </Form.Item>
        </RevenueForm>
      )}
    </div>
  );
}
