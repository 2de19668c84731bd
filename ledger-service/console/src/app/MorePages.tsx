import { Button, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { PagedList } from "../api/hooks.ts";

/**
 * Under a paged list: how many items are loaded and a button for the next cursor page, so that
 * every item of a long list can be reached (the service answers a page at a time).
 */
export function MorePages({ list, className }: { list: PagedList<unknown>; className?: string }) {
  const { t } = useTranslation("common");
  if (!list.isSuccess) return null;
  return (
    <Space className={["more-pages", className].filter(Boolean).join(" ")} style={{ marginTop: 8 }}>
      <Typography.Text role="status">
        {t("pages.loaded", { count: list.items.length })}
        {list.hasMore ? "" : ` · ${t("pages.all")}`}
      </Typography.Text>
      {list.hasMore && (
        <Button onClick={list.loadMore} loading={list.loadingMore}>
          {t("pages.more")}
        </Button>
      )}
    </Space>
  );
}
