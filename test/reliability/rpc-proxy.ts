import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * A JSON-RPC relay between the service and an EVM node that can fail the way networks do:
 *   pass    forwards everything;
 *   reset   accepts connections and cuts each request (the client sees a reset, the node nothing);
 *   hold    accepts requests and never answers (a frozen link), until the mode changes;
 *   refuse  stops listening (connections refused: nothing can be sent).
 * One-shot faults aim at the moment that matters for write outcomes: the node got (or did not
 * get) a transaction, and the answer is lost.
 */
export type ProxyMode = "pass" | "reset" | "hold" | "refuse";

interface Trap {
  readonly method: string;
  /** Forward the request (the node acts on it) and lose the answer, or lose the request itself. */
  readonly forward: boolean;
  readonly then: ProxyMode;
}

export class RpcProxy {
  port = 0;
  private server: Server | undefined;
  private mode: ProxyMode = "pass";
  private trap: Trap | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private readonly agent = new Agent({ keepAlive: true });
  /** Requests seen by JSON-RPC method (a batch counts each call). */
  readonly seen = new Map<string, number>();

  constructor(private target: number) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => s.destroy());
    });
    await new Promise<void>((ok) => this.server!.listen(this.port, "127.0.0.1", ok));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Points the relay at another node (e.g. one restarted on another port). */
  retarget(port: number): void {
    this.target = port;
    this.agent.destroy();
  }

  async set(mode: ProxyMode): Promise<void> {
    const was = this.mode;
    this.mode = mode;
    if (was === "hold" && mode !== "hold") {
      for (const res of this.held) res.socket?.destroy();
      this.held.clear();
    }
    if (mode === "refuse" && was !== "refuse") {
      for (const s of this.sockets) s.destroy();
      await new Promise<void>((ok) => this.server!.close(() => ok()));
    } else if (was === "refuse" && mode !== "refuse") {
      await this.start();
    }
  }

  /** The next request calling `method` reaches the node but its answer is lost; then `then`. */
  loseAnswerTo(method: string, then: ProxyMode = "reset"): void {
    this.trap = { method, forward: true, then };
  }

  /** The next request calling `method` never reaches the node; then `then`. */
  loseRequest(method: string, then: ProxyMode = "reset"): void {
    this.trap = { method, forward: false, then };
  }

  /** Forgets a one-shot fault that has not fired. */
  disarm(): void {
    this.trap = undefined;
  }

  get armed(): boolean {
    return this.trap !== undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.agent.destroy();
    if (this.mode !== "refuse") await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const methods = methodsOf(body);
    for (const m of methods) this.seen.set(m, (this.seen.get(m) ?? 0) + 1);
    if (this.mode === "reset") return void res.socket?.destroy();
    if (this.mode === "hold") return void this.held.add(res);
    const trap = this.trap && methods.includes(this.trap.method) ? this.trap : undefined;
    if (trap) {
      this.trap = undefined;
      if (trap.forward) await this.forward(req, body).catch(() => undefined);
      res.socket?.destroy();
      await this.set(trap.then);
      return;
    }
    try {
      const answer = await this.forward(req, body);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    } catch {
      res.socket?.destroy();
    }
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; body: Buffer }> {
    return new Promise((ok, fail) => {
      const out = request(
        {
          host: "127.0.0.1",
          port: this.target,
          method: req.method,
          path: req.url,
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => ok({ status: answer.statusCode ?? 502, body: Buffer.concat(parts) }));
          answer.on("error", fail);
        },
      );
      out.on("error", fail);
      out.end(body);
    });
  }
}

function methodsOf(body: Buffer): string[] {
  try {
    const json = JSON.parse(body.toString("utf8")) as { method?: string } | { method?: string }[];
    return (Array.isArray(json) ? json : [json]).map((c) => c.method ?? "");
  } catch {
    return [];
  }
}
