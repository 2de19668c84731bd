import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { OPERATION_NAMES, OPERATIONS } from "../../core/operations.ts";

/**
 * docs/RULEBOOK.md's table of author roles ("Every operation starts with", step 6) says the same
 * as the operation table the chains enforce: every operation but the bootstrap once, with its roles.
 */
describe("the rulebook's author-role table", () => {
  it("lists every operation once, with the roles of core/operations.ts", async () => {
    const text = await readFile(new URL("../../docs/RULEBOOK.md", import.meta.url), "utf8");
    const table = text.slice(text.indexOf("| operation | author roles |"));
    const rows = table.split("\n").slice(2);
    const listed = new Map<string, string[]>();
    for (const row of rows) {
      if (!row.startsWith("|")) break;
      const [ops, roles] = row
        .split("|")
        .slice(1, 3)
        .map((cell) => cell.trim());
      for (const op of ops!.split(", ")) {
        expect(listed.has(op), `${op} listed once`).to.equal(false);
        listed.set(op, roles!.split(", ").sort());
      }
    }
    const expected = OPERATION_NAMES.filter((op) => op !== "actor.bootstrap").map((op) => [
      op,
      [...OPERATIONS[op].roles].sort(),
    ]);
    expect([...listed.entries()].sort()).to.deep.equal(expected.sort());
  });
});
