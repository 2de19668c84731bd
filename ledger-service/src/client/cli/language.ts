import type { Language } from "../../../../core/errors.ts";

/** One of pdl's own messages, in both languages it speaks. */
export interface Words {
  readonly en: string;
  readonly zh: string;
}

/**
 * The language of the locale, as POSIX ranks its variables (LC_ALL, then LC_MESSAGES, then
 * LANG): Chinese for any zh locale (zh_CN.UTF-8, zh_TW, zh), English otherwise.
 */
export function localeLanguage(env: NodeJS.ProcessEnv): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^zh([_.@-]|$)/i.test(locale) ? "zh" : "en";
}

/**
 * The language pdl speaks in this run: --lang, else PDL_LANG, else the locale. Read from the
 * command line itself, because a usage error is reported before commander has parsed --lang.
 */
export function cliLanguage(argv: readonly string[], env: NodeJS.ProcessEnv): Language {
  for (const [i, arg] of argv.entries()) {
    const value = arg === "--lang" ? argv[i + 1] : arg.startsWith("--lang=") ? arg.slice("--lang=".length) : undefined;
    if (value === "en" || value === "zh") return value;
  }
  if (env.PDL_LANG === "en" || env.PDL_LANG === "zh") return env.PDL_LANG;
  return localeLanguage(env);
}

// Commander's usage errors (commander/lib/command.js), each with its Chinese wording; the
// names of options, arguments and commands stay as typed.
// prettier-ignore
const USAGE_ZH: readonly [RegExp, (...parts: string[]) => string][] = [
  [/^error: missing required argument '(.+)'$/, (name) => `错误：缺少必需的参数 '${name}'`],
  [/^error: option '(.+)' argument missing$/, (flags) => `错误：选项 '${flags}' 缺少取值`],
  [/^error: required option '(.+)' not specified$/, (flags) => `错误：未给出必需的选项 '${flags}'`],
  [/^error: unknown option '(.+?)'(?:\s*\(Did you mean (.+)\?\))?$/, (flag, hint) => `错误：未知选项 '${flag}'${hint ? `（是否想用 ${hint}？）` : ""}`],
  [/^error: unknown command '(.+?)'(?:\s*\(Did you mean (.+)\?\))?$/, (name, hint) => `错误：未知命令 '${name}'${hint ? `（是否想用 ${hint}？）` : ""}`],
  [/^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/, (command, expected, got) => `错误：${command ? `命令 '${command}' 的` : ""}参数过多，应为 ${expected} 个，实际 ${got} 个`],
  [/^error: option '(.+)' argument '(.+)' is invalid\. Allowed choices are (.+)\.$/, (flags, value, choices) => `错误：选项 '${flags}' 的取值 '${value}' 无效，可选值为 ${choices}`],
  [/^error: option '(.+)' value '(.+)' from env '(.+)' is invalid\. Allowed choices are (.+)\.$/, (flags, value, env, choices) => `错误：环境变量 ${env} 给选项 '${flags}' 的取值 '${value}' 无效，可选值为 ${choices}`],
  [/^error: (.+) cannot be used with (.+)$/, (a, b) => `错误：${a} 不能与 ${b} 同时使用`],
];

/** A usage error as commander wrote it, in `lang` (unchanged when it is not one pdl knows). */
export function usageError(text: string, lang: Language): string {
  if (lang === "en") return text;
  const line = text.replace(/\n$/, "");
  for (const [pattern, zh] of USAGE_ZH) {
    const m = pattern.exec(line);
    if (m) return zh(...m.slice(1).map((part) => part ?? "")) + (text.endsWith("\n") ? "\n" : "");
  }
  return text;
}
