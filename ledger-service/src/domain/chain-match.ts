import { readFile, rename, writeFile } from "node:fs/promises";
import { ChainMismatchError, ChainUnavailableError, type LedgerBackend } from "../chain/backend.ts";
import type { IndexStore } from "../indexes/index-store.ts";

/**
 * Whether the chain the service talks to is the one its data directory was built on. The first
 * start records the chain's identity (type, id, registry, genesis block) in `chain.json`; every
 * start and every /readyz compares: another chain id or registry, another genesis block (a node
 * restarted without its state, or another network), no registry code, or an index that has
 * seen blocks beyond the chain's head. Each problem is said in one line, for people.
 */
interface SavedChain {
  readonly type: string;
  readonly chainId: string;
  readonly contract: string;
  readonly genesis?: string;
}

export class ChainMatch {
  private saved: SavedChain | undefined;
  private cached: { at: number } | undefined;
  private checking: Promise<string | undefined> | undefined;

  constructor(
    private readonly backend: LedgerBackend,
    private readonly store: IndexStore,
    private readonly file: string,
  ) {}

  /** At start: refuses (ChainMismatchError) a chain that is not this data directory's; records it on first start. */
  async verifyAtStart(): Promise<void> {
    this.saved = await readSaved(this.file);
    const problem = await this.mismatch();
    if (problem) throw new ChainMismatchError(problem, this.backend.ref.type);
    if (!this.saved) {
      const identity = this.backend.identify ? await this.backend.identify() : undefined;
      this.saved = {
        type: this.backend.ref.type,
        chainId: this.backend.ref.chainId,
        contract: this.backend.ref.contract,
        ...(identity?.genesis ? { genesis: identity.genesis } : {}),
      };
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, JSON.stringify(this.saved, null, 2) + "\n", { mode: 0o600 });
      await rename(tmp, this.file);
    }
  }

  /**
   * Undefined when the chain answers and matches; otherwise why not, in one line. Concurrent
   * callers share one check; a good answer is reused for a second, a bad one is checked again.
   */
  problem(): Promise<string | undefined> {
    if (this.cached && Date.now() - this.cached.at < 1000) return Promise.resolve(undefined);
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<string | undefined> {
    const at = Date.now();
    let problem: string | undefined;
    try {
      problem = await this.mismatch();
      if (problem === undefined && !this.backend.identify && !((await this.backend.now()) > 0))
        problem = "the chain has no block yet";
    } catch (err) {
      problem =
        err instanceof ChainUnavailableError
          ? `the chain does not answer (${err.message})`
          : err instanceof ChainMismatchError
            ? err.message
            : `the chain could not be checked (${(err as Error).message})`;
    }
    this.cached = problem === undefined ? { at } : undefined;
    return problem;
  }

  private async mismatch(): Promise<string | undefined> {
    const ref = this.backend.ref;
    const saved = this.saved;
    if (saved && (saved.type !== ref.type || saved.chainId !== ref.chainId))
      return `this data directory was built on ${saved.type} chain ${saved.chainId}, but the configured chain is ${ref.type} chain ${ref.chainId}`;
    if (saved && saved.contract.toLowerCase() !== ref.contract.toLowerCase())
      return `this data directory was built on the registry ${saved.contract}, but the configured registry is ${ref.contract}`;
    if (!this.backend.identify) return undefined;
    const id = await this.backend.identify();
    if (saved?.genesis && id.genesis !== saved.genesis)
      return `the chain's genesis block ${id.genesis} is not this data directory's (${saved.genesis}): another chain, or a node restarted without its state`;
    if (!id.registry)
      return `no registry at ${ref.contract} on the chain: a node that lost its state, or another chain than this data directory's`;
    const { cursor } = await this.store.cursor();
    if (cursor !== undefined && this.backend.cursorBlock) {
      const block = this.backend.cursorBlock(cursor);
      if (block > id.head)
        return `this data directory has indexed the chain up to block ${block}, beyond the chain's head (block ${id.head}): a node that lost blocks, or another chain`;
    }
    return undefined;
  }
}

async function readSaved(file: string): Promise<SavedChain | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return JSON.parse(text) as SavedChain;
}
