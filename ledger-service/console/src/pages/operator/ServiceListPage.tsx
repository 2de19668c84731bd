import { useQueries } from "@tanstack/react-query";
import type { RecordDocument } from "../../../../../core/record-document.ts";
import { Alert, Button, Card, Descriptions, Form, Input, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ServiceList, type ListedFee } from "../../../../../core/records/service-list.ts";
import type { ProductView, ServiceListView } from "../../../../../core/views.ts";
import { useSignedQuery, useSubmit, type ApiError } from "../../api/hooks.ts";
import { currentLanguage } from "../../i18n/i18n.ts";
import { useSession } from "../../session/session.tsx";
import { yuan } from "../public/money.ts";
import { checkBody, refusedField, type FieldPath } from "../../forms/body-check.ts";
import { cstDate, useOwnGrants, type GrantAudit } from "./grant-data.ts";
import { Refusal } from "../../forms/Refusal.tsx";

/** The field each refusal of serviceList.publish concerns. */
const REFUSED_FIELD: Record<string, FieldPath> = {
  SERVICE_LIST_FOREIGN_PRODUCT: ["entries"],
  SERVICE_LIST_FEE_MISMATCH: ["entries"],
  NOT_FOUND: ["entries"],
};

/** The fee a list entry must state: the product's registered pricing (public welfare is free). */
export function registeredFee(view: ProductView): ListedFee {
  return {
    charge: view.model === "public-welfare" ? "free" : "charged",
    chargeUnit: view.chargeUnit,
    priceFen: view.priceFen,
  };
}

interface EntryRow {
  readonly productId: string;
  readonly fee: ListedFee;
}

/**
 * The operator's product and service list (数据产品和服务清单, at least once a quarter): when
 * the next list is due, what was published, and publishing the next one from the operator's
 * registered products, each at its registered fee (the chain refuses any other), with the
 * service's content and response time the public needs.
 */
export default function ServiceListPage() {
  const { t } = useTranslation("operator");
  const { session } = useSession();
  const operator = session?.orgId;
  const grants = useOwnGrants();
  const own = (grants.data?.grants ?? []).filter((g) => g.view.grantee === operator);
  const audits = useQueries({
    queries: own.map((g) => ({
      queryKey: ["signed", operator, `/v1/grants/${g.id}/audit`, currentLanguage()],
      queryFn: () => session!.client.get<GrantAudit>(`/v1/grants/${encodeURIComponent(g.id)}/audit`),
      enabled: Boolean(session),
    })),
  });
  const duty = useSignedQuery<RecordDocument<ServiceListView>>(
    operator ? `/v1/operators/${operator}/service-lists` : undefined,
  );
  const publish = useSubmit("serviceList.publish", (b) => `/v1/operators/${b.operator}/service-lists`);
  const [form] = Form.useForm();
  const [listErrors, setListErrors] = useState<string[]>([]);

  const rows: EntryRow[] = audits
    .flatMap((a) => a.data?.products ?? [])
    .filter((p): p is { id: string; view: ProductView } & typeof p => p.view !== null)
    .map((p) => ({ productId: p.id, fee: registeredFee(p.view) }));

  const onPublish = (values: { entries?: Record<string, { content?: string; responseTime?: string }> }) => {
    publish.reset();
    setListErrors([]);
    const entries = rows.map((r) => ({ productId: r.productId, fee: r.fee, ...values.entries?.[r.productId] }));
    const checked = checkBody(ServiceList, { operator, entries });
    if (!checked.ok) {
      setListErrors(checked.fields.filter((f) => f.name.length <= 1).flatMap((f) => f.errors));
      // The form keys entries by product; the record lists them in order.
      return form.setFields(
        checked.fields
          .filter((f) => f.name.length > 2)
          .map((f) => ({
            name: ["entries", rows[f.name[1] as number]!.productId, ...f.name.slice(2)],
            errors: f.errors,
          })),
      );
    }
    publish.mutate(checked.body, {
      onError: (err) => setListErrors(refusedField(err, REFUSED_FIELD) ? [err.detail ?? err.message] : []),
    });
  };
  const fieldOf = (err: ApiError) => (refusedField(err, REFUSED_FIELD) ? t("list.entries") : undefined);

  const view = duty.data?.view;
  const now = Date.now() / 1000;
  return (
    <div className="operator-desk">
      <Typography.Title level={2}>{t("list.title")}</Typography.Title>
      <Typography.Paragraph>{t("list.intro")}</Typography.Paragraph>
      {duty.error && duty.error.status !== 404 && (
        <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${duty.error.message}`} />
      )}
      <Descriptions className="service-list-duty" bordered size="small" column={1} style={{ marginBottom: 24 }}>
        <Descriptions.Item label={t("list.nextDue")}>
          {view ? (
            <>
              {cstDate(view.nextListDue)}{" "}
              {now > view.nextListDue ? (
                <Typography.Text strong type="danger">
                  {t("list.overdue")}
                </Typography.Text>
              ) : (
                <Tag>{t("list.onTime")}</Tag>
              )}
            </>
          ) : (
            t("list.noDuty")
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("list.lastPublished")}>
          {view && view.publishedAt > 0 ? cstDate(view.publishedAt) : t("list.never")}
        </Descriptions.Item>
        <Descriptions.Item label={t("list.publications")}>
          {view ? t("list.counts", { n: view.publications, late: view.lateLists, entries: view.entryCount }) : "—"}
        </Descriptions.Item>
      </Descriptions>

      <Card title={t("list.publish")}>
        {publish.error && <Refusal className="operator-refusal" error={publish.error} field={fieldOf(publish.error)} />}
        {publish.isSuccess && (
          <Alert type="success" showIcon title={t("list.published")} style={{ marginBottom: 16 }} />
        )}
        <div role="alert" className="service-list-errors">
          {listErrors.map((e) => (
            <Typography.Paragraph key={e} type="danger">
              {e}
            </Typography.Paragraph>
          ))}
        </div>
        <Form form={form} name="service-list" className="service-list-form" onFinish={onPublish}>
          <Table<EntryRow>
            className="service-list-entries"
            rowKey="productId"
            pagination={false}
            loading={grants.isLoading || audits.some((a) => a.isLoading)}
            dataSource={rows}
            locale={{ emptyText: t("products.empty") }}
            columns={[
              { title: t("product.id"), dataIndex: "productId" },
              {
                title: t("list.fee"),
                key: "fee",
                render: (_, r) =>
                  r.fee.charge === "free"
                    ? t("list.free")
                    : `${yuan(r.fee.priceFen)} · ${t(`unit.${r.fee.chargeUnit}`)}`,
              },
              {
                title: t("list.content"),
                key: "content",
                render: (_, r) => (
                  <Form.Item name={["entries", r.productId, "content"]} style={{ margin: 0 }}>
                    <Input aria-label={`${t("list.content")} ${r.productId}`} />
                  </Form.Item>
                ),
              },
              {
                title: t("list.responseTime"),
                key: "responseTime",
                render: (_, r) => (
                  <Form.Item name={["entries", r.productId, "responseTime"]} style={{ margin: 0 }}>
                    <Input aria-label={`${t("list.responseTime")} ${r.productId}`} />
                  </Form.Item>
                ),
              },
            ]}
          />
          <Button
            type="primary"
            htmlType="submit"
            loading={publish.isPending}
            disabled={rows.length === 0}
            style={{ marginTop: 16 }}
          >
            {t("list.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
