import {
  AbiCoder,
  encodeBytes32String,
  type EventFragment,
  decodeBytes32String,
  keccak256,
  toUtf8Bytes,
  ZeroAddress,
  ZeroHash,
} from "ethers";
import { setBounded } from "../../../../core/bounded-map.ts";
import { canonicalJson } from "../../../../core/canonical.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { recordHash, type SignedRecord } from "../../../../core/record.ts";
import { ROLES, type Role, type ScopeEntry } from "../../../../core/records/common.ts";
import { COMPLAINT_OUTCOMES, COMPLAINT_SUBJECTS } from "../../../../core/records/complaint.ts";
import { ALERT_SIGNALS } from "../../../../core/records/alert.ts";
import { ASSET_CLASSES } from "../../../../core/records/destruction.ts";
import { OBJECTION_CATEGORIES, OBJECTION_DECISIONS } from "../../../../core/records/objection.ts";
import { EVALUATION_GRADES } from "../../../../core/records/governance.ts";
import { EXIT_KINDS } from "../../../../core/records/grant.ts";
import { ENVIRONMENTS, HOP_OPERATIONS } from "../../../../core/records/lineage.ts";
import { PRICING_MODELS, type Pricing } from "../../../../core/records/product.ts";
import type { ServiceListEntry } from "../../../../core/records/service-list.ts";
import { REPORT_VERDICTS } from "../../../../core/records/report.ts";
import { UPDATE_FREQUENCIES, type ResourceField, type UpdateFrequency } from "../../../../core/records/resource.ts";
import { registryInterface } from "./artifacts.ts";
import { toEvmEnum } from "./enumerations.ts";

/**
 * How a signed record becomes a registry call: the fields the rules need, typed for the ABI,
 * plus the Meta (author, SM3 record hash, the signed record's canonical JSON for the event).
 * Defined once; the service, the conformance suite and the gas bench all submit through it.
 */
export const id32 = (id: string): string => encodeBytes32String(id);
export const fromId32 = (value: string): string => (value === ZeroHash ? "" : decodeBytes32String(value));
export const hash32 = (hex: string): string => "0x" + hex;
export const fromHash32 = (value: string): string => (value === ZeroHash ? "" : value.slice(2));
/**
 * Names the registry keeps only as hashes (field names), by hash: a refusal that names a field
 * carries its hash, and the service answers with the name the record sent.
 */
const namesByHash = new Map<string, string>();
const NAMES_KEPT = 10_000;

export const nameHash = (name: string): string => {
  const hash = keccak256(toUtf8Bytes(name));
  setBounded(namesByHash, hash, name, NAMES_KEPT);
  return hash;
};

/** A bytes32 value of a refusal as text: a name hashed on the way in, else a short-string id. */
export function nameOf32(value: string): string {
  const named = namesByHash.get(value.toLowerCase());
  if (named !== undefined) return named;
  try {
    return fromId32(value);
  } catch {
    return value;
  }
}
export const originKey = (origin: string): string => keccak256(toUtf8Bytes(origin));
export const pairKey = (a: string, b: string): string =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [a, b]));

const fieldShape = (f: ResourceField): string =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string", "bool"], [f.name, f.type, f.personalInfo]));
const scope = (entries: readonly ScopeEntry[]) =>
  entries.map((e) => ({ resourceId: id32(e.resourceId), fields: e.fields.map(nameHash) }));
const pricing = (p: Pricing) => ({
  model: toEvmEnum(PRICING_MODELS, p.model),
  chargeUnit: id32(p.chargeUnit),
  priceFen: BigInt(p.priceFen),
});
const actorIn = (b: { orgId: string; role: string; evmAddress?: string | undefined; publicKey: string }) => ({
  orgId: id32(b.orgId),
  role: toEvmEnum(ROLES, b.role as Role),
  account: b.evmAddress ?? ZeroAddress,
  publicKey: "0x" + b.publicKey,
});

