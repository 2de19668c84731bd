import type { Locator, Page } from "playwright-core";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { h } from "../../scripts/scenarios/fixtures.ts";

/**
 * Picks `option` (by its whole label: "c" is not "Collect") in the Ant Design select labelled
 * `label` inside `scope` (a form or dialog), and waits until its list has closed (a multiple
 * select's list is closed with Escape), so that the next pick reads the next list.
 */
export async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  // This select's own list (others may still be closing): the one holding its listbox.
  const listbox = await input.getAttribute("aria-controls");
  const list = page.locator(".ant-select-dropdown").filter({ has: page.locator(`[id="${listbox}"]`) });
  await list.locator(`.ant-select-item-option[title="${option}"]`).click();
  if (await list.isVisible()) await page.keyboard.press("Escape");
  await list.waitFor({ state: "hidden" });
}

/** The validation message Ant Design shows under the field labelled `label` inside `scope`. */
export function fieldError(scope: Locator, label: string): Locator {
  return scope
    .locator(".ant-form-item")
    .filter({ has: scope.page().getByText(label, { exact: true }) })
    .locator(".ant-form-item-explain-error");
}

/** Fills the hop form for `productId`: one resource input from R1 with `fields`, or one artifact input. */
export async function fillHop(
  page: Page,
  id: string,
  productId: string,
  input: { resource: string[] } | { artifact: string },
  labels = { id: "环节编号", product: "数据产品", operation: "加工方式", out: "产出哈希（SM3）", count: "记录条数" },
) {
  const form = page.locator(".hop-record");
  await form.getByLabel(labels.id).fill(id);
  await choose(page, form, labels.product, productId);
  await choose(page, form, labels.operation, labels.id === "Hop ID" ? "Clean" : "清洗");
  const card = form.locator(".hop-inputs .ant-card").first();
  const english = labels.id === "Hop ID";
  if ("artifact" in input) {
    await choose(
      page,
      card,
      english ? "Input kind" : "输入类型",
      english ? "Output of an earlier hop" : "此前环节的产出",
    );
    await choose(page, card, english ? "Earlier hop" : "此前环节", input.artifact);
    await card.getByLabel(english ? "Input hash (SM3)" : "输入哈希（SM3）").fill(h(`${input.artifact}-out`));
  } else {
    await choose(page, card, english ? "Data resource" : "数据资源", "R1");
    for (const f of input.resource) await choose(page, card, english ? "Fields used" : "所用字段", f);
    await card.getByLabel(english ? "Input hash (SM3)" : "输入哈希（SM3）").fill(h("R1-v1"));
  }
  await form.getByLabel(labels.out).fill(sm3Hex(`${id} output`));
  await form.getByLabel(labels.count).fill("50");
}
