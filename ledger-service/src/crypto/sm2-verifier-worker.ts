import { parentPort } from "node:worker_threads";
import { verify } from "../../../core/crypto/sm2.ts";

/** A verification worker of `sm2-verifier.ts`: answers each batch of [message, signature, public key] in order. */
parentPort?.on("message", ({ id, jobs }: { id: number; jobs: [Uint8Array | string, string, string][] }) => {
  parentPort!.postMessage({ id, results: jobs.map(([message, signature, publicKey]) => verify(message, signature, publicKey)) });
});
