import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { expect } from "chai";
import express, { type NextFunction, type Request, type Response } from "express";
import type { LedgerError } from "../../core/errors.ts";
import { refusedPerAddress } from "../../ledger-service/src/http/rate-limits.ts";

/**
 * The refused-requests limit counts the client's own faults (4xx but 404) only. During a chain
 * outage every write is answered 503 and its receipt 404; if those counted, a client would be
 * locked out (429) of the very reads that tell it what became of its writes.
 */
describe("refused requests per address", () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    app.use(refusedPerAddress({ windowSeconds: 60, refusedPerAddress: 3, perCaller: 1e9, publicPerAddress: 1e9 }));
    app.get("/status/:code", (req, res) => void res.status(Number(req.params.code)).json({}));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const e = err as LedgerError;
      res.status(e.code === "RATE_LIMITED" ? 429 : 500).json({ code: e.code, details: e.details });
    });
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, "127.0.0.1", () => ok(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  const get = async (code: number) => (await fetch(`${base}/status/${code}`)).status;

  it("does not count 5xx or 404 answers, counts other 4xx ones, and then answers 429 naming the limit", async () => {
    for (let i = 0; i < 20; i++) expect(await get(503), `503 number ${i + 1}`).to.equal(503);
    for (let i = 0; i < 20; i++) expect(await get(500)).to.equal(500);
    for (let i = 0; i < 20; i++) expect(await get(404)).to.equal(404);
    expect(await get(200)).to.equal(200);
    for (let i = 0; i < 3; i++) expect(await get(400), `400 number ${i + 1}`).to.equal(400);
    const res = await fetch(`${base}/status/200`);
    expect(res.status, "the fourth refusal's window").to.equal(429);
    expect(await res.json()).to.deep.equal({ code: "RATE_LIMITED", details: { limit: 3, windowSeconds: 60 } });
    expect(res.headers.get("retry-after")).to.match(/^\d+$/);
  });
});
