import { createHash } from "node:crypto";
import { FabricLedger, type ReadWriteSet, type ValidationCode } from "../semantics/world-state.ts";
import { common, peer, TxValidationCode, type TxValidationCodeValue } from "./protos.ts";

/**
 * One channel's ledger on the emulated peer: the world state with Fabric's semantics (the
 * shared FabricLedger: MVCC and phantom validation, duplicate transaction ids, history), and
 * the chain of blocks holding the envelopes as ordered, with each transaction's validation
 * code in the block's TRANSACTIONS_FILTER metadata, as a committing peer stores them.
 */

/** Every key of the state map, for the UTF-8 ordered range below. */
const ALL_KEYS_END = "\uFFFF".repeat(8);

/**
 * FabricLedger with the peer's key order and range bounds: keys compare as UTF-8 bytes
 * (LevelDB's order; JavaScript's `<` compares UTF-16 code units, which puts U+E000–U+FFFF
 * after supplementary characters such as the U+10FFFF composite-range end), and an empty end
 * key means "to the end" (what the shim sends for getStateByRange(start, "")).
 */
export class WireState extends FabricLedger {
  override sortedKeysIn(start: string, end: string): string[] {
    const from = Buffer.from(start, "utf8");
    const to = end === "" ? undefined : Buffer.from(end, "utf8");
    return super
      .sortedKeysIn("", ALL_KEYS_END)
      .map((key) => ({ key, bytes: Buffer.from(key, "utf8") }))
      .filter(({ bytes }) => Buffer.compare(bytes, from) >= 0 && (to === undefined || Buffer.compare(bytes, to) < 0))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .map(({ key }) => key);
  }
}

export interface ChaincodeEventRecord {
  readonly chaincodeId: string;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Buffer;
}

export interface CommittedTransaction {
  readonly txId: string;
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly code: TxValidationCodeValue;
  readonly timestamp: number;
  readonly event: ChaincodeEventRecord | undefined;
}

export interface StoredBlock {
  readonly number: number;
  readonly hash: Buffer;
  /** The serialized common.Block (what qscc GetBlockByNumber returns). */
  readonly encoded: Uint8Array;
  readonly transactions: readonly CommittedTransaction[];
}

/** A transaction as ordered: its envelope, and what the committer learnt checking it. */
export interface OrderedTransaction {
  readonly envelope: Uint8Array;
  readonly txId: string;
  readonly timestamp: number;
  /** undefined when the transaction failed a check before MVCC validation (see `rejected`). */
  readonly rwset: ReadWriteSet | undefined;
  readonly rejected?: TxValidationCodeValue;
  readonly event?: ChaincodeEventRecord;
}

const CODE: Record<Exclude<ValidationCode, "ENDORSEMENT_FAILURE">, TxValidationCodeValue> = {
  VALID: TxValidationCode.VALID,
  MVCC_READ_CONFLICT: TxValidationCode.MVCC_READ_CONFLICT,
  PHANTOM_READ_CONFLICT: TxValidationCode.PHANTOM_READ_CONFLICT,
  DUPLICATE_TXID: TxValidationCode.DUPLICATE_TXID,
};

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const octets: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

const der = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);

/** Fabric's block hash: SHA-256 of the ASN.1 DER SEQUENCE { number, previousHash, dataHash }. */
function blockHash(number: number, previousHash: Buffer, dataHash: Buffer): Buffer {
  let hex = number.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let integer = Buffer.from(hex, "hex");
  if (integer[0]! & 0x80) integer = Buffer.concat([Buffer.from([0]), integer]);
  const header = der(0x30, Buffer.concat([der(0x02, integer), der(0x04, previousHash), der(0x04, dataHash)]));
  return createHash("sha256").update(header).digest();
}

function encodeBlock(
  number: number,
  previousHash: Buffer,
  data: readonly Uint8Array[],
  codes: readonly number[],
): { encoded: Uint8Array; hash: Buffer } {
  const dataHash = createHash("sha256");
  for (const d of data) dataHash.update(d);
  const digest = dataHash.digest();
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(digest);
  const blockData = new common.BlockData();
  blockData.setDataList([...data]);
  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [
    new Uint8Array(),
    new Uint8Array(),
    Uint8Array.from(codes),
    new Uint8Array(),
    new Uint8Array(),
  ];
  metadata.setMetadataList(entries);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(blockData);
  block.setMetadata(metadata);
  return { encoded: block.serializeBinary(), hash: blockHash(number, previousHash, digest) };
}

