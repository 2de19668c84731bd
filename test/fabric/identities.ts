import "reflect-metadata";
import { createPrivateKey, webcrypto, type KeyObject } from "node:crypto";
import * as x509 from "@peculiar/x509";

/**
 * Fabric X.509 identities for tests: one ECDSA P-256 CA per MSP, and enrolment certificates
 * (P-256 keys unless asked for P-384 or Ed25519) carrying Fabric CA attributes in extension
 * 1.2.3.4.5.6.7.8.1 ({"attrs": {...}}), as Fabric CA issues them. The chaincode reads them
 * through fabric-shim's ClientIdentity.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const FABRIC_ATTRIBUTE_OID = "1.2.3.4.5.6.7.8.1";
const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface FabricIdentity {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly certificateDer: Buffer;
  readonly privateKey: KeyObject;
}

interface Ca {
  readonly keys: CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

const cas = new Map<string, Promise<Ca>>();
let serial = 1;

function caOf(mspId: string): Promise<Ca> {
  let ca = cas.get(mspId);
  if (!ca) {
    ca = (async () => {
      const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "01",
        name: `CN=ca.${mspId.toLowerCase()}, O=${mspId}`,
        notBefore: new Date("2020-01-01T00:00:00Z"),
        notAfter: new Date("2099-01-01T00:00:00Z"),
        keys,
        signingAlgorithm: EC,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
      });
      return { keys, certificate };
    })();
    cas.set(mspId, ca);
  }
  return ca;
}

export async function caCertificatePem(mspId: string): Promise<string> {
  return (await caOf(mspId)).certificate.toString("pem");
}

/** Enrolment key algorithms: P-256 is what Fabric CA issues; P-384 and Ed25519 (Fabric ≥ 3.0) also verify. */
export type FabricKeyAlgorithm = "P-256" | "P-384" | "Ed25519";

type KeyGenParams = webcrypto.EcKeyGenParams | webcrypto.Algorithm;

const KEY_PARAMS: Record<FabricKeyAlgorithm, KeyGenParams> = {
  "P-256": EC,
  "P-384": { name: "ECDSA", namedCurve: "P-384" },
  Ed25519: { name: "Ed25519" },
};

export async function createFabricIdentity(options: {
  mspId: string;
  commonName: string;
  attributes?: Record<string, string>;
  keyAlgorithm?: FabricKeyAlgorithm;
}): Promise<FabricIdentity> {
  const ca = await caOf(options.mspId);
  const keys = (await webcrypto.subtle.generateKey(
    KEY_PARAMS[options.keyAlgorithm ?? "P-256"] as webcrypto.EcKeyGenParams,
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)];
  if (options.attributes && Object.keys(options.attributes).length > 0) {
    extensions.push(
      new x509.Extension(
        FABRIC_ATTRIBUTE_OID,
        false,
        Buffer.from(JSON.stringify({ attrs: options.attributes }), "utf8"),
      ),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    subject: `CN=${options.commonName}, OU=client, O=${options.mspId}`,
    issuer: ca.certificate.subject,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2099-01-01T00:00:00Z"),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: EC,
    extensions,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    mspId: options.mspId,
    certificatePem: certificate.toString("pem"),
    certificateDer: Buffer.from(certificate.rawData),
    privateKey: createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }),
  };
}
