import "./platform/buffer-global.ts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./i18n/i18n.ts";
import "./i18n/status-texts.ts";
import { App } from "./app/App.tsx";
import "./app/console.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
