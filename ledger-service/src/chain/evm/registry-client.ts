import {
  Contract,
  ContractFactory,
  getBytes,
  Interface,
  toQuantity,
  toUtf8Bytes,
  ZeroHash,
  type ContractRunner,
  type Provider,
  type Signer,
  type TransactionRequest,
} from "ethers";
import { codeFromSolidityError, LedgerError } from "../../../../core/errors.ts";
import { parseSignedRecord, recordHash, type SignedRecord } from "../../../../core/record.ts";
import { ROLES } from "../../../../core/records/common.ts";
import { fromEvmEnum } from "./enumerations.ts";
import { UPDATE_FREQUENCIES } from "../../../../core/records/resource.ts";
import { ASSET_CLASSES } from "../../../../core/records/destruction.ts";
import { COMPLAINT_OUTCOMES, COMPLAINT_STATUSES, COMPLAINT_SUBJECTS } from "../../../../core/records/complaint.ts";
import { OBJECTION_CATEGORIES, OBJECTION_DECISIONS } from "../../../../core/records/objection.ts";
import { ALERT_ACTIONS, ALERT_SIGNALS } from "../../../../core/records/alert.ts";
import { complaintDeadline, objectionDeadline } from "../../../../core/time.ts";
import { EVALUATION_GRADES } from "../../../../core/records/governance.ts";
import { EXIT_KINDS, GRANT_STATUSES } from "../../../../core/records/grant.ts";
import { PARTNER_STATUSES } from "../../../../core/records/partner.ts";
import { PRICING_MODELS, PRODUCT_STATUSES } from "../../../../core/records/product.ts";
import { REPORT_VERDICTS } from "../../../../core/records/report.ts";
import { GUIDANCE_STATUSES, REVENUE_BANDS } from "../../../../core/records/revenue.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../../core/views.ts";
import { loadArtifact, MODULES, registryInterface } from "./artifacts.ts";
import {
  callOf,
  decodeRecordEvent,
  fromHash32,
  fromId32,
  hash32,
  id32,
  nameOf32,
  originKey,
  type RecordEventFields,
} from "./encoding.ts";
import { setBounded } from "../../../../core/bounded-map.ts";
import type { RelaySender } from "./relay.ts";
import { ChainMismatchError, OutcomeUnknownError } from "../backend.ts";
import { decodeRelayBatch, encodeCall, encodeRelayBatch, fromHex, toHex } from "./calldata.ts";

/** Deploys the modules and the routing registry; returns the registry's address. */
export async function deployRegistry(deployer: Signer, overrides: TransactionRequest = {}): Promise<string> {
  const modules: string[] = [];
  const selectors: string[][] = [];
  for (const name of MODULES) {
    const artifact = loadArtifact(name);
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
    const contract = await factory.deploy(overrides);
    await contract.waitForDeployment();
    modules.push(await contract.getAddress());
    const fns: string[] = [];
    new Interface(artifact.abi).forEachFunction((f) => fns.push(f.selector));
    selectors.push(fns);
  }
  const registry = loadArtifact("Registry");
  const contract = await new ContractFactory(registry.abi, registry.bytecode, deployer).deploy(
    modules,
    selectors,
    overrides,
  );
  await contract.waitForDeployment();
  return contract.getAddress();
}

