/**
 * The log's public face as the service answers it and the console and pdl read it: the latest
 * signed checkpoint with the key that signs it and the latest on-chain anchor (GET
 * /v1/public/checkpoint), and an anchor made on request (POST /v1/anchors). A wire format, so it
 * lives beside the records; the service builds them in ledger-service/src/http/routes/public-routes.ts
 * and anchor-routes.ts from the anchors of ledger-service/src/log/anchoring.ts.
 */

/** Where the anchor landed. */
export interface AnchorTx {
  readonly txId: string;
  readonly blockNumber: number;
  /** Block time (EVM) or transaction timestamp (Fabric), Unix seconds. */
  readonly blockTime: number;
  readonly chainType: string;
  /** EVM chain id (decimal) or Fabric channel. */
  readonly chainId: string;
  /** Registry contract address or chaincode name. */
  readonly contract: string;
}

/** A checkpoint anchored on chain, and where. */
export interface AnchorRecord extends AnchorTx {
  readonly origin?: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly checkpointHash: string;
  /** When the anchor was recorded (ms since the epoch). */
  readonly recordedAt?: number;
}

export interface PublicCheckpoint {
  /** The log's origin line (C2SP signed note). */
  readonly origin: string;
  readonly keyName: string;
  /** The SM2 public key that signs checkpoints, hex. */
  readonly logPublicKey: string;
  /** The C2SP verifier key of that key. */
  readonly vkey: string;
  /** The latest signed checkpoint; null before the first. */
  readonly checkpoint: {
    readonly size: number;
    readonly rootHash: string;
    readonly hash: string;
    readonly text: string;
  } | null;
  /** The latest anchor; null before the first. */
  readonly anchor: AnchorRecord | null;
}

/** POST /v1/anchors: the latest anchor, and whether this request made it (false: it already covered the log). */
export interface AnchorOnRequest {
  readonly anchor: AnchorRecord;
  readonly fresh: boolean;
}
