/**
 * Overdue items, in one place (GET /v1/overdue): every duty of the rulebook that has a deadline
 * and whose deadline has passed with the duty undone. Each item names what is late, the last
 * on-time second, the signed record that started the clock and who owes the missing act.
 */
export const OVERDUE_KINDS = [
  "destruction-certificate",
  "resource-update",
  "complaint-handling",
  "objection-answer",
  "service-list",
  "revenue-guidance",
  "revenue-caps",
] as const;
export type OverdueKind = (typeof OVERDUE_KINDS)[number];

export interface OverdueItem {
  readonly kind: OverdueKind;
  /** The record that is late: a grant awaiting certificates, a resource, an operator's list. */
  readonly subject: { readonly kind: string; readonly id: string };
  /** The last second on which the duty was on time (Unix seconds): overdue when `at > deadline`. */
  readonly deadline: number;
  /** The signed record that started the clock, and its block time. */
  readonly startedBy: {
    readonly kind: string;
    readonly id: string;
    readonly recordHash: string | null;
    readonly at: number;
  };
  /** The organisations that must act; empty when the duty is the agency's or the supervisors'. */
  readonly owedBy: readonly string[];
  /** Organisations besides the agency and supervisors entitled to see the item. */
  readonly concerns: readonly string[];
  /** What the kind adds: missing certificates, the declared frequency, the deviation, … */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** GET /v1/overdue: the items overdue at `at`, as the caller may see them. */
export interface OverdueAnswer {
  readonly at: number;
  readonly items: readonly OverdueItem[];
  /** The destruction items in the earlier per-grant shape (kept for the clients that read it). */
  readonly overdue: readonly {
    readonly grantId: string;
    readonly endedAt: unknown;
    readonly deadline: number;
    readonly missing: unknown;
  }[];
}

/** Whether a duty with this deadline is overdue at `at` (the deadline's own second is on time). */
export function isOverdue(deadline: number, at: number): boolean {
  return at > deadline;
}

/** The order of the overdue list: earliest deadline first, then kind, then subject id. */
export function compareOverdue(a: OverdueItem, b: OverdueItem): number {
  return (
    a.deadline - b.deadline ||
    a.kind.localeCompare(b.kind) ||
    a.subject.id.localeCompare(b.subject.id) ||
    a.subject.kind.localeCompare(b.subject.kind)
  );
}
