import type { Request } from "express";
import type { Language } from "../../../core/errors.ts";

/** English or Chinese, by the caller's Accept-Language (zh, zh-CN, zh-Hans … → Chinese). */
export function preferredLanguage(req: Request): Language {
  const chosen = req.acceptsLanguages("en", "zh", "zh-CN", "zh-Hans", "zh-TW");
  return typeof chosen === "string" && chosen.startsWith("zh") ? "zh" : "en";
}
