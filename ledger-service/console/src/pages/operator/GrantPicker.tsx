import { Alert, Form, Select } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useOwnGrants } from "./grant-data.ts";

/**
 * The grant a desk page works under: the caller's own grants (an operator's, or those a partner
 * was admitted to), the first chosen until the user picks another.
 */
export function useChosenGrant(): { grantId: string | undefined; picker: React.ReactNode } {
  const { t } = useTranslation("operator");
  const grants = useOwnGrants();
  const [picked, setPicked] = useState<string | undefined>();
  const list = grants.data?.grants ?? [];
  const grantId = picked ?? list[0]?.id;
  const picker = grants.error ? (
    <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${grants.error.message}`} />
  ) : grants.isSuccess && list.length === 0 ? (
    <Alert type="info" showIcon title={t("noGrant")} />
  ) : (
    <Form layout="inline" style={{ marginBottom: 16 }}>
      <Form.Item label={t("grant")} htmlFor="operator-grant">
        <Select
          id="operator-grant"
          loading={grants.isLoading}
          value={grantId}
          onChange={setPicked}
          style={{ minWidth: 260 }}
          options={list.map((g) => ({ value: g.id, label: `${g.id} · ${t(`status:grant.${g.view.status}`)}` }))}
        />
      </Form.Item>
    </Form>
  );
  return { grantId, picker };
}