export interface RegistryCall {
  readonly fn: string;
  readonly args: unknown[];
}

export function metaOf(signed: SignedRecord) {
  return {
    author: id32(signed.record.actor),
    recordHash: hash32(recordHash(signed.record)),
    signedRecord: toUtf8Bytes(canonicalJson(signed)),
  };
}

/** The registry function and arguments for a signed record (already schema-validated). */
export function callOf(signed: SignedRecord): RegistryCall {
  const m = metaOf(signed);
  const r = signed.record;
  // The body was validated against its operation's schema; fields are read by name below.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const b = r.body as any;
  switch (r.op) {
    case "actor.bootstrap":
      return { fn: "bootstrap", args: [m, actorIn(b)] };
    case "actor.register":
      return { fn: "registerActor", args: [m, actorIn(b)] };
    case "resource.review":
      return { fn: "reviewResource", args: [m, id32(b.resourceId), hash32(b.schemaHash), b.decision === "approved"] };
    case "resource.register": {
      const fields = b.fields as ResourceField[];
      return {
        fn: "registerResource",
        args: [
          m,
          {
            id: id32(b.id),
            sourceUnits: (b.sourceUnits as string[]).map(id32),
            holder: id32(b.holder),
            fieldNames: fields.map((f) => nameHash(f.name)),
            fieldShapes: fields.map(fieldShape),
            personalInfo: fields.some((f) => f.personalInfo),
            grade: b.grade,
            schemaHash: hash32(b.schemaHash),
            frequency: toEvmEnum(UPDATE_FREQUENCIES, b.updateFrequency as UpdateFrequency),
          },
        ],
      };
    }
    case "resource.version": {
      const fields = b.fields as ResourceField[];
      return {
        fn: "publishVersion",
        args: [
          m,
          {
            resourceId: id32(b.resourceId),
            version: b.version,
            fieldNames: fields.map((f) => nameHash(f.name)),
            fieldShapes: fields.map(fieldShape),
            personalInfo: fields.some((f) => f.personalInfo),
            grade: b.grade,
            schemaHash: hash32(b.schemaHash),
          },
        ],
      };
    }
    case "resource.withdraw":
      return { fn: "withdrawResource", args: [m, id32(b.resourceId)] };
    case "grant.issue":
      return {
        fn: "issueGrant",
        args: [
          m,
          {
            id: id32(b.id),
            grantee: id32(b.grantee),
            validFrom: b.validFrom,
            validUntil: b.validUntil,
            scope: scope(b.scope),
          },
        ],
      };
    case "grant.suspend":
      return b.alertId === undefined
        ? { fn: "suspendGrant", args: [m, id32(b.grantId)] }
        : { fn: "suspendFromAlert", args: [m, id32(b.grantId), id32(b.alertId)] };
    case "alert.raise":
      return { fn: "raiseAlert", args: [m, id32(b.id), id32(b.grantId), toEvmEnum(ALERT_SIGNALS, b.signal)] };
    case "grant.resume":
      return { fn: "resumeGrant", args: [m, id32(b.grantId)] };
    case "grant.revoke":
      return { fn: "revokeGrant", args: [m, id32(b.grantId)] };
    case "grant.exitNotice":
      return { fn: "fileExitNotice", args: [m, id32(b.grantId), hash32(b.planHash)] };
    case "grant.exit":
      return { fn: "startExit", args: [m, id32(b.grantId), toEvmEnum(EXIT_KINDS, b.kind)] };
    case "grant.close":
      return { fn: "closeGrant", args: [m, id32(b.grantId)] };
    case "partner.propose":
      return {
        fn: "proposePartner",
        args: [
          m,
          {
            id: id32(b.id),
            grantId: id32(b.grantId),
            partner: id32(b.partner),
            validUntil: b.validUntil,
            products: (b.products as string[]).map(id32),
            scope: scope(b.scope),
          },
        ],
      };
    case "partner.approve":
      return { fn: "approvePartner", args: [m, id32(b.admissionId)] };
    case "partner.revoke":
      return { fn: "revokePartner", args: [m, id32(b.admissionId)] };
    case "cap.set":
      return { fn: "setPriceCap", args: [m, id32(b.domain), id32(b.chargeUnit), BigInt(b.maxPriceFen)] };
    case "product.register":
      return {
        fn: "registerProduct",
        args: [
          m,
          {
            id: id32(b.id),
            grantId: id32(b.grantId),
            domain: id32(b.domain),
            sources: (b.sources as string[]).map(id32),
            pricing: pricing(b.pricing),
            sensitive: Boolean(b.personalInfo) || Boolean(b.tradeSecret),
          },
        ],
      };
    case "product.reprice":
      return { fn: "repriceProduct", args: [m, id32(b.productId), pricing(b.pricing)] };
    case "report.issue":
      return {
        fn: "issueReport",
        args: [m, hash32(b.reportHash), id32(b.productId), toEvmEnum(REPORT_VERDICTS, b.verdict)],
      };
    case "product.list":
      return { fn: "listProduct", args: [m, id32(b.productId), hash32(b.reportHash)] };
    case "product.delist":
      return { fn: "delistProduct", args: [m, id32(b.productId)] };
    case "revenue.setMaximum":
      return {
        fn: "setRevenueMaximum",
        args: [
          m,
          id32(b.operator),
          b.year,
          (b.domains as string[]).map(id32),
          BigInt(b.operatingCostFen),
          BigInt(b.permittedProfitFen),
          BigInt(b.taxFen),
        ],
      };
    case "revenue.report":
      return { fn: "reportRevenue", args: [m, id32(b.operator), b.year, BigInt(b.actualRevenueFen)] };
    case "revenue.guide":
      return { fn: "recordRevenueGuidance", args: [m, id32(b.operator), b.year] };
    case "serviceList.publish":
      return {
        fn: "publishServiceList",
        args: [
          m,
          id32(b.operator),
          (b.entries as ServiceListEntry[]).map((e) => ({
            productId: id32(e.productId),
            free: e.fee.charge === "free",
            chargeUnit: id32(e.fee.chargeUnit),
            priceFen: BigInt(e.fee.priceFen),
          })),
        ],
      };
    case "lineage.hop": {
      const d = b.delivery as
        | { recipient: string; consentRef?: string; crossBorder: boolean; assessmentRef?: string; markedCells: number }
        | undefined;
      const inputs = (
        b.inputs as {
          kind: string;
          resourceId?: string;
          hopId?: string;
          version?: number;
          fields?: string[];
          hash: string;
        }[]
      ).map((i) =>
        i.kind === "artifact"
          ? { artifact: true, ref: id32(i.hopId!), version: 0, fields: [], hash: hash32(i.hash) }
          : {
              artifact: false,
              ref: id32(i.resourceId!),
              version: i.version!,
              fields: i.fields!.map(nameHash),
              hash: hash32(i.hash),
            },
      );
      return {
        fn: "recordHop",
        args: [
          m,
          {
            id: id32(b.id),
            grantId: id32(b.grantId),
            productId: id32(b.productId),
            operation: toEvmEnum(HOP_OPERATIONS, b.operation),
            environment: toEvmEnum(ENVIRONMENTS, b.environment),
            outputGrade: (b.outputGrade as number | undefined) ?? 0,
            outputHash: hash32(b.outputHash),
            hasDelivery: d !== undefined,
            delivery: {
              recipient: d ? id32(d.recipient) : ZeroHash,
              hasConsent: d?.consentRef !== undefined,
              crossBorder: d?.crossBorder ?? false,
              hasAssessment: d?.assessmentRef !== undefined,
              markedCells: d?.markedCells ?? 0,
            },
            inputs,
          },
        ],
      };
    }
    case "destruction.certify":
      return {
        fn: "certifyDestruction",
        args: [m, id32(b.id), id32(b.grantId), toEvmEnum(ASSET_CLASSES, b.assetClass)],
      };
    case "blacklist.add":
      return { fn: "blacklist", args: [m, id32(b.orgId)] };
    case "evaluation.record":
      return { fn: "recordEvaluation", args: [m, id32(b.grantId), b.year, toEvmEnum(EVALUATION_GRADES, b.grade)] };
    case "anchor.checkpoint":
      return {
        fn: "anchorCheckpoint",
        args: [m, originKey(b.origin), b.treeSize, hash32(b.rootHash), hash32(b.checkpointHash)],
      };
    case "complaint.lodge":
      return {
        fn: "lodgeComplaint",
        args: [m, id32(b.id), toEvmEnum(COMPLAINT_SUBJECTS, b.subject.kind), id32(b.subject.id), hash32(b.commitment)],
      };
    case "complaint.handle":
      return {
        fn: "handleComplaint",
        args: [m, id32(b.complaintId), b.outcome === undefined ? 0 : toEvmEnum(COMPLAINT_OUTCOMES, b.outcome)],
      };
    case "objection.file":
      return {
        fn: "fileObjection",
        args: [m, id32(b.id), id32(b.resourceId), b.version, toEvmEnum(OBJECTION_CATEGORIES, b.category)],
      };
    case "objection.answer":
      return { fn: "answerObjection", args: [m, id32(b.objectionId), toEvmEnum(OBJECTION_DECISIONS, b.decision)] };
    default:
      throw new LedgerError("INVALID_RECORD", `no registry function for ${String((r as { op: unknown }).op)}`);
  }
}

