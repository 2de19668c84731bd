import { Wallet } from "ethers";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { publicKeyFromPrivate } from "../../core/crypto/sm2.ts";
import type { ErrorCode } from "../../core/errors.ts";
import type { OperationName } from "../../core/operations.ts";
import { signRecord, type LedgerRecord, type SignedRecord } from "../../core/record.ts";
import type { Role } from "../../core/records/common.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";

/**
 * The cast of the conformance scenarios. Every key is derived from the actor's name, so the
 * same scenario signs the same records (same nonces, same hashes) on every variant.
 */
export const CAST = {
  agency: "agency",
  su1: "source-unit",
  su2: "source-unit",
  op: "operator",
  op2: "operator",
  pa: "partner",
  pa2: "partner",
  ex: "exchange",
  sup: "supervisor",
  con: "consumer",
} as const satisfies Record<string, Role>;
export type ActorName = keyof typeof CAST;
export const ACTOR_NAMES = Object.keys(CAST) as ActorName[];

export interface CastMember extends ConformanceIdentity {
  readonly name: ActorName;
  readonly role: Role;
  readonly sm2PrivateKey: string;
  readonly sm2PublicKey: string;
}

const MSP: Record<Role, string> = {
  agency: "AgencyMSP",
  "source-unit": "SourceUnitsMSP",
  operator: "OperatorMSP",
  partner: "PartnerMSP",
  exchange: "ExchangeMSP",
  supervisor: "SupervisorMSP",
  consumer: "ConsumerMSP",
};

export function orgIdOf(index: number, role: Role): string {
  const first17 = (role === "agency" ? "11440300" : "91440300") + "PDLC" + String(index).padStart(5, "0");
  return first17 + usccCheckCharacter(first17);
}

export const MEMBERS: Record<ActorName, CastMember> = Object.fromEntries(
  ACTOR_NAMES.map((name, i) => {
    const role = CAST[name];
    const sm2PrivateKey = sm3Hex(`pdl-conformance-sm2:${name}`);
    const wallet = new Wallet("0x" + sm3Hex(`pdl-conformance-evm:${name}`));
    return [
      name,
      {
        name,
        role,
        orgId: orgIdOf(i + 1, role),
        sm2PrivateKey,
        sm2PublicKey: publicKeyFromPrivate(sm2PrivateKey),
        evmPrivateKey: wallet.privateKey,
        evmAddress: wallet.address.toLowerCase(),
        mspId: MSP[role],
      },
    ];
  }),
) as Record<ActorName, CastMember>;

export const org = (name: ActorName): string => MEMBERS[name].orgId;

/** 2026-01-01T00:00:00+08:00: every scenario's chain starts here. */
export const GENESIS = 1_767_196_800;

/** Signs a record as `author` (or with `signer`'s key, to forge) with a deterministic nonce. */
export function signAs<O extends OperationName>(
  author: ActorName,
  op: O,
  body: unknown,
  nonceSeed: string,
  signer: ActorName = author,
): SignedRecord<O> {
  const record = {
    v: 1,
    op,
    actor: org(author),
    nonce: sm3Hex(`nonce:${nonceSeed}`).slice(0, 32),
    body,
  } as LedgerRecord<O>;
  return signRecord(record, MEMBERS[signer].sm2PrivateKey);
}

export function actorBody(name: ActorName) {
  const m = MEMBERS[name];
  return {
    orgId: m.orgId,
    name: `Conformance ${name}`,
    role: m.role,
    publicKey: m.sm2PublicKey,
    evmAddress: m.evmAddress,
    fabric: { mspId: m.mspId },
  };
}

export type Outcome = "ok" | ErrorCode;

/** An organisation outside the cast (never enrolled, never registered unless a step does it). */
export function strangerBody(role: Role, index = 90) {
  const wallet = new Wallet("0x" + sm3Hex(`pdl-conformance-evm:stranger${index}`));
  const sm2 = sm3Hex(`pdl-conformance-sm2:stranger${index}`);
  return {
    orgId: orgIdOf(index, role),
    name: `Stranger ${index}`,
    role,
    publicKey: publicKeyFromPrivate(sm2),
    evmAddress: wallet.address.toLowerCase(),
    fabric: { mspId: MSP[role] },
  };
}

/** Who an actor is on each chain, derived deterministically from the scenario's actor name. */
export interface ConformanceIdentity {
  readonly orgId: string;
  readonly role: string;
  /** secp256k1 private key (0x hex) of the actor's EVM account. */
  readonly evmPrivateKey: string;
  readonly evmAddress: string;
  /** Fabric MSP id of the actor's organisation. */
  readonly mspId: string;
}
