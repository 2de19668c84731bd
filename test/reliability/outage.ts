import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { deployRegistry } from "../../ledger-service/src/chain/evm/registry-client.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { rebuildIndexes } from "../../ledger-service/src/reindex.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { hopBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { RpcProxy } from "./rpc-proxy.ts";
import { freePort } from "./service-process.ts";
import { pause, startLoad } from "./load.ts";
import { CheckpointWatch, answerOf, fail, judge, type Counts, type Sent } from "./truth.ts";

/** Hardhat's first default account: funded on a fresh `hardhat node`, never used outside tests. */
const DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * Chain outages against a real EVM node process (`hardhat node` on 127.0.0.1) behind a relay
 * that fails on purpose, with writes in flight the whole time: the network cut (connections
 * reset), answers lost after the node took the transaction, a frozen link, the node frozen by
 * SIGSTOP, and finally the node killed and restarted empty. Every answer is checked against
 * what was written: 201 must be on the chain, in the index and in the log; 503 must have
 * written nothing; 202 must settle to one or the other. On the restarted (empty) node the
 * service must say the chain is not its own (503 CHAIN_MISMATCH, /readyz 503), never 500 or 201.
 */
export interface OutageOptions {
  readonly root: string;
  readonly dir: string;
  readonly writers: number;
  readonly say: (line: string) => void;
}

interface EvmNode {
  readonly port: number;
  readonly child: ChildProcess;
}

async function startNode(root: string, logFile: string): Promise<EvmNode> {
  const port = await freePort();
  const out = openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    [join(root, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: root, stdio: ["ignore", out, out] },
  );
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode} (see ${logFile})`);
    const up = await fetch(`http://127.0.0.1:${port}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { port, child };
    await new Promise((ok) => setTimeout(ok, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`hardhat node did not answer within 120 s (see ${logFile})`);
}

async function killNode(node: EvmNode): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const gone = new Promise<void>((ok) => node.child.once("exit", () => ok()));
  node.child.kill("SIGCONT");
  node.child.kill("SIGKILL");
  await gone;
}

export async function chainOutages(o: OutageOptions, counts: Counts): Promise<void> {
  const logFile = join(o.dir, "..", "hardhat-node.log");
  const nodes: EvmNode[] = [await startNode(o.root, logFile)];
  const proxy = new RpcProxy(nodes[0]!.port);
  await proxy.start();
  const provider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true });
  const registry = await deployRegistry(new NonceManager(new Wallet(DEPLOYER, provider)));
  provider.destroy();
  const env = { PDL_EVM_REGISTRY: registry, PDL_EVM_PRIVATE_KEY: DEPLOYER, LEDGER_AGENCY_PASSPHRASE: "outage suite" };
  const config: Config = {
    ...DEFAULTS,
    backend: "evm",
    port: 0,
    dataDir: o.dir,
    // PDL_OUTAGE_LOG=debug shows the service's own account of each outcome (to find why an answer lied).
    logLevel: (process.env.PDL_OUTAGE_LOG as Config["logLevel"] | undefined) ?? "silent",
    evm: { rpcUrl: proxy.url },
    chainTimeoutMs: 1500,
    outcomeWaitMs: 2000,
    http: { ...DEFAULTS.http, ratePerCaller: 1e9 },
    log: { ...DEFAULTS.log, anchorEverySeconds: 1, checkpointEveryMs: 200 },
  };
  let service: RunningService | undefined = await startService(config, { env });
  const watch = new CheckpointWatch(counts);
  const all: Sent[] = [];
  try {
    const base = `http://127.0.0.1:${service.address().port}`;
    const clients = clientsFor(service, base);
    await playStory(service, clients);
    await watch.observe(base);
    const op = clients.op;

    const load = startLoad({
      op,
      base,
      prefix: "OUT",
      writers: o.writers,
      all,
      counts,
      watch,
      watchEveryMs: 200,
      onConnectionError: "continue",
    });
    const phase = async (
      what: string,
      ms: number,
      start: () => Promise<void> | void,
      end: () => Promise<void> | void,
    ) => {
      const before = all.length;
      await start();
      await pause(ms);
      await end();
      await pause(1500);
      o.say(`outage: ${what}: ${all.length - before} writes sent through it`);
    };
    await pause(1000);
    await phase(
      "network cut (every connection reset)",
      2500,
      () => proxy.set("reset"),
      () => proxy.set("pass"),
    );
    for (let i = 0; i < 3; i++)
      await phase(
        "the answer to a sent transaction lost, then the link cut",
        1500,
        () => proxy.loseAnswerTo("eth_sendRawTransaction", "reset"),
        () => proxy.set("pass"),
      );
    await phase(
      "a sent transaction lost on its way, then the link cut",
      1500,
      () => proxy.loseRequest("eth_sendRawTransaction", "reset"),
      () => proxy.set("pass"),
    );
    await phase(
      "frozen link (requests never answered)",
      4000,
      () => proxy.set("hold"),
      () => proxy.set("pass"),
    );
    await phase(
      "node frozen (SIGSTOP)",
      4000,
      () => void nodes[0]!.child.kill("SIGSTOP"),
      () => void nodes[0]!.child.kill("SIGCONT"),
    );
    await phase(
      "connections refused",
      2000,
      () => proxy.set("refuse"),
      () => proxy.set("pass"),
    );
    await load.stop();
    await watch.observe(base);
    await judge(op, all, watch.logKey, counts, true);

    // On chain: the indexes rebuilt from the node alone hold every acknowledged write.
    await service.stop();
    service = undefined;
    Object.assign(process.env, env);
    const rebuilt = await rebuildIndexes(config);
    service = await startService(config, { env });
    for (const s of all) {
      const onChain = (await service.store.entryByHash(s.hash)) !== undefined;
      if (s.answer.kind === "accepted" && !onChain) fail(counts, "lost", `${s.id}: acknowledged, not on chain`);
      if (s.answer.kind === "not-sent" && onChain)
        fail(counts, "untruthful", `${s.id}: answered 503 (nothing written), on chain`);
    }
    o.say(`outage: indexes rebuilt from the node: ${rebuilt.events} events; ${all.length} writes judged`);

    // The node restarted empty: not this directory's chain. Said so, never 500, nothing accepted.
    await killNode(nodes[0]!);
    nodes.push(await startNode(o.root, logFile));
    proxy.retarget(nodes[1]!.port);
    const base2 = `http://127.0.0.1:${service.address().port}`;
    const op2 = clientsFor(service, base2).op;
    const ready = await fetch(`${base2}/readyz`);
    const readyText = await ready.text();
    if (ready.status !== 503) fail(counts, "untruthful", `/readyz answered ${ready.status} on an empty node`);
    let mismatches = 0;
    for (let i = 0; i < 20; i++) {
      const signed = op2.sign("lineage.hop", hopBody(`OUT-empty-${i}`) as never);
      const answer = answerOf(await op2.raw("POST", "/v1/records", signed));
      if (answer.kind === "not-sent") mismatches++;
      else if (answer.status >= 500) fail(counts, "fiveXX", `a write on an empty node: ${answer.status}`);
      else fail(counts, "untruthful", `a write on an empty node answered ${answer.status}`);
    }
    counts.unavailable += mismatches;
    o.say(
      `outage: node restarted empty: /readyz ${ready.status} (${readyText.slice(0, 160)}); ${mismatches} of 20 writes answered 503`,
    );
  } finally {
    await service?.stop().catch(() => undefined);
    await proxy.close();
    for (const node of nodes) await killNode(node);
  }
}