let recordEventNames: Map<string, string> | undefined;

/** The registry's record events by topic: every event whose data is (bytes32 recordHash, bytes signedRecord). */
function recordEvents(): Map<string, string> {
  if (!recordEventNames) {
    recordEventNames = new Map();
    registryInterface().forEachEvent((e: EventFragment) => {
      const data = e.inputs.filter((i) => !i.indexed).map((i) => i.type);
      if (data.length === 2 && data[0] === "bytes32" && data[1] === "bytes") recordEventNames!.set(e.topicHash, e.name);
    });
  }
  return recordEventNames;
}

export interface RecordEventFields {
  readonly event: string;
  /** The indexed id topic (bytes32 hex). */
  readonly id: string;
  readonly recordHash: string;
  /** The signed record's canonical JSON as emitted (UTF-8 decoded, not yet parsed). */
  readonly signedRecordJson: string;
}

/**
 * A record event's fields from its log. ethers' generic decoder turns the signed record's bytes
 * into hex and back several times (most of indexing's time); the layout here is
 * fixed: head words recordHash and the offset of signedRecord (0x40), then its length and
 * bytes. Anything else (another offset, a length beyond the data) is not a record event.
 */
export function decodeRecordEvent(log: {
  readonly topics: readonly string[];
  readonly data: string;
}): RecordEventFields | undefined {
  const event = recordEvents().get(log.topics[0] ?? "");
  const id = log.topics[1];
  if (!event || !id || !/^0x(?:[0-9a-fA-F]{2})*$/.test(log.data)) return undefined;
  const data = Buffer.from(log.data.slice(2), "hex");
  if (data.length < 96) return undefined;
  // A uint256 head word that fits 32 bits, or -1.
  const small = (at: number): number =>
    data.subarray(at, at + 28).every((b) => b === 0) ? data.readUInt32BE(at + 28) : -1;
  const length = small(32) === 64 ? small(64) : -1;
  if (length < 0 || 96 + length > data.length) return undefined;
  return {
    event,
    id,
    recordHash: data.subarray(0, 32).toString("hex"),
    signedRecordJson: data.subarray(96, 96 + length).toString("utf8"),
  };
}
