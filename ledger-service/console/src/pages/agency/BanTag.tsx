import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { toCstIso } from "../../../../../core/time.ts";
import type { BanState } from "./directory.ts";
import { RED } from "./status-colour.ts";

/** An organisation's blacklist state: not listed, banned until a Beijing date, or a ban that ended. */
export function BanTag({ ban }: { ban: BanState | null }) {
  const { t } = useTranslation("agency");
  if (!ban) return <Tag>{t("orgs.notBanned")}</Tag>;
  const date = toCstIso(ban.bannedUntil).slice(0, 10);
  return ban.active ? (
    <Tag color={RED}>{t("orgs.bannedUntil", { date })}</Tag>
  ) : (
    <Tag>{t("orgs.banEnded", { date })}</Tag>
  );
}
