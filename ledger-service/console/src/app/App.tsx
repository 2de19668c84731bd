import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Alert, ConfigProvider, Spin, Typography } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { HashRouter, Route, Routes } from "react-router";
import { i18next } from "../i18n/i18n.ts";
import { SessionProvider, useSession } from "../session/session.tsx";
import { visibleTo } from "./access.ts";
import { Layout } from "./Layout.tsx";
import { usePrefersReducedMotion } from "./reduced-motion.ts";
import type { ConsoleRoute } from "./route.ts";
import { ROUTES } from "./routes.ts";

const DeskApp = lazy(() => import("./DeskApp.tsx"));

const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

function Page({ route }: { route: ConsoleRoute }) {
  const { t } = useTranslation();
  const { session } = useSession();
  useEffect(() => {
    document.title = `${t(route.title)} · ${t("productShort")}`;
  });
  if (!visibleTo(route, session?.role)) return <Alert type="warning" showIcon title={t("forbidden")} />;
  const PageComponent = route.page;
  return route.roles === "public" ? (
    <PageComponent />
  ) : (
    <DeskApp>
      <PageComponent />
    </DeskApp>
  );
}

export function App() {
  const [language, setLanguage] = useState(i18next.language);
  useEffect(() => {
    const changed = (l: string) => setLanguage(l);
    i18next.on("languageChanged", changed);
    return () => i18next.off("languageChanged", changed);
  }, []);
  const reducedMotion = usePrefersReducedMotion();
  return (
    <ConfigProvider
      locale={language === "en" ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      // Links take the primary colour and errors a darker red: Ant Design's default link blue and
      // error red fall short of WCAG AA contrast on white. No motion for users who asked for less.
      theme={{
        token: { colorPrimary: "#0b5cad", colorLink: "#0b5cad", colorError: "#c41d25", motion: !reducedMotion },
      }}
    >
      <QueryClientProvider client={queries}>
        <SessionProvider>
          <HashRouter>
            <Layout>
              <Suspense fallback={<Spin aria-label={i18next.t("loading")} />}>
                <Routes>
                  {ROUTES.map((r) => (
                    <Route key={r.path} path={r.path} element={<Page route={r} />} />
                  ))}
                  <Route path="*" element={<Typography.Title level={2}>{i18next.t("notFound")}</Typography.Title>} />
                </Routes>
              </Suspense>
            </Layout>
          </HashRouter>
        </SessionProvider>
      </QueryClientProvider>
    </ConfigProvider>
  );
}
