import { Button, Card, Form, Input, InputNumber, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { ScopeEntry } from "../../../../../core/records/common.ts";

interface Props {
  /** The grant's scope: the resources and fields a resource input may name. */
  readonly scope: readonly ScopeEntry[];
  /** Earlier hops of the grant, whose outputs an artifact input may name. */
  readonly hopIds: readonly string[];
  /** What is wrong with the list as a whole (none named, one named twice, refused by the chain). */
  readonly listErrors: readonly string[];
}

/**
 * A hop's inputs as the record holds them (inputs[i].kind, .resourceId, .version, .fields,
 * .hash, or .hopId and .hash): registered resources by version and the fields used, or the
 * artifacts of earlier hops, each by its SM3 hash.
 */
export function InputFields({ scope, hopIds, listErrors }: Props) {
  const { t } = useTranslation("operator");
  return (
    <Form.List name="inputs">
      {(items, { add, remove }) => (
        <div className="hop-inputs" role="group" aria-labelledby="hop-inputs-title">
          <Typography.Title level={3} id="hop-inputs-title" style={{ fontSize: 16 }}>
            {t("hop.inputs")}
          </Typography.Title>
          {items.map((item, i) => (
            <Card key={item.key} size="small" title={t("hop.input", { n: i + 1 })} style={{ marginBottom: 12 }}>
              <Form.Item name={[item.name, "kind"]} label={t("hop.inputKind")}>
                <Select
                  options={[
                    { value: "resource", label: t("hop.kind.resource") },
                    { value: "artifact", label: t("hop.kind.artifact") },
                  ]}
                />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {(form) => {
                  const kind = form.getFieldValue(["inputs", item.name, "kind"]) as string | undefined;
                  const resourceId = form.getFieldValue(["inputs", item.name, "resourceId"]) as string | undefined;
                  const fields = scope.find((s) => s.resourceId === resourceId)?.fields ?? [];
                  return kind === "artifact" ? (
                    <Form.Item name={[item.name, "hopId"]} label={t("hop.hopId")}>
                      <Select options={hopIds.map((id) => ({ value: id, label: id }))} />
                    </Form.Item>
                  ) : (
                    <>
                      <Form.Item name={[item.name, "resourceId"]} label={t("hop.resource")}>
                        <Select options={scope.map((s) => ({ value: s.resourceId, label: s.resourceId }))} />
                      </Form.Item>
                      <Form.Item name={[item.name, "version"]} label={t("hop.version")}>
                        <InputNumber min={1} precision={0} />
                      </Form.Item>
                      <Form.Item name={[item.name, "fields"]} label={t("hop.fields")}>
                        <Select mode="multiple" options={fields.map((f) => ({ value: f, label: f }))} />
                      </Form.Item>
                    </>
                  );
                }}
              </Form.Item>
              <Form.Item name={[item.name, "hash"]} label={t("hop.inputHash")}>
                <Input className="hash-input" />
              </Form.Item>
              <Button onClick={() => remove(item.name)}>{t("hop.removeInput", { n: i + 1 })}</Button>
            </Card>
          ))}
          <Space direction="vertical">
            <div role="alert" className="hop-inputs-errors">
              {listErrors.map((e) => (
                <Typography.Text key={e} type="danger">
                  {e}
                </Typography.Text>
              ))}
            </div>
            <Button onClick={() => add({ kind: "resource", version: 1 })}>{t("hop.addInput")}</Button>
          </Space>
        </div>
      )}
    </Form.List>
  );
}
