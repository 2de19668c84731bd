import type { Locator, Page } from "playwright-core";

/** Picks `option` in the Ant Design select labelled `label` inside `scope` (a form or dialog). */
export async function choose(page: Page, scope: Locator, label: string | RegExp, option: string): Promise<void> {
  await scope.getByLabel(label, { exact: typeof label === "string" }).click();
  await page
    .locator(".ant-select-dropdown:visible .ant-select-item-option")
    .filter({ hasText: option })
    .first()
    .click();
  await page.keyboard.press("Escape");
}

/** The validation message Ant Design shows under the field labelled `label` inside `scope`. */
export function fieldError(scope: Locator, label: string): Locator {
  return scope
    .locator(".ant-form-item")
    .filter({ has: scope.page().getByText(label, { exact: true }) })
    .locator(".ant-form-item-explain-error");
}
