import { Alert } from "antd";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../api/hooks.ts";

/** The chain's or the service's refusal as it words it, in the language on screen, with what it names. */
export function Refusal({ error }: { error: ApiError | null | undefined }) {
  const { t } = useTranslation("agency");
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      className="agency-refusal"
      title={t("refused", { message: error.message })}
      description={error.detail}
    />
  );
}
