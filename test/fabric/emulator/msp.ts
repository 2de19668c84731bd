import { createHash, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { bytes, msp } from "./protos.ts";

/**
 * The channel's MSPs as the emulator knows them: one or more CA certificates per MSP id. It
 * checks what a peer checks before it lets a client near the chaincode, so signer or identity
 * bugs surface here rather than on a real network:
 *
 * - the creator is a SerializedIdentity of a known MSP whose certificate that MSP's CA issued
 *   and which is valid now;
 * - the signature is ECDSA over SHA-256 of the signed bytes, DER encoded, with a low S for the
 *   key's own curve (P-256 or P-384; Fabric rejects high-S signatures as malleable), or Ed25519
 *   over the bytes themselves (Fabric ≥ 3.0);
 * - the transaction id is hex(SHA-256(nonce ‖ creator)).
 *
 * SM2 (GM forks) is not verified; its verifier would plug in at `verifySignature`.
 */
export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdentityError";
  }
}

export interface Creator {
  readonly mspId: string;
  readonly certificate: X509Certificate;
  /** The serialized identity's bytes, as sent. */
  readonly serialized: Buffer;
}

/** P-256 group order; Fabric requires s ≤ n/2. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** Group orders by the curve names Node reports; low S is judged against the signer's own curve. */
const CURVE_ORDER: Readonly<Record<string, bigint>> = {
  prime256v1: P256_N,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

/** The S value of a DER ECDSA signature, or undefined if the DER is malformed. */
function derS(signature: Buffer): bigint | undefined {
  // SEQUENCE { INTEGER r, INTEGER s }: short-form lengths up to P-384 (≤ 104 bytes), long form
  // (0x81 nn) for the sequence otherwise.
  if (signature.length < 8 || signature[0] !== 0x30) return undefined;
  const longForm = signature[1] === 0x81;
  const bodyAt = longForm ? 3 : 2;
  if ((longForm ? signature[2] : signature[1]) !== signature.length - bodyAt) return undefined;
  if (signature[bodyAt] !== 0x02) return undefined;
  const rLength = signature[bodyAt + 1]!;
  const sAt = bodyAt + 2 + rLength;
  if (signature[sAt] !== 0x02) return undefined;
  const sLength = signature[sAt + 1]!;
  if (sAt + 2 + sLength !== signature.length) return undefined;
  return BigInt("0x" + signature.subarray(sAt + 2).toString("hex"));
}

export function verifySignature(certificate: X509Certificate, message: Uint8Array, signature: Uint8Array): void {
  const sig = Buffer.from(signature);
  const key = certificate.publicKey;
  if (key.asymmetricKeyType === "ed25519") {
    if (!verify(null, message, key, sig))
      throw new IdentityError("the signature does not verify against the creator's certificate");
    return;
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const order = key.asymmetricKeyType === "ec" && curve ? CURVE_ORDER[curve] : undefined;
  if (order === undefined)
    throw new IdentityError(
      `the creator's key (${key.asymmetricKeyType}${curve ? ` ${curve}` : ""}) is not one the emulated MSP verifies (ECDSA P-256 or P-384, Ed25519)`,
    );
  const s = derS(sig);
  if (s === undefined) throw new IdentityError("the signature is not a DER ECDSA signature");
  if (s > order >> 1n)
    throw new IdentityError("the signature has a high S value (Fabric requires low-S ECDSA signatures)");
  if (!verify("sha256", message, key, sig))
    throw new IdentityError("the signature does not verify against the creator's certificate");
}

/** An ECDSA P-256 signature as Fabric wants it: SHA-256, DER, low S. */
export function signEcdsa(privateKey: KeyObject, message: Uint8Array): Buffer {
  const raw = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
  const r = BigInt("0x" + raw.subarray(0, 32).toString("hex"));
  let s = BigInt("0x" + raw.subarray(32).toString("hex"));
  if (s > P256_N >> 1n) s = P256_N - s;
  const integer = (n: bigint) => {
    let hex = n.toString(16);
    if (hex.length % 2) hex = "0" + hex;
    let b = Buffer.from(hex, "hex");
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export function transactionIdOf(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash("sha256").update(nonce).update(creator).digest("hex");
}

export class MspRegistry {
  private readonly cas = new Map<string, X509Certificate[]>();
  /** Creators already checked, by their serialized bytes (hex SHA-256). */
  private readonly known = new Map<string, Creator>();

  trust(mspId: string, caCertificatePem: string): void {
    const list = this.cas.get(mspId) ?? [];
    list.push(new X509Certificate(caCertificatePem));
    this.cas.set(mspId, list);
  }

  get mspIds(): string[] {
    return [...this.cas.keys()];
  }

  /** Parses and checks a SerializedIdentity (MSP known, certificate issued by its CA and in date). */
  creator(serialized: Uint8Array): Creator {
    const id = createHash("sha256").update(serialized).digest("hex");
    const cached = this.known.get(id);
    if (cached) {
      this.checkDates(cached.certificate);
      return cached;
    }
    let identity: InstanceType<typeof msp.SerializedIdentity>;
    try {
      identity = msp.SerializedIdentity.deserializeBinary(serialized);
    } catch {
      throw new IdentityError("the creator is not a serialized identity");
    }
    const mspId = identity.getMspid();
    const cas = this.cas.get(mspId);
    if (!cas) throw new IdentityError(`MSP ${mspId || "(empty)"} is not a member of the channel`);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(bytes(identity.getIdBytes()));
    } catch {
      throw new IdentityError("the creator's identity is not an X.509 certificate");
    }
    if (!cas.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) {
      throw new IdentityError(`the creator's certificate was not issued by a CA of ${mspId}`);
    }
    this.checkDates(certificate);
    const creator = { mspId, certificate, serialized: Buffer.from(serialized) };
    this.known.set(id, creator);
    return creator;
  }

  /** Checks `signature` over `message` by the serialized identity `serialized`. */
  verify(serialized: Uint8Array, message: Uint8Array, signature: Uint8Array): Creator {
    const creator = this.creator(serialized);
    verifySignature(creator.certificate, message, signature);
    return creator;
  }

  private checkDates(certificate: X509Certificate): void {
    const now = Date.now();
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo))
      throw new IdentityError("the creator's certificate is expired or not yet valid");
  }
}
