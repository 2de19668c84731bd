import { Alert } from "antd";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/hooks.ts";

/**
 * A refusal as the chain or the service words it (the rulebook's message and what it names, in
 * the language the request asked for), with the form field it concerns when the page knows it.
 * `title` is the text key of the heading when a page words it otherwise than "refused" (a
 * complaint not accepted, an anchoring that failed); it receives the message.
 */
export function Refusal({
  error,
  field,
  title = "common:refused",
  className,
}: {
  error: ApiError | null | undefined;
  field?: string;
  title?: string;
  className?: string;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert
      className={className ? `refusal ${className}` : "refusal"}
      type="error"
      showIcon
      title={t(title, { message: error.message })}
      description={
        (error.detail || field) && (
          <>
            {error.detail && <div>{error.detail}</div>}
            {field && <div>{t("common:refusedField", { field })}</div>}
          </>
        )
      }
      style={{ marginBottom: 16 }}
    />
  );
}