/** Digs the revert data out of whatever shape the provider's error has. */
function revertData(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 6) return undefined;
  const e = err as Record<string, unknown>;
  if (typeof e.data === "string" && e.data.startsWith("0x") && e.data.length >= 10) return e.data;
  for (const k of ["data", "error", "info", "cause", "payload"]) {
    const found = revertData(e[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A failed call's revert data as the rule's LedgerError (an Error naming the data otherwise). */
function refusalOf(data: string): unknown {
  const rule = ruleErrorOf({ data });
  return rule instanceof LedgerError
    ? rule
    : new Error(`the registry refused the call without a rule code (revert data ${data.slice(0, 74) || "empty"})`);
}

/** A rule rejection as LedgerError; anything else (transport, gas) is rethrown unchanged. */
export function ruleErrorOf(err: unknown): unknown {
  const data = revertData(err);
  if (!data) return err;
  const parsed = registryInterface().parseError(data);
  const code = parsed ? codeFromSolidityError(parsed.name) : undefined;
  if (!parsed || !code) return err;
  // The custom error's parameters are the refusal's details, under the same names as the
  // chaincode's (docs/RULEBOOK.md): ids and field names as text, limits as numbers.
  const inputs = parsed.fragment.inputs;
  if (inputs.length === 0) return new LedgerError(code);
  const details: Record<string, unknown> = {};
  inputs.forEach((input, i) => {
    const value: unknown = parsed.args[i];
    details[input.name] =
      input.type === "bytes32"
        ? detailOf32(input.name, value as string)
        : typeof value === "bigint"
          ? Number(value)
          : value;
  });
  return new LedgerError(code, detailOf(details), details);
}

/**
 * A bytes32 detail as the chaincode names it: a hash (reportHash, or an id that is a report's
 * hash) as 64 hex, as on the wire; otherwise a short-string id or a known name.
 */
function detailOf32(name: string, value: string): string {
  if (name.endsWith("Hash")) return fromHash32(value);
  const named = nameOf32(value);
  return named.startsWith("0x") ? fromHash32(named) : named;
}

/** The details as one line of text, for the `detail` the chaincode writes in words. */
function detailOf(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(", ");
}

export interface DecodedEvent {
  /** Solidity event name, e.g. "GrantIssued". */
  readonly event: string;
  /** The event's indexed id topic (bytes32: a short-string id, or a keccak key for caps and anchors). */
  readonly id: string;
  /** SM3 record hash, 64 lowercase hex (no 0x). */
  readonly recordHash: string;
  readonly signed: SignedRecord;
  readonly txId: string;
  readonly blockNumber: number;
  /** Block time, Unix seconds. */
  readonly blockTime: number;
  readonly logIndex: number;
}

/** Where a transaction landed. */
export interface TxPosition {
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
}

/** Where a submitted record landed. */
export interface SubmitResult extends TxPosition {
  readonly gasUsed: bigint;
}

/** A log of the registry, as the decoder reads it. */
interface RegistryLog {
  readonly topics: readonly string[];
  readonly data: string;
  readonly transactionHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly index: number;
}

/** One record's part in a batch dry run: accepted with the gas it used, or refused. */
export type BatchDryRun = { readonly ok: true; readonly gas: bigint } | { readonly ok: false; readonly error: unknown };

/** Where a batch landed: its transaction, and the hashes of the records it emitted events for. */
export interface BatchSubmitResult extends TxPosition {
  readonly emitted: ReadonlySet<string>;
}

/**
 * Gas budget of a relayBatch transaction from its dry run: the transaction's base cost, and per
 * call the gas it used plus 20 % headroom (later state may cost a little more), its calldata at
 * 40 gas a byte (the EIP-7623 floor price of a non-zero byte, an upper bound of what calldata
 * costs on every fork from Paris to Prague), and the loop's own work (delegatecall, copying,
 * result arrays).
 */
export const BATCH_BASE_GAS = 31_000n;

export function batchCallGas(calldata: Uint8Array, gasUsed: bigint): bigint {
  return (gasUsed * 12n) / 10n + 12_000n + 40n * BigInt(calldata.length + 64);
}

/** Whether a view key can name anything on chain: short-string ids fit 31 bytes, years fit uint16. */
function viewable(key: ViewKey): boolean {
  const fits = (s: string) => s.length > 0 && toUtf8Bytes(s).length <= 31;
  switch (key.kind) {
    case "anchor":
      return key.id.length > 0;
    case "report":
      return /^[0-9a-f]{64}$/.test(key.id);
    case "price-cap": {
      const parts = key.id.split("/");
      return parts.length === 2 && parts.every(fits);
    }
    case "evaluation": {
      const slash = key.id.lastIndexOf("/");
      const year = Number(key.id.slice(slash + 1));
      return slash > 0 && fits(key.id.slice(0, slash)) && /^\d{1,5}$/.test(key.id.slice(slash + 1)) && year <= 65_535;
    }
    default:
      return fits(key.id);
  }
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The registry at one address, through one ethers runner. Writes take the signed record;
 * the EVM cannot verify SM2, so the caller (the ledger service) verifies the signature before
 * submitting; the schema is checked here (INVALID_RECORD), as it is in chaincode.
 */
export class RegistryClient {
  readonly contract: Contract;
  /** Block times by block hash (a hash never changes its time, even across reorgs or reverts). */
  private readonly blockTimes = new Map<string, number>();
  private readonly submitted = new SubmittedRecords();

  constructor(
    readonly address: string,
    runner: ContractRunner,
  ) {
    this.contract = new Contract(address, registryInterface(), runner);
  }

  get provider(): Provider {
    const p = this.contract.runner?.provider;
    if (!p) throw new Error("registry client has no provider");
    return p;
  }

  /** The populated transaction for a record, schema-checked (LedgerError INVALID_RECORD otherwise). */
  async populate(signed: SignedRecord, overrides: TransactionRequest = {}): Promise<TransactionRequest> {
    return { ...overrides, to: this.address, data: toHex(this.calldata(signed)) };
  }

  /** The calldata of a record's registry call (schema-checked: LedgerError INVALID_RECORD otherwise). */
  calldata(signed: SignedRecord): Uint8Array {
    const checked = parseSignedRecord(signed);
    const call = callOf(checked);
    const meta = call.args[0] as { recordHash: string; signedRecord: Uint8Array };
    this.submitted.remember(meta.recordHash.slice(2), Buffer.from(meta.signedRecord).toString("utf8"), checked);
    return encodeCall(call.fn, call.args);
  }

  /**
   * Runs the rules without writing (eth_call from `from`, at the latest block, so "now" is the
   * latest block's time or the pending block's, depending on the node); rejects with the
   * rule's LedgerError. Returns the gas the call would use.
   */
  async simulate(signed: SignedRecord, from: string): Promise<bigint> {
    const tx = await this.populate(signed);
    try {
      return await this.provider.estimateGas({ ...tx, from });
    } catch (err) {
      throw ruleErrorOf(err);
    }
  }

  /**
   * Dry-runs several calls in order as one relayBatch (one eth_call from `from`): each call sees
   * the effects of the earlier accepted ones, exactly as in the transaction that would carry
   * them. Refused calls get their rule's LedgerError. A transport failure rejects as a whole.
   */
  async simulateBatch(calls: readonly Uint8Array[], from: string): Promise<BatchDryRun[]> {
    let returned: string;
    try {
      returned = await this.rpc<string>("eth_call", [
        { to: this.address, from, data: toHex(encodeRelayBatch(calls)) },
        "latest",
      ]);
    } catch (err) {
      // Only a malformed batch reverts as a whole (a nested batch); name the registry's error.
      const data = revertData(err);
      const parsed = data ? registryInterface().parseError(data) : null;
      if (parsed?.name === "UnknownFunction")
        throw new Error(
          `the registry at ${this.address} has no relayBatch: it was deployed by an earlier version; deploy the current one (npm run deploy:registry)`,
          { cause: err },
        );
      throw parsed ? new Error(`relayBatch reverted with ${parsed.name}()`, { cause: err }) : err;
    }
    // No code at the address answers every call with nothing: not our registry's chain.
    if (returned === "0x") throw await this.mismatch();
    const { ok, gasUsed, revertData: reverts } = decodeRelayBatch(fromHex(returned));
    return calls.map((_, i) =>
      ok[i] ? { ok: true, gas: gasUsed[i]! } : { ok: false, error: refusalOf(toHex(reverts[i]!)) },
    );
  }

  /**
   * Sends `calls` as one relayBatch transaction through `sender` and waits for it to be mined.
   * A call refused at mining time (the state moved since the dry run) emits nothing: the
   * result's `emitted` tells which records made it.
   */
  async submitBatch(calls: readonly Uint8Array[], sender: RelaySender, gasLimit: bigint): Promise<BatchSubmitResult> {
    const mined = await sender.relay(this.address, toHex(encodeRelayBatch(calls)), gasLimit);
    // Reverted: nothing of it was written. Said through its id, so the outcome settles as "dropped".
    if (!mined.success) throw new OutcomeUnknownError(`batch transaction ${mined.txId} failed`, { txId: mined.txId });
    const emitted = new Set<string>();
    for (const log of mined.logs) {
      const hash =
        log.address.toLowerCase() === this.address.toLowerCase() ? decodeRecordEvent(log)?.recordHash : undefined;
      if (hash) emitted.add(hash);
    }
    let blockTime: number;
    try {
      blockTime = await this.blockTime(mined.blockHash);
    } catch (err) {
      // Mined: whatever it emitted is on chain, only its block's time is not known yet.
      throw new OutcomeUnknownError(
        `transaction ${mined.txId} was mined in block ${mined.blockNumber}; its block could not be read`,
        { txId: mined.txId },
        { cause: err },
      );
    }
    return { txId: mined.txId, blockNumber: mined.blockNumber, blockTime, emitted };
  }

  /** The error for a chain where the registry's calls return nothing: no registry code there, or something else. */
  async mismatch(): Promise<Error> {
    const code = await this.rpc<string>("eth_getCode", [this.address, "latest"]);
    return code === "0x"
      ? new ChainMismatchError(
          `no registry at ${this.address} on this chain: a node that lost its state, or another chain than this data directory's`,
          "evm",
        )
      : new Error(`the registry at ${this.address} answered a call with no data`);
  }

  /** Block 0's hash, the head and whether the registry has code: what identifies this chain. */
  async identify(): Promise<{ genesis: string; head: number; registry: boolean }> {
    const [genesis, head, code] = await Promise.all([
      this.rpc<{ hash: string } | null>("eth_getBlockByNumber", ["0x0", false]),
      this.rpc<string>("eth_blockNumber", []),
      this.rpc<string>("eth_getCode", [this.address, "latest"]),
    ]);
    return { genesis: genesis?.hash ?? "", head: Number(head), registry: code !== "0x" };
  }

  /** Why a record's call is refused on the current state (after a batch left it out), if it is. */
  async refusal(calldata: Uint8Array, from: string): Promise<unknown> {
    try {
      await this.rpc("eth_call", [{ to: this.address, from, data: toHex(calldata) }, "latest"]);
      return undefined;
    } catch (err) {
      return ruleErrorOf(err);
    }
  }

  /** Sends the record's transaction from `signer` and waits for it to be mined. */
  async submit(signed: SignedRecord, signer: Signer, overrides: TransactionRequest = {}): Promise<SubmitResult> {
    const tx = await this.populate(signed, overrides);
    try {
      const sent = await signer.sendTransaction(tx);
      const receipt = await sent.wait();
      if (!receipt || receipt.status !== 1) throw new Error(`transaction ${sent.hash} failed`);
      return {
        txId: receipt.hash,
        blockNumber: receipt.blockNumber,
        blockTime: await this.blockTime(receipt.blockHash),
        gasUsed: receipt.gasUsed,
      };
    } catch (err) {
      const rule = ruleErrorOf(err);
      if (rule instanceof LedgerError || !(err instanceof Error) || !/reverted|failed/.test(err.message)) throw rule;
      // A transaction mined but reverted without the reason in the error (some nodes): replay
      // it as a call to learn which rule failed.
      throw await this.diagnose(tx, await signer.getAddress(), err);
    }
  }

  private async diagnose(tx: TransactionRequest, from: string, original: unknown): Promise<unknown> {
    const rule = await this.refusal(getBytes(tx.data as string), from);
    return rule instanceof LedgerError ? rule : original;
  }

  /** The latest block's time (Unix seconds). */
  async now(): Promise<number> {
    const block = await this.provider.getBlock("latest");
    if (!block) throw new Error("no latest block");
    return block.timestamp;
  }

  private async blockTime(blockHash: string): Promise<number> {
    const known = this.blockTimes.get(blockHash);
    if (known !== undefined) return known;
    const block = await this.provider.getBlock(blockHash);
    if (!block) throw new Error(`block ${blockHash} not found`);
    setBounded(this.blockTimes, blockHash, block.timestamp, 10_000);
    return block.timestamp;
  }

  private read<T>(fn: string, ...args: unknown[]): Promise<T> {
    return this.contract.getFunction(fn).staticCall(...args) as Promise<T>;
  }

  /** The state view of `key`, or undefined when there is none (also for ids no record can have). */
  async view(key: ViewKey): Promise<StateView | undefined> {
    const id = key.id;
    if (!viewable(key)) return undefined;
    switch (key.kind) {
      case "actor": {
        const [role, , publicKey] = await this.read<[bigint, string, string]>("actorOf", id32(id));
        return role === 0n
          ? undefined
          : { kind: "actor", orgId: id, role: fromEvmEnum(ROLES, role)!, publicKey: publicKey.slice(2) };
      }
      case "resource": {
        const [exists, withdrawn, version, grade, fieldCount] = await this.read<
          [boolean, boolean, bigint, bigint, bigint]
        >("resourceOf", id32(id));
        if (!exists) return undefined;
        const [frequency, lastVersionAt, nextVersionDue, lateVersions] = await this.read<
          [bigint, bigint, bigint, bigint]
        >("freshnessOf", id32(id));
        return {
          kind: "resource",
          id,
          status: withdrawn ? "withdrawn" : "active",
          version: Number(version),
          grade: Number(grade),
          fieldCount: Number(fieldCount),
          updateFrequency: fromEvmEnum(UPDATE_FREQUENCIES, frequency)!,
          lastVersionAt: Number(lastVersionAt),
          nextVersionDue: Number(nextVersionDue),
          lateVersions: Number(lateVersions),
        };
      }
      case "grant": {
        const g = await this.read<{
          grantee: string;
          status: bigint;
          exitKind: bigint;
          validFrom: bigint;
          validUntil: bigint;
          endedAt: bigint;
          exitNoticeAt: bigint;
        }>("grantOf", id32(id));
        if (g.status === 0n) return undefined;
        return {
          kind: "grant",
          id,
          grantee: fromId32(g.grantee),
          status: fromEvmEnum(GRANT_STATUSES, g.status)!,
          validFrom: Number(g.validFrom),
          validUntil: Number(g.validUntil),
          endedAt: Number(g.endedAt),
          exitKind: fromEvmEnum(EXIT_KINDS, g.exitKind) ?? "",
          exitNoticeAt: Number(g.exitNoticeAt),
        };
      }
      case "partner": {
        const [grantId, partner, status, validUntil] = await this.read<[string, string, bigint, bigint]>(
          "admissionOf",
          id32(id),
        );
        return status === 0n
          ? undefined
          : {
              kind: "partner",
              id,
              grantId: fromId32(grantId),
              partner: fromId32(partner),
              status: fromEvmEnum(PARTNER_STATUSES, status)!,
              validUntil: Number(validUntil),
            };
      }
      case "price-cap": {
        const [domain = "", chargeUnit = ""] = id.split("/");
        const [exists, max] = await this.read<[boolean, bigint]>("capOf", id32(domain), id32(chargeUnit));
        return exists
          ? { kind: "price-cap", domain, chargeUnit: chargeUnit as never, maxPriceFen: Number(max) }
          : undefined;
      }
      case "product": {
        const p = await this.read<{
          grantId: string;
          operator_: string;
          chargeUnit: string;
          status: bigint;
          model: bigint;
          hopCount: bigint;
          priceFen: bigint;
          reportHash: string;
        }>("productOf", id32(id));
        if (p.status === 0n) return undefined;
        return {
          kind: "product",
          id,
          grantId: fromId32(p.grantId),
          operator: fromId32(p.operator_),
          status: fromEvmEnum(PRODUCT_STATUSES, p.status)!,
          model: fromEvmEnum(PRICING_MODELS, p.model)!,
          chargeUnit: fromId32(p.chargeUnit) as never,
          priceFen: Number(p.priceFen),
          hopCount: Number(p.hopCount),
          reportHash: fromHash32(p.reportHash),
        };
      }
      case "report": {
        const [r, latest] = await this.read<[{ productId: string; verdict: bigint; issuedAt: bigint }, string]>(
          "reportOf",
          hash32(id),
        );
        if (r.productId === ZeroHash) return undefined;
        return {
          kind: "report",
          id,
          productId: fromId32(r.productId),
          verdict: fromEvmEnum(REPORT_VERDICTS, r.verdict)!,
          issuedAt: Number(r.issuedAt),
          latest: latest === hash32(id),
          latestReportHash: fromHash32(latest),
        };
      }
      case "hop": {
        const [grantId, outputGrade, outputHash] = await this.read<[string, bigint, string]>("hopOf", id32(id));
        if (grantId === ZeroHash) return undefined;
        // The hop's product and author live in its event, not in storage (gas).
        const [event] = await this.eventsOf("HopRecorded", id32(id));
        if (!event) return undefined;
        const body = event.signed.record.body as { productId: string };
        return {
          kind: "hop",
          id,
          grantId: fromId32(grantId),
          productId: body.productId,
          actor: event.signed.record.actor,
          outputHash: fromHash32(outputHash),
          outputGrade: Number(outputGrade),
        };
      }
      case "certificate": {
        const c = await this.read<{ grantId: string; holder: string; assetClass: bigint; late: boolean }>(
          "certificateOf",
          id32(id),
        );
        if (c.holder === ZeroHash) return undefined;
        return {
          kind: "certificate",
          id,
          grantId: fromId32(c.grantId),
          holder: fromId32(c.holder),
          assetClass: fromEvmEnum(ASSET_CLASSES, c.assetClass)!,
          late: c.late,
        };
      }
      case "blacklist": {
        const until = await this.read<bigint>("bannedUntilOf", id32(id));
        return until === 0n ? undefined : { kind: "blacklist", orgId: id, bannedUntil: Number(until) };
      }
      case "evaluation": {
        const slash = id.lastIndexOf("/");
        const grantId = id.slice(0, slash);
        const year = Number(id.slice(slash + 1));
        const grade = await this.read<bigint>("evaluationOf", id32(grantId), year);
        return grade === 0n
          ? undefined
          : { kind: "evaluation", grantId, year, grade: fromEvmEnum(EVALUATION_GRADES, grade)! };
      }
      case "complaint": {
        const c = await this.read<{
          subjectId: string;
          commitment: string;
          subjectKind: bigint;
          status: bigint;
          outcome: bigint;
          late: boolean;
          lodgedAt: bigint;
          concludedAt: bigint;
        }>("complaintOf", id32(id));
        if (c.status === 0n) return undefined;
        return {
          kind: "complaint",
          id,
          subjectKind: fromEvmEnum(COMPLAINT_SUBJECTS, c.subjectKind)!,
          subjectId: fromId32(c.subjectId),
          commitment: fromHash32(c.commitment),
          lodgedAt: Number(c.lodgedAt),
          deadline: complaintDeadline(Number(c.lodgedAt)),
          status: fromEvmEnum(COMPLAINT_STATUSES, c.status)!,
          outcome: fromEvmEnum(COMPLAINT_OUTCOMES, c.outcome) ?? "",
          concludedAt: Number(c.concludedAt),
          late: c.late,
        };
      }
      case "alert": {
        const a = await this.read<{
          grantId: string;
          signal: bigint;
          action: bigint;
          raisedAt: bigint;
          actedAt: bigint;
        }>("alertOf", id32(id));
        if (a.raisedAt === 0n) return undefined;
        return {
          kind: "alert",
          id,
          grantId: fromId32(a.grantId),
          signal: fromEvmEnum(ALERT_SIGNALS, a.signal)!,
          raisedAt: Number(a.raisedAt),
          action: fromEvmEnum(ALERT_ACTIONS, a.action) ?? "",
          actedAt: Number(a.actedAt),
        };
      }
      case "objection": {
        const o = await this.read<{
          resourceId: string;
          filer: string;
          version: bigint;
          category: bigint;
          decision: bigint;
          late: boolean;
          filedAt: bigint;
          answeredAt: bigint;
        }>("objectionOf", id32(id));
        if (o.filedAt === 0n) return undefined;
        const decision = fromEvmEnum(OBJECTION_DECISIONS, o.decision);
        return {
          kind: "objection",
          id,
          resourceId: fromId32(o.resourceId),
          version: Number(o.version),
          filer: fromId32(o.filer),
          category: fromEvmEnum(OBJECTION_CATEGORIES, o.category)!,
          filedAt: Number(o.filedAt),
          deadline: objectionDeadline(Number(o.filedAt)),
          status: decision ? "answered" : "open",
          decision: decision ?? "",
          answeredAt: Number(o.answeredAt),
          late: o.late,
        };
      }
      case "service-list": {
        const [since, publishedAt, entryCount, publications, lateLists, nextListDue] = await this.read<
          [bigint, bigint, bigint, bigint, bigint, bigint]
        >("serviceListOf", id32(id));
        if (since === 0n) return undefined;
        return {
          kind: "service-list",
          operator: id,
          since: Number(since),
          publishedAt: Number(publishedAt),
          entryCount: Number(entryCount),
          publications: Number(publications),
          lateLists: Number(lateLists),
          nextListDue: Number(nextListDue),
        };
      }
      case "revenue": {
        const slash = id.lastIndexOf("/");
        const year = Number(id.slice(slash + 1));
        if (slash < 0 || !Number.isInteger(year) || year < 0 || year > 65_535) return undefined;
        const operator = id.slice(0, slash);
        const r = await this.read<{
          operatingCostFen: bigint;
          permittedProfitFen: bigint;
          taxFen: bigint;
          actualRevenueFen: bigint;
          setAt: bigint;
          reportedAt: bigint;
          guidanceClosedAt: bigint;
          deviationBp: bigint;
          band: bigint;
          guidance: bigint;
          domains: string[];
        }>("revenueOf", id32(operator), year);
        if (r.setAt === 0n) return undefined;
        return {
          kind: "revenue",
          operator,
          year,
          domains: r.domains.map(fromId32),
          operatingCostFen: Number(r.operatingCostFen),
          permittedProfitFen: Number(r.permittedProfitFen),
          taxFen: Number(r.taxFen),
          maximumFen: Number(r.operatingCostFen + r.permittedProfitFen + r.taxFen),
          setAt: Number(r.setAt),
          reportedAt: Number(r.reportedAt),
          actualRevenueFen: Number(r.actualRevenueFen),
          deviationBp: Number(r.deviationBp),
          band: fromEvmEnum(REVENUE_BANDS, r.band) ?? "",
          guidance: fromEvmEnum(GUIDANCE_STATUSES, r.guidance) ?? "",
          guidanceClosedAt: Number(r.guidanceClosedAt),
        };
      }
      case "anchor": {
        const size = await this.read<bigint>("anchoredSizeOf", originKey(id));
        if (size === 0n) return undefined;
        // Storage keeps the size; the latest anchor's hashes are in its event.
        const latest = (await this.eventsOf("CheckpointAnchored", originKey(id))).at(-1);
        const body = latest?.signed.record.body as { rootHash: string; checkpointHash: string } | undefined;
        return {
          kind: "anchor",
          origin: id,
          treeSize: Number(size),
          rootHash: body?.rootHash ?? "",
          checkpointHash: body?.checkpointHash ?? "",
        };
      }
    }
  }

  async overdue(at: number): Promise<OverdueGrant[]> {
    const list = await this.read<
      { grantId: string; endedAt: bigint; deadline: bigint; missingHolders: string[]; missingClasses: bigint[] }[]
    >("overdue", at);
    return list
      .map((o) => ({
        grantId: fromId32(o.grantId),
        endedAt: Number(o.endedAt),
        deadline: Number(o.deadline),
        // Holders in org-id order, each one's asset classes in rulebook order (as the chaincode).
        missing: o.missingHolders
          .map((h, i) => ({ holder: fromId32(h), assetClass: fromEvmEnum(ASSET_CLASSES, o.missingClasses[i]!)! }))
          .sort(
            (a, b) =>
              byString(a.holder, b.holder) || ASSET_CLASSES.indexOf(a.assetClass) - ASSET_CLASSES.indexOf(b.assetClass),
          ),
      }))
      .sort((a, b) => byString(a.grantId, b.grantId));
  }

  /**
   * Events of the registry from `fromBlock` on, decoded back to signed records, in chain order;
   * with `afterLogIndex`, the logs of `fromBlock` up to that index are skipped undecoded (a
   * resumed stream starts inside the block of its cursor).
   */
  async events(fromBlock: number, toBlock?: number, afterLogIndex = -1): Promise<DecodedEvent[]> {
    const logs = await this.logs({
      fromBlock: toQuantity(fromBlock),
      toBlock: toBlock === undefined ? "latest" : toQuantity(toBlock),
    });
    return this.decode(
      afterLogIndex < 0 ? logs : logs.filter((l) => l.blockNumber !== fromBlock || l.index > afterLogIndex),
    );
  }

  /** The events named `name` whose indexed id is `id` (bytes32), in chain order. */
  async eventsOf(name: string, id: string): Promise<DecodedEvent[]> {
    const fragment = registryInterface().getEvent(name);
    if (!fragment) return [];
    const logs = await this.logs({ fromBlock: "0x0", toBlock: "latest", topics: [fragment.topicHash, id] });
    return this.decode(logs);
  }

  /**
   * Raw JSON-RPC, past ethers' formatting: a batch's calldata and every record event's data are
   * kilobytes of hex that ethers would parse to bytes and re-encode (and every log address
   * checksummed with a keccak) on each call.
   */
  private rpc<T>(method: string, params: unknown[]): Promise<T> {
    const provider = this.provider as unknown as { send?: (method: string, params: unknown[]) => Promise<T> };
    if (typeof provider.send !== "function") throw new Error("the registry client needs a JSON-RPC provider");
    return provider.send(method, params);
  }

  private async logs(filter: Record<string, unknown>): Promise<RegistryLog[]> {
    const raw = await this.rpc<
      {
        topics: string[];
        data: string;
        transactionHash: string;
        blockNumber: string;
        blockHash: string;
        logIndex: string;
        removed?: boolean;
      }[]
    >("eth_getLogs", [{ address: this.address, ...filter }]);
    return raw
      .filter((l) => !l.removed)
      .map((l) => ({
        topics: l.topics,
        data: l.data,
        transactionHash: l.transactionHash,
        blockNumber: Number(l.blockNumber),
        blockHash: l.blockHash,
        index: Number(l.logIndex),
      }));
  }

  private async decode(logs: readonly RegistryLog[]): Promise<DecodedEvent[]> {
    const out: DecodedEvent[] = [];
    for (const log of logs) {
      const fields = decodeRecordEvent(log);
      if (!fields) continue;
      const signed = this.submitted.take(fields.recordHash, fields.signedRecordJson) ?? signedRecordOf(fields);
      if (!signed) continue;
      out.push({
        event: fields.event,
        id: fields.id,
        recordHash: fields.recordHash,
        signed,
        txId: log.transactionHash,
        blockNumber: log.blockNumber,
        blockTime: await this.blockTime(log.blockHash),
        logIndex: log.index,
      });
    }
    return out;
  }
}

/**
 * The signed record an event carries, if it parses and matches the event's hash. Only a caller
 * bypassing the client (sending to the contract directly from a bound address) can emit one
 * that does not: it carries no record to index, so it is skipped.
 */
function signedRecordOf(fields: RecordEventFields): SignedRecord | undefined {
  try {
    const signed = parseSignedRecord(JSON.parse(fields.signedRecordJson));
    return recordHash(signed.record) === fields.recordHash ? signed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records this client encoded, by hash, with the exact JSON their event will carry: when the
 * event comes back byte for byte, the record validated before submission is reused instead of
 * parsing and validating it again. Bounded; anything not found is decoded in full.
 */
class SubmittedRecords {
  private readonly byHash = new Map<string, { json: string; signed: SignedRecord }>();

  remember(hash: string, json: string, signed: SignedRecord): void {
    setBounded(this.byHash, hash, { json, signed }, 4096);
  }

  take(hash: string, json: string): SignedRecord | undefined {
    const known = this.byHash.get(hash);
    if (!known || known.json !== json) return undefined;
    this.byHash.delete(hash);
    return known.signed;
  }
}