/** Block 0: the channel's configuration block (one CONFIG envelope, no configuration inside). */
function genesisEnvelope(channel: string): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

export class ChannelLedger {
  readonly state = new WireState();
  private readonly blocks: StoredBlock[] = [];
  /** First occurrence of each transaction id (a duplicate never replaces the original). */
  private readonly byTxId = new Map<string, CommittedTransaction>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly channel: string) {
    const { encoded, hash } = encodeBlock(0, Buffer.alloc(0), [genesisEnvelope(channel)], [TxValidationCode.VALID]);
    this.blocks.push({ number: 0, hash, encoded, transactions: [] });
  }

  get height(): number {
    return this.blocks.length;
  }

  block(number: number): StoredBlock | undefined {
    return this.blocks[number];
  }

  transaction(txId: string): CommittedTransaction | undefined {
    return this.byTxId.get(txId);
  }

  private closedFor: "reset" | "stop" | undefined;

  /** A closed ledger (replaced by a reset, or its peer stopped) commits nothing more; its waiters give up. */
  get closed(): boolean {
    return this.closedFor !== undefined;
  }

  /** Why the ledger closed: a reset (the emulator goes on with a new ledger) or the peer stopping. */
  get closedBy(): "reset" | "stop" | undefined {
    return this.closedFor;
  }

  close(reason: "reset" | "stop" = "reset"): void {
    if (this.closedFor !== undefined) return;
    this.closedFor = reason;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Called after every committed block (and on close, so waiters can give up). */
  onBlock(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and commits one block, in order; returns the stored block. */
  commit(ordered: readonly OrderedTransaction[]): StoredBlock {
    if (this.closed) throw new Error(`the ledger was closed (${this.closedFor})`);
    const results = this.state.commitBlock(
      ordered.map((t) => ({
        txId: t.txId,
        timestamp: t.timestamp,
        rwset: t.rejected === undefined ? t.rwset : undefined,
      })),
    );
    const number = results[0]?.blockNumber ?? this.height;
    if (number !== this.height) throw new Error(`block ${number} out of sequence (height ${this.height})`);
    const transactions = results.map((r, i): CommittedTransaction => {
      const t = ordered[i]!;
      const code =
        r.code === "ENDORSEMENT_FAILURE" ? (t.rejected ?? TxValidationCode.ENDORSEMENT_POLICY_FAILURE) : CODE[r.code];
      return {
        txId: t.txId,
        blockNumber: number,
        txIndex: i,
        code,
        timestamp: t.timestamp,
        event: code === TxValidationCode.VALID ? t.event : undefined,
      };
    });
    const previous = this.blocks[this.blocks.length - 1]!;
    const { encoded, hash } = encodeBlock(
      number,
      previous.hash,
      ordered.map((t) => t.envelope),
      transactions.map((t) => t.code),
    );
    const block = { number, hash, encoded, transactions };
    this.blocks.push(block);
    for (const t of transactions) if (t.txId && !this.byTxId.has(t.txId)) this.byTxId.set(t.txId, t);
    for (const listener of [...this.listeners]) listener();
    return block;
  }

  /** qscc GetChainInfo's answer. */
  chainInfo(): InstanceType<typeof common.BlockchainInfo> {
    const info = new common.BlockchainInfo();
    info.setHeight(this.height);
    info.setCurrentblockhash(this.blocks[this.blocks.length - 1]!.hash);
    info.setPreviousblockhash(this.blocks.length > 1 ? this.blocks[this.blocks.length - 2]!.hash : Buffer.alloc(0));
    return info;
  }

  /** qscc GetTransactionByID's answer. */
  processedTransaction(txId: string): InstanceType<typeof peer.ProcessedTransaction> | undefined {
    const tx = this.byTxId.get(txId);
    if (!tx) return undefined;
    const block = common.Block.deserializeBinary(this.blocks[tx.blockNumber]!.encoded);
    const processed = new peer.ProcessedTransaction();
    processed.setTransactionenvelope(
      common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[tx.txIndex]!),
    );
    processed.setValidationcode(tx.code);
    return processed;
  }
}
