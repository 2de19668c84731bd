import { expect } from "chai";
import { parseSignedRecord } from "../../core/record.ts";
import { deliverBody, delivery } from "../../scripts/scenarios/fixtures.ts";
import { signAs } from "../../scripts/scenarios/world.ts";

describe("a delivery record recorded before the marked-cell count existed", () => {
  it("still parses as every chain read and reindex parses it, with no count", () => {
    const old = deliverBody("D1", { delivery: delivery({ markedCells: undefined }) });
    const signed = signAs("op", "lineage.hop", old, "before-marked-cells");
    const read = parseSignedRecord(JSON.parse(JSON.stringify(signed)));
    const body = read.record.body as { delivery?: Record<string, unknown> };
    expect(body.delivery).to.include({ crossBorder: false }).and.not.have.property("markedCells");
  });

  it("keeps refusing a count that is not a whole number from 0 up", () => {
    for (const markedCells of [-1, 1.5, "30"]) {
      const signed = signAs("op", "lineage.hop", deliverBody("D1", { delivery: delivery({ markedCells }) }), "bad");
      expect(() => parseSignedRecord(JSON.parse(JSON.stringify(signed))), String(markedCells)).to.throw(/markedCells/);
    }
  });
});
