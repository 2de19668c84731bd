import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** The page's document, as the predicate run in the browser reads it (the tests compile without the DOM lib). */
interface InPage {
  readonly document: { querySelector(selectors: string): unknown };
}

/**
 * axe-core's serious and critical findings on the page as rendered (WCAG 2.1 A/AA rules), or only
 * within `include` (a CSS selector): a dialog judged alone, since axe measures the contrast of the
 * page beneath it through the dialog's dimming mask.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  // Ant Design fades a field's help text in and a dialog out (the *-appear/-enter/-leave motion
  // classes): judged mid-fade, a colour is still partly transparent and axe reports a contrast it
  // will not have. A function, not a string: the console's CSP forbids eval, and Playwright
  // compiles a string predicate with it on every poll after the first.
  await page
    .waitForFunction(
      () =>
        (globalThis as unknown as InPage).document.querySelector(
          "[class*='-appear'], [class*='-enter-active'], [class*='-leave-active']",
        ) === null,
      null,
      { timeout: 5000 },
    )
    .catch(() => undefined);
  const builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  const result = await (include ? builder.include(include) : builder).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
