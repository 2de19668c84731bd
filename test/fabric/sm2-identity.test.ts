import { expect } from "chai";
import { generateKeyPair, signatureFromDer, verify } from "../../core/crypto/sm2.ts";
import { sm2ClientIdentity } from "../../ledger-service/src/fabric-access/identity.ts";

/**
 * The SM2 client identity for GM forks of Fabric (no GM peer here, so only its contract): the
 * gateway hands the signer the whole message (hash.none), and the signature is DER over
 * SM2-with-SM3 with the GM/T 0009 default user id, not the empty id OpenSSL 3 defaults to.
 */
describe("Fabric SM2 client identity (GM forks)", () => {
  const keys = generateKeyPair();
  const identity = sm2ClientIdentity(
    "Org1MSP",
    "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    keys.privateKey,
  );
  const message = Buffer.from("a proposal's bytes, as the gateway client signs them");

  it("passes the whole message to the signer", () => {
    expect(Buffer.from(identity.hash(message))).to.deep.equal(message);
    expect(identity.identity.mspId).to.equal("Org1MSP");
  });

  it("signs SM2-with-SM3 under the default user id, DER encoded", async () => {
    const der = await identity.signer(identity.hash(message));
    expect(der[0], "a DER SEQUENCE").to.equal(0x30);
    const raw = signatureFromDer(der);
    expect(verify(message, raw, keys.publicKey)).to.equal(true);
    expect(verify(message, raw, keys.publicKey, { userId: "1234567812345678" })).to.equal(true);
    expect(verify(message, raw, keys.publicKey, { userId: "" }), "not the empty user id").to.equal(false);
  });
});
