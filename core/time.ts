/**
 * Calendar arithmetic of the rulebook, in China Standard Time (UTC+8, no daylight saving
 * since 1991). Both chain variants implement exactly these functions (the Solidity twin is
 * contracts/lib/CivilTime.sol), so "5 years" and "3 months" mean the same thing everywhere:
 * the same wall-clock time on the same day of the month N years/months later, clamped to the
 * month's last day (31 March + 1 month = 30 April; 29 Feb 2028 + 5 years = 28 Feb 2033).
 * Days are fixed 86,400-second spans: "30 days" is 30 × 86,400 s.
 *
 * All times are integer Unix seconds.
 */
export const DAY = 86_400;
export const CST_OFFSET = 8 * 3_600;

/** Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian), after H. Hinnant. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day count since 1970-01-01, after H. Hinnant. */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function assertTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0) throw new RangeError(`not a Unix time in seconds: ${ts}`);
}

/** `ts` moved by `months` calendar months in CST, the day clamped to the target month. */
export function addCalendarMonths(ts: number, months: number): number {
  assertTimestamp(ts);
  if (!Number.isSafeInteger(months) || months < 0) throw new RangeError(`not a month count: ${months}`);
  const local = ts + CST_OFFSET;
  const days = Math.floor(local / DAY);
  const secondOfDay = local - days * DAY;
  const { y, m, d } = civilFromDays(days);
  const monthIndex = m - 1 + months;
  const y2 = y + Math.floor(monthIndex / 12);
  const m2 = (monthIndex % 12) + 1;
  const d2 = Math.min(d, daysInMonth(y2, m2));
  return daysFromCivil(y2, m2, d2) * DAY + secondOfDay - CST_OFFSET;
}

export function addCalendarYears(ts: number, years: number): number {
  return addCalendarMonths(ts, years * 12);
}

/** The rulebook's periods, each defined once. */
export const RULE_PERIODS = {
  maxGrantYears: 5,
  blacklistYears: 5,
  voluntaryExitNoticeMonths: 3,
  destructionDays: 30,
  consecutiveUnqualifiedToRevoke: 3,
  complaintDays: 30,
  objectionDays: 15,
  serviceListDays: 91,
} as const;

/** The latest end of a grant that starts at `validFrom`. */
export function maxGrantEnd(validFrom: number): number {
  return addCalendarYears(validFrom, RULE_PERIODS.maxGrantYears);
}

/** The end of the market ban of an organisation blacklisted at `at`. */
export function blacklistEnd(at: number): number {
  return addCalendarYears(at, RULE_PERIODS.blacklistYears);
}

/** The earliest time a voluntary exit may start after a notice filed at `noticeAt`. */
export function earliestVoluntaryExit(noticeAt: number): number {
  return addCalendarMonths(noticeAt, RULE_PERIODS.voluntaryExitNoticeMonths);
}

/** The last second on which destruction certificates are on time, for an exit at `endedAt`. */
export function destructionDeadline(endedAt: number): number {
  return endedAt + RULE_PERIODS.destructionDays * DAY;
}

/**
 * The last second on which a complaint lodged at `lodgedAt` is concluded on time: 30 calendar days
 * (the plan sets none; 30 days is the longest period the rulebook gives any other duty).
 */
export function complaintDeadline(lodgedAt: number): number {
  return lodgedAt + RULE_PERIODS.complaintDays * DAY;
}

/**
 * The last second on which an objection filed at `filedAt` is answered on time: 15 calendar days
 * (the plan sets none; half a complaint's period, as one source unit answers on its own data).
 */
export function objectionDeadline(filedAt: number): number {
  return filedAt + RULE_PERIODS.objectionDays * DAY;
}

/**
 * The last second on which the next product and service list is on time, after a list published
 * (or, before the first list, a first product registered) at `lastAt`. "At least quarterly" is a
 * fixed 91 days, the whole days of an average quarter (365.2425 / 4 = 91.31): calendar quarters
 * run 90 to 92 days, and a fixed span gives every operator the same time whatever the season.
 * Published 91 days ago is on time; 91 days and one second, overdue.
 */
export function serviceListDue(lastAt: number): number {
  return lastAt + RULE_PERIODS.serviceListDays * DAY;
}

/**
 * Update frequency (时效性): the period of each declared frequency and the grace after it. The plan
 * sets no grace; these give a publisher one period's worth of slack proportionate to the period.
 */
export const UPDATE_PERIODS = {
  daily: { months: 0, days: 1, graceDays: 1 },
  monthly: { months: 1, days: 0, graceDays: 7 },
  quarterly: { months: 3, days: 0, graceDays: 15 },
  annual: { months: 12, days: 0, graceDays: 30 },
} as const;

/**
 * The last second on which a resource's next version is on time, after a version (or the
 * registration) at `lastVersionAt`: one period of its declared frequency (calendar months, or a
 * day for daily), plus the grace. A version after that second is late; the resource is overdue.
 */
export function nextVersionDue(lastVersionAt: number, frequency: keyof typeof UPDATE_PERIODS): number {
  const p = UPDATE_PERIODS[frequency];
  return addCalendarMonths(lastVersionAt, p.months) + (p.days + p.graceDays) * DAY;
}

/** Renders a Unix time as an ISO 8601 string in CST, for people reading records. */
export function toCstIso(ts: number): string {
  return new Date((ts + CST_OFFSET) * 1000).toISOString().replace(".000Z", "+08:00");
}

/** Parses an ISO 8601 date-time with an explicit offset (or Z) into Unix seconds. */
export function fromIso(iso: string): number {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) throw new RangeError(`an ISO time needs an offset: ${iso}`);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || ms % 1000 !== 0) throw new RangeError(`not a whole-second ISO time: ${iso}`);
  return ms / 1000;
}
