import { Alert } from "antd";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../api/hooks.ts";

/**
 * A refusal as the service words it (the rulebook's message and what it names, in the language
 * the request asked for), with the form field it concerns when the desk knows it.
 */
export function Refusal({ error, field }: { error: ApiError; field?: string }) {
  const { t } = useTranslation("operator");
  return (
    <Alert
      className="operator-refusal"
      type="error"
      showIcon
      title={t("refused", { message: error.message })}
      description={
        <>
          {error.detail && <div>{error.detail}</div>}
          {field && <div>{t("refusedField", { field })}</div>}
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
