import * as grpc from "@grpc/grpc-js";
import { caCertificatePem, createFabricIdentity, type FabricIdentity } from "../identities.ts";
import { ChannelLedger } from "./channel-ledger.ts";
import { checkForCommit } from "./committer.ts";
import { Endorser } from "./endorser.ts";
import { gatewayService } from "./gateway-service.ts";
import { MspRegistry } from "./msp.ts";
import { Orderer } from "./orderer.ts";
import { gateway } from "./protos.ts";
import { ShimSession } from "./shim-session.ts";

/**
 * TEST ONLY. A single Fabric peer, with its own solo orderer, for one channel and one
 * chaincode, good enough for the real @hyperledger/fabric-gateway client and the real
 * fabric-shim: it serves gateway.Gateway on a local port and dials the chaincode server
 * (chaincode as a service). It is not Fabric: no gossip, no policies beyond "signed by a known
 * MSP and endorsed by this peer", no private data, no rich queries, state in memory.
 *
 * Test hooks (not Fabric behaviour, not for production code):
 * - `setClock(seconds)`: every later proposal is re-stamped with this transaction time before
 *   the chaincode sees it (the gateway client always stamps proposals with the wall clock, and
 *   tests need transactions at exact times). The client's signature was checked first; the
 *   prepared transaction carries the re-stamped header, so the block, the history and the
 *   transaction's timestamp agree with what the chaincode saw.
 * - `holdNextBlock(n)`: the orderer cuts the next block only when it holds n transactions.
 * - `reset()`: a fresh ledger (genesis block only) on the same chaincode connection.
 */
export interface PeerEmulatorOptions {
  readonly channel: string;
  readonly chaincodeName: string;
  /** host:port of `fabric-chaincode-node server`. */
  readonly chaincodeAddress: string;
  /** The package id the chaincode must register with (default: accept any). */
  readonly chaincodeId?: string;
  /** The peer's own organisation (default "PeerMSP"), named in errors and endorsements. */
  readonly peerMspId?: string;
  /** Channel members: MSP id → CA certificates (PEM). More with `trust()`. */
  readonly msps?: Readonly<Record<string, readonly string[]>>;
  /** Rows per QueryResponse batch (the peer's maxResultLimit, 100). */
  readonly queryBatchSize?: number;
  /** Interface to listen on (default 127.0.0.1; the port is chosen by the system). */
  readonly host?: string;
}

export class PeerEmulator {
  readonly msps = new MspRegistry();
  private current: ChannelLedger;
  private readonly orderer: Orderer;
  private clockSeconds: number | undefined;
  private server: grpc.Server | undefined;
  private session: ShimSession | undefined;
  private connecting: Promise<ShimSession> | undefined;
  private port = 0;
  readonly endorser: Endorser;

  private constructor(
    private readonly options: PeerEmulatorOptions,
    readonly identity: FabricIdentity,
  ) {
    this.current = new ChannelLedger(options.channel);
    const committer = {
      channel: options.channel,
      chaincodeName: options.chaincodeName,
      msps: this.msps,
      endorser: new Uint8Array(),
    };
    this.endorser = new Endorser({
      channel: options.channel,
      chaincodeName: options.chaincodeName,
      msps: this.msps,
      identity,
      queryBatchSize: options.queryBatchSize ?? 100,
      ledger: () => this.current,
      session: () => this.chaincode(),
      clock: () => this.clockSeconds,
    });
    const ctx = { ...committer, endorser: this.endorser.serializedIdentity };
    this.orderer = new Orderer((envelopes) => {
      if (!this.current.closed) this.current.commit(envelopes.map((e) => checkForCommit(ctx, e)));
    });
  }

  /** Connects to the chaincode, then serves the gateway. */
  static async start(options: PeerEmulatorOptions): Promise<PeerEmulator> {
    const peerMspId = options.peerMspId ?? "PeerMSP";
    const identity = await createFabricIdentity({ mspId: peerMspId, commonName: "peer0.emulator" });
    const emulator = new PeerEmulator(options, identity);
    emulator.trust(peerMspId, await caCertificatePem(peerMspId));
    for (const [mspId, cas] of Object.entries(options.msps ?? {})) for (const ca of cas) emulator.trust(mspId, ca);
    await emulator.chaincode();
    await emulator.listen(options.host ?? "127.0.0.1");
    return emulator;
  }

  /** The gateway endpoint, host:port. */
  get address(): string {
    return `${this.options.host ?? "127.0.0.1"}:${this.port}`;
  }

  get channel(): string {
    return this.options.channel;
  }

  get chaincodeName(): string {
    return this.options.chaincodeName;
  }

  get ledger(): ChannelLedger {
    return this.current;
  }

  trust(mspId: string, caCertificatePem: string): void {
    this.msps.trust(mspId, caCertificatePem);
  }

  /** TEST HOOK: the transaction time (Unix seconds) later proposals carry; undefined = the client's. */
  setClock(seconds: number | undefined): void {
    this.clockSeconds = seconds;
  }

  /** TEST HOOK: cut the next block only once it holds `transactions` transactions. */
  holdNextBlock(transactions: number): void {
    this.orderer.holdNextBlock(transactions);
  }

  /** Transactions submitted and not yet in a block. */
  get waitingForBlock(): number {
    return this.orderer.waiting;
  }

  /** TEST HOOK: an empty chain again (genesis block only); open waits and event streams end. */
  reset(): void {
    this.orderer.reset();
    this.clockSeconds = undefined;
    const old = this.current;
    this.current = new ChannelLedger(this.options.channel);
    old.close();
  }

  /** Stops serving: calls still waiting (commit status, event streams) end UNAVAILABLE. */
  async stop(): Promise<void> {
    this.current.close("stop");
    this.session?.close();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }

  /** The chaincode connection, dialled again if it dropped. */
  private chaincode(): Promise<ShimSession> {
    if (this.session?.alive) return Promise.resolve(this.session);
    this.connecting ??= connectWithRetry(this.options.chaincodeAddress, this.options.chaincodeId).then(
      (session) => {
        this.session = session;
        this.connecting = undefined;
        return session;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private async listen(host: string): Promise<void> {
    const server = new grpc.Server();
    server.addService(
      gateway.GatewayService,
      gatewayService({
        channel: this.options.channel,
        mspId: this.identity.mspId,
        msps: this.msps,
        endorser: this.endorser,
        address: () => this.address,
        ledger: () => this.current,
        orderer: () => this.orderer,
      }),
    );
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
  }
}

/** The chaincode server takes a moment to bind after it starts: retry for up to 20 s. */
async function connectWithRetry(
  address: string,
  expectedId: string | undefined,
  deadline = Date.now() + 20_000,
): Promise<ShimSession> {
  for (;;) {
    try {
      return await ShimSession.connect(address, expectedId === undefined ? {} : { expectedId });
    } catch (err) {
      if (Date.now() > deadline || (err instanceof Error && /registered as/.test(err.message))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
