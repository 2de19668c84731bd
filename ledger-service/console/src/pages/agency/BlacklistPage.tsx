import { Alert, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { toCstIso } from "../../../../../core/time.ts";
import { usePagedList } from "../../api/hooks.ts";
import { MorePages } from "../../app/MorePages.tsx";
import { AddToBlacklist } from "./AddToBlacklist.tsx";
import type { BlacklistEntry } from "./directory.ts";
import { RED } from "./status-colour.ts";

type State = "active" | "ended";

/**
 * The blacklist (GET /v1/blacklist, a cursor page at a time), filtered on the service by whether a
 * ban still holds: each organisation, the end of its ban, and every record that banned it with its
 * reason (the agency's listing, or its grant's exit for a violation); below, listing another.
 */
export default function BlacklistPage() {
  const { t } = useTranslation("agency");
  const [state, setState] = useState<State | "">("");
  const list = usePagedList<BlacklistEntry>(`/v1/blacklist${state ? `?state=${state}` : ""}`, "entries");
  return (
    <>
      <Typography.Title level={2}>{t("blacklist.title")}</Typography.Title>
      <Typography.Paragraph>{t("blacklist.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<State | "">
          aria-label={t("blacklist.state")}
          value={state}
          onChange={setState}
          style={{ minWidth: 160 }}
          options={[
            { value: "", label: t("common:all") },
            { value: "active", label: t("blacklist.state.active") },
            { value: "ended", label: t("blacklist.state.ended") },
          ]}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${list.error.message}`} />}
      <Table<BlacklistEntry>
        className="agency-blacklist"
        rowKey="orgId"
        loading={list.isLoading}
        dataSource={list.items}
        locale={{ emptyText: t("blacklist.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t("blacklist.organisation"),
            key: "org",
            render: (_, e) => (
              <>
                <div>{e.name ?? t("blacklist.unregistered")}</div>
                <div>{e.orgId}</div>
              </>
            ),
          },
          {
            title: t("blacklist.state"),
            key: "state",
            render: (_, e) => (
              <Tag color={e.active ? RED : "default"}>{t(`blacklist.state.${e.active ? "active" : "ended"}`)}</Tag>
            ),
          },
          {
            title: t("blacklist.until"),
            key: "until",
            render: (_, e) => toCstIso(e.bannedUntil).slice(0, 19).replace("T", " "),
          },
          {
            title: t("blacklist.records"),
            key: "bans",
            render: (_, e) =>
              e.bans.map((b) => (
                <div key={b.recordHash} className="agency-ban">
                  <div>
                    {toCstIso(b.at).slice(0, 10)} ·{" "}
                    {t(b.op === "grant.exit" ? "blacklist.by.exit" : "blacklist.by.add")}
                    {b.grantId ? ` · ${t("blacklist.grant", { grantId: b.grantId })}` : ""}
                  </div>
                  <div>{b.reason}</div>
                </div>
              )),
          },
        ]}
      />
      <MorePages list={list} />
      <AddToBlacklist />
    </>
  );
}
