import { Alert, Button, Layout as AntLayout, Menu, Segmented, Space, Typography } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { currentLanguage, setLanguage, type Language } from "../i18n/i18n.ts";
import { useSession } from "../session/session.tsx";
import { ROUTES } from "./routes.ts";
import { visibleTo } from "./access.ts";

/** The frame around every page: title, menu of the pages the caller's role may open, language, session. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session, endedByIdle, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();

  const groups = new Map<string, { key: string; label: ReactNode }[]>();
  for (const r of ROUTES) {
    if (!r.menu || !visibleTo(r, session?.role)) continue;
    const items = groups.get(r.menu) ?? [];
    items.push({ key: r.path, label: <Link to={r.path}>{t(r.title)}</Link> });
    groups.set(r.menu, items);
  }
  const items = [...groups].map(([group, children]) => ({
    key: group,
    type: "group" as const,
    label: t(group),
    children,
  }));

  return (
    <AntLayout style={{ minHeight: "100vh" }}>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <AntLayout.Header className="console-header">
        <Typography.Title level={1} className="console-title">
          <Link to="/">{t("product")}</Link>
        </Typography.Title>
        <Space>
          {/* Two languages: both on screen at once, one click away (a drop-down would hide one). */}
          <Segmented<Language>
            aria-label={t("language")}
            value={currentLanguage()}
            onChange={(l) => setLanguage(l)}
            options={[
              { value: "zh", label: <span lang="zh-CN">中文</span> },
              { value: "en", label: <span lang="en">English</span> },
            ]}
          />
          {session ? (
            <>
              <span className="console-user">
                {t("signedInAs", { name: session.name, role: t(`role.${session.role}`) })}
              </span>
              <Button
                onClick={() => {
                  signOut();
                  void navigate("/");
                }}
              >
                {t("signOut")}
              </Button>
            </>
          ) : (
            <Button type="primary" onClick={() => void navigate("/sign-in")}>
              {t("signIn")}
            </Button>
          )}
        </Space>
      </AntLayout.Header>
      <AntLayout>
        <AntLayout.Sider width={220} theme="light" className="console-sider">
          <nav aria-label={t("product")}>
            <Menu mode="inline" selectedKeys={[location.pathname]} items={items} />
          </nav>
        </AntLayout.Sider>
        <AntLayout.Content id="main" className="console-main" tabIndex={-1}>
          {endedByIdle && !session && (
            <Alert type="info" showIcon title={t("idleSignedOut")} style={{ marginBottom: 16 }} />
          )}
          {children}
        </AntLayout.Content>
      </AntLayout>
    </AntLayout>
  );
}
