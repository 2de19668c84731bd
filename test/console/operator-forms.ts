import type { Locator, Page } from "playwright-core";

/**
 * Picks `option` (by its whole label: "c" is not "Collect") in the Ant Design select labelled
 * `label` inside `scope` (a form or dialog), and waits until its list has closed (a multiple
 * select's list is closed with Escape), so that the next pick reads the next list.
 */
export async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  const list = page.locator(".ant-select-dropdown:visible");
  await list.locator(`.ant-select-item-option[title="${option}"]`).click();
  if ((await list.count()) > 0) await page.keyboard.press("Escape");
  await list.waitFor({ state: "hidden" });
}

/** The validation message Ant Design shows under the field labelled `label` inside `scope`. */
export function fieldError(scope: Locator, label: string): Locator {
  return scope
    .locator(".ant-form-item")
    .filter({ has: scope.page().getByText(label, { exact: true }) })
    .locator(".ant-form-item-explain-error");
}
