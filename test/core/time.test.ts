import { expect } from "chai";
import {
  DAY,
  addCalendarMonths,
  addCalendarYears,
  blacklistEnd,
  civilFromDays,
  daysFromCivil,
  destructionDeadline,
  earliestVoluntaryExit,
  fromIso,
  maxGrantEnd,
  toCstIso,
} from "../../core/time.ts";

const t = fromIso;

describe("calendar arithmetic in China Standard Time", () => {
  it("round-trips civil dates and day counts over four centuries", () => {
    for (let days = -1000; days < 146_097 + 1000; days += 7) {
      const { y, m, d } = civilFromDays(days);
      expect(daysFromCivil(y, m, d)).to.equal(days);
    }
    expect(civilFromDays(0)).to.deep.equal({ y: 1970, m: 1, d: 1 });
    expect(daysFromCivil(2000, 3, 1)).to.equal(11_017);
  });

  it("agrees with the JavaScript Date for random times and month offsets", () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const ts = next() * 2; // up to 2038+
      const months = next() % 120;
      const local = new Date((ts + 8 * 3600) * 1000);
      const target = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, 1));
      const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      const day = Math.min(local.getUTCDate(), lastDay);
      const expected =
        Date.UTC(
          target.getUTCFullYear(),
          target.getUTCMonth(),
          day,
          local.getUTCHours(),
          local.getUTCMinutes(),
          local.getUTCSeconds(),
        ) /
          1000 -
        8 * 3600;
      expect(addCalendarMonths(ts, months), `${ts} + ${months} months`).to.equal(expected);
    }
  });

  it("keeps the wall-clock time and clamps to the end of shorter months", () => {
    expect(toCstIso(addCalendarMonths(t("2026-03-31T09:30:00+08:00"), 1))).to.equal("2026-04-30T09:30:00+08:00");
    expect(toCstIso(addCalendarMonths(t("2026-11-30T00:00:00+08:00"), 3))).to.equal("2027-02-28T00:00:00+08:00");
    expect(toCstIso(addCalendarMonths(t("2027-11-30T00:00:00+08:00"), 3))).to.equal("2028-02-29T00:00:00+08:00");
  });

  it("moves a 29 February start to 28 February five years on", () => {
    expect(toCstIso(addCalendarYears(t("2028-02-29T12:00:00+08:00"), 5))).to.equal("2033-02-28T12:00:00+08:00");
  });

  it("uses the CST date, not the UTC date, at day boundaries", () => {
    // 2026-01-31T23:30+08:00 is still 31 January in CST (UTC: 15:30 on the 31st); a month later is 28 Feb.
    expect(toCstIso(addCalendarMonths(t("2026-01-31T23:30:00+08:00"), 1))).to.equal("2026-02-28T23:30:00+08:00");
    // 2026-03-01T07:00+08:00 is 28 Feb 23:00 UTC: CST arithmetic keeps it on the 1st.
    expect(toCstIso(addCalendarMonths(t("2026-03-01T07:00:00+08:00"), 1))).to.equal("2026-04-01T07:00:00+08:00");
  });

  it("defines the rulebook's periods", () => {
    const start = t("2026-01-01T00:00:00+08:00");
    expect(toCstIso(maxGrantEnd(start))).to.equal("2031-01-01T00:00:00+08:00");
    expect(toCstIso(blacklistEnd(start))).to.equal("2031-01-01T00:00:00+08:00");
    expect(toCstIso(earliestVoluntaryExit(start))).to.equal("2026-04-01T00:00:00+08:00");
    expect(destructionDeadline(start) - start).to.equal(30 * DAY);
  });

  it("rejects times and counts that are not whole non-negative numbers", () => {
    expect(() => addCalendarMonths(-1, 1)).to.throw(RangeError);
    expect(() => addCalendarMonths(1.5, 1)).to.throw(RangeError);
    expect(() => addCalendarMonths(0, -1)).to.throw(RangeError);
    expect(() => fromIso("2026-01-01T00:00:00")).to.throw(RangeError);
    expect(() => fromIso("2026-01-01T00:00:00.5Z")).to.throw(RangeError);
  });
});
