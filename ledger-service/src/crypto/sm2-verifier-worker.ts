import { parentPort } from "node:worker_threads";
import { verify } from "../../../core/crypto/sm2.ts";

/**
 * A verification worker of `sm2-verifier.ts`: answers each job of a batch of [message,
 * signature, public key] as soon as it is verified (a message costs ~1 % of a verification),
 * so the first jobs of a batch do not wait for the last.
 */
parentPort?.on("message", ({ id, jobs }: { id: number; jobs: [Uint8Array | string, string, string][] }) => {
  jobs.forEach(([message, signature, publicKey], at) =>
    parentPort!.postMessage({ id, at, ok: verify(message, signature, publicKey) }),
  );
});
