import { randomBytes } from "node:crypto";
import smCrypto from "sm-crypto";
import { generateKeyPair, sign, verify } from "../core/crypto/sm2.ts";
import { sm3 } from "../core/crypto/sm3.ts";
import { sm4Seal } from "../core/crypto/sm4.ts";
import { measure, report, type Row } from "./bench/report.ts";

/**
 * bench:crypto — SM2 sign/verify (ours on @noble/curves with a cached key vs sm-crypto) and
 * SM3 (Node's native OpenSSL vs sm-crypto) at 64 B and 1 MiB, plus SM4 sealing, one core.
 */
const kp = generateKeyPair();
const message = randomBytes(256);
const messageArray = Array.from(message);
const ours = sign(message, kp.privateKey);
const theirs = smCrypto.sm2.doSignature(messageArray, kp.privateKey, { hash: true, publicKey: kp.publicKey });
if (
  !verify(message, ours, kp.publicKey) ||
  !smCrypto.sm2.doVerifySignature(messageArray, ours, kp.publicKey, { hash: true })
) {
  throw new Error("interop check failed before benchmarking");
}
verify(message, ours, kp.publicKey); // second use: the key's window table is built

const small = randomBytes(64);
const big = randomBytes(1 << 20);
const smallArray = Array.from(small);
const bigArray = Array.from(big);
const sealKey = randomBytes(32);

const rows: Row[] = [];
const add = (
  subject: string,
  metric: string,
  fn: () => void,
  opts: { roundMs?: number; runs?: number; perOp?: number; unit?: string; baseline?: string; target?: string } = {},
) => {
  const t = measure(fn, { roundMs: opts.roundMs ?? 600, runs: opts.runs ?? 5 });
  rows.push({
    subject,
    metric,
    value: t.opsPerSecond * (opts.perOp ?? 1),
    unit: opts.unit ?? "ops/s",
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    ...(opts.target ? { target: opts.target } : {}),
  });
};

add(
  "sm-crypto 0.5.8",
  "SM2 verify (256 B)",
  () => smCrypto.sm2.doVerifySignature(messageArray, theirs, kp.publicKey, { hash: true }),
  { roundMs: 1500, runs: 3 },
);
add("ours (noble, cached key)", "SM2 verify (256 B)", () => verify(message, ours, kp.publicKey), {
  baseline: "sm-crypto 0.5.8",
  target: "≥ 1000",
});
add(
  "sm-crypto 0.5.8",
  "SM2 sign (256 B)",
  () => smCrypto.sm2.doSignature(messageArray, kp.privateKey, { hash: true, publicKey: kp.publicKey }),
  { roundMs: 1500, runs: 3 },
);
add("ours (noble, cached key)", "SM2 sign (256 B)", () => sign(message, kp.privateKey), {
  baseline: "sm-crypto 0.5.8",
});
add("sm-crypto 0.5.8", "SM3 64 B", () => smCrypto.sm3(smallArray));
add("native (OpenSSL)", "SM3 64 B", () => sm3(small), { baseline: "sm-crypto 0.5.8" });
add("sm-crypto 0.5.8", "SM3 1 MiB", () => smCrypto.sm3(bigArray), { roundMs: 1500, runs: 3, unit: "MiB/s" });
add("native (OpenSSL)", "SM3 1 MiB", () => sm3(big), { unit: "MiB/s", baseline: "sm-crypto 0.5.8" });
add("native (OpenSSL)", "SM4-CTR+HMAC-SM3 seal 1 MiB", () => sm4Seal(sealKey, big), { unit: "MiB/s" });

report("crypto", "bench:crypto — national crypto on one core (median of rounds)", rows);
