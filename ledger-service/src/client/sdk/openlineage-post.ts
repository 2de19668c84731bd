/**
 * Sends OpenLineage events, one POST each as an OpenLineage HTTP endpoint takes them (Marquez:
 * POST /api/v1/lineage), in export order: a run's START before its COMPLETE, a hop before the
 * hops that use its artifact. Stops at the first refusal, naming the event.
 */
export class LineagePostError extends Error {
  constructor(
    message: string,
    readonly sent: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = "LineagePostError";
  }
}

export async function postLineageEvents(
  ndjson: string,
  endpoint: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const events = ndjson.split("\n").filter((line) => line.trim().length > 0);
  for (const [i, line] of events.entries()) {
    const label = `event ${i + 1} of ${events.length}`;
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: line,
    }).catch((err: unknown) => {
      throw new LineagePostError(`${endpoint} is not reachable (${label}): ${(err as Error).message}`, i);
    });
    if (!response.ok) {
      const answer = (await response.text()).slice(0, 300);
      throw new LineagePostError(`${endpoint} refused ${label} (${response.status}): ${answer}`, i, response.status);
    }
  }
  return events.length;
}
