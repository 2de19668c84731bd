import { createPrivateKey, type KeyObject } from "node:crypto";
import { hash, signers, type Hash, type Identity, type Signer } from "@hyperledger/fabric-gateway";
import { sign as sm2Sign, signatureToDer } from "../../../core/crypto/sm2.ts";

/**
 * The service's Fabric client identity: an X.509 enrolment certificate (the creator every
 * transaction carries) and its private key (what signs proposals, transactions and requests).
 *
 * Default: ECDSA (P-256, as Fabric CA issues; P-384 also works) signing SHA-256 digests, with
 * fabric-gateway's own low-S DER signer. Ed25519 keys (Fabric ≥ 3.0) sign the whole message
 * (hash.none).
 *
 * SM2 (GM forks of Fabric only; upstream Fabric has no SM2 and fabric-gateway's
 * newPrivateKeySigner rejects SM2 keys): `sm2ClientIdentity` below, passed to
 * FabricBackend.connect. It uses `hash: hash.none`, so the signer receives the full message,
 * and signs SM2-with-SM3 with the GM/T 0009 default user id "1234567812345678"
 * (core/crypto/sm2.ts), returning the DER SEQUENCE { r, s } that GM forks expect. Node's
 * crypto.sign with an SM2 key, on the OpenSSL 3 it bundles, uses an empty user id, which GM
 * peers reject. The transaction id stays SHA-256(nonce ‖ creator): the gateway client always
 * computes it that way, and a GM peer must agree. Not tested against a GM peer (the emulator
 * verifies ECDSA and Ed25519 only).
 */
export interface ClientIdentity {
  readonly identity: Identity;
  readonly signer: Signer;
  readonly hash: Hash;
}

export function clientIdentity(mspId: string, certificatePem: string | Buffer, privateKey: KeyObject): ClientIdentity {
  const type = privateKey.asymmetricKeyType;
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  const identity = { mspId, credentials: Buffer.from(certificatePem) };
  if (type === "ec" && (curve === "prime256v1" || curve === "secp384r1"))
    return { identity, signer: signers.newPrivateKeySigner(privateKey), hash: hash.sha256 };
  if (type === "ed25519") return { identity, signer: signers.newPrivateKeySigner(privateKey), hash: hash.none };
  throw new Error(
    `unsupported Fabric signing key (${type}${curve ? ` ${curve}` : ""}): use ECDSA P-256, or pass an SM2 signer to FabricBackend.connect`,
  );
}

export function clientIdentityFromPem(
  mspId: string,
  certificatePem: string | Buffer,
  privateKeyPem: string | Buffer,
): ClientIdentity {
  return clientIdentity(mspId, certificatePem, createPrivateKey(privateKeyPem));
}

/**
 * An SM2 client identity for GM forks of Fabric: the enrolment certificate (PEM, SM2 key) and
 * the private key as 64 hex digits (as core/crypto/sm2.ts keeps it). See the note above.
 */
export function sm2ClientIdentity(
  mspId: string,
  certificatePem: string | Buffer,
  privateKeyHex: string,
): ClientIdentity {
  const signer: Signer = async (message) => signatureToDer(sm2Sign(message, privateKeyHex));
  return { identity: { mspId, credentials: Buffer.from(certificatePem) }, signer, hash: hash.none };
}
