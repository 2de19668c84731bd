import { checkpointHash, signCheckpoint, verifySignedCheckpoint } from "./checkpoint.ts";
import type { MerkleLog } from "./merkle-log.ts";
import { verifyConsistency } from "./rfc9162.ts";

export interface LogKey {
  readonly origin: string;
  readonly keyName: string;
  readonly privateKey: string;
  readonly publicKey: string;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: string;
  readonly note: string;
  readonly hash: string;
}

/** Where a checkpoint was anchored on chain. */
export interface AnchorRef {
  readonly chainType: "evm" | "fabric";
  readonly chainId: string;
  readonly contract: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly checkpointHash: string;
}

const sizeKey = (n: number) => n.toString().padStart(16, "0");

/**
 * Signs checkpoints of the log and keeps every one it signed. Before signing it proves the new
 * tree consistent with the previous checkpoint, so the log never signs two inconsistent heads.
 */
export class Checkpointer {
  constructor(
    private readonly log: MerkleLog,
    private readonly key: LogKey,
  ) {}

  latest(): Promise<StoredCheckpoint | undefined> {
    return this.log.lastMeta<StoredCheckpoint>("cp/");
  }

  at(size: number): Promise<StoredCheckpoint | undefined> {
    return this.log.getMeta<StoredCheckpoint>(`cp/${sizeKey(size)}`);
  }

  /** Signs a checkpoint of the current size (or returns the latest when nothing was added). */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const size = this.log.size;
    if (size === 0) return undefined;
    const previous = await this.latest();
    if (previous && previous.size === size) return previous;
    const root = await this.log.root(size);
    if (previous) {
      const proof = await this.log.consistencyProof(previous.size, size);
      if (!verifyConsistency(previous.size, size, Buffer.from(previous.rootHash, "hex"), root, proof, this.log.hash)) {
        throw new Error(`refusing to sign: tree ${size} is not consistent with checkpoint ${previous.size}`);
      }
    }
    const note = signCheckpoint({ origin: this.key.origin, size, rootHash: root }, this.key.privateKey, this.key.publicKey, this.key.keyName);
    const stored = { size, rootHash: Buffer.from(root).toString("hex"), note, hash: checkpointHash(note) };
    await this.log.putMeta(`cp/${sizeKey(size)}`, stored);
    return stored;
  }

  verify(note: string) {
    return verifySignedCheckpoint(note, this.key.publicKey, this.key.keyName);
  }

  async recordAnchor(anchor: AnchorRef): Promise<void> {
    const previous = await this.latestAnchor();
    if (previous) {
      // Each anchor proves the whole prefix: keep the proof from the previous anchored head.
      const proof = await this.log.consistencyProof(previous.treeSize, anchor.treeSize);
      if (!verifyConsistency(previous.treeSize, anchor.treeSize, Buffer.from(previous.rootHash, "hex"), Buffer.from(anchor.rootHash, "hex"), proof, this.log.hash)) {
        throw new Error(`anchored checkpoint ${anchor.treeSize} is not consistent with anchor ${previous.treeSize}`);
      }
      await this.log.putMeta(`anchor-proof/${sizeKey(anchor.treeSize)}`, { from: previous.treeSize, to: anchor.treeSize, proof: proof.map((p) => Buffer.from(p).toString("hex")) });
    }
    await this.log.putMeta(`anchor/${sizeKey(anchor.treeSize)}`, anchor);
  }

  latestAnchor(): Promise<AnchorRef | undefined> {
    return this.log.lastMeta<AnchorRef>("anchor/");
  }
}
