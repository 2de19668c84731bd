import { App as AntApp } from "antd";
import type { ReactNode } from "react";

/**
 * Ant Design's App context (App.useApp: confirmation dialogs, messages, notifications) for the
 * signed-in desks only. Loaded with the first desk page, so that the public pages anyone opens
 * do not carry the dialog, message and notification code.
 */
export default function DeskApp({ children }: { children: ReactNode }) {
  return <AntApp>{children}</AntApp>;
}
