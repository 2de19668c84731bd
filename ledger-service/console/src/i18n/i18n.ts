import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { COMMON_TEXTS } from "./common-texts.ts";

/**
 * zh-CN is the default language, English the other. Shared words live in common-texts.ts; each
 * page folder registers its own texts under its own namespace (registerTexts), so that pages
 * are added without touching a shared table.
 */
export type Language = "zh" | "en";
export const LANGUAGES: readonly Language[] = ["zh", "en"];
export type Texts = Record<string, string>;

void i18next.use(initReactI18next).init({
  lng: "zh",
  fallbackLng: "zh",
  defaultNS: "common",
  ns: ["common"],
  resources: { zh: { common: COMMON_TEXTS.zh }, en: { common: COMMON_TEXTS.en } },
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** Adds a page folder's texts; both languages must have the same keys (checked by the type). */
export function registerTexts<K extends string>(
  namespace: string,
  texts: { zh: Record<K, string>; en: Record<K, string> },
): void {
  i18next.addResourceBundle("zh", namespace, texts.zh, true, true);
  i18next.addResourceBundle("en", namespace, texts.en, true, true);
}

export function currentLanguage(): Language {
  return i18next.language === "en" ? "en" : "zh";
}

export function setLanguage(language: Language): void {
  void i18next.changeLanguage(language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
}

export { i18next };
