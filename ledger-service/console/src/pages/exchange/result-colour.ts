/** Ant Design tag colours of a check's or a report's result. */
export const RESULT_COLOUR = { pass: "success", fail: "error", "not-judged": "default" } as const;
