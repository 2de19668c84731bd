import { expect } from "chai";
import { setBounded } from "../../core/bounded-map.ts";

describe("setBounded", function () {
  it("keeps at most `limit` entries, dropping the oldest first", function () {
    const m = new Map<number, string>();
    for (let i = 0; i < 10; i++) setBounded(m, i, `v${i}`, 4);
    expect([...m.keys()]).to.deep.equal([6, 7, 8, 9]);
  });

  it("treats setting a known key as its newest entry, evicting nothing for it", function () {
    const m = new Map<string, number>([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    setBounded(m, "a", 10, 3);
    expect([...m.entries()]).to.deep.equal([
      ["b", 2],
      ["c", 3],
      ["a", 10],
    ]);
    setBounded(m, "d", 4, 3);
    expect([...m.keys()]).to.deep.equal(["c", "a", "d"]);
  });
});
