import { z } from "zod";
import { Hash } from "./common.ts";

/**
 * Log anchor: a signed checkpoint of the SM3 transparency log, pinned on chain. The block
 * time is the checkpoint's timestamp. `origin` names the log (C2SP tlog-checkpoint origin).
 */
export const Anchor = z.strictObject({
  origin: z.string().regex(/^[\x21-\x7e]{1,100}$/, "must be 1–100 printable ASCII characters without spaces"),
  treeSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  rootHash: Hash,
  checkpointHash: Hash,
});
export type Anchor = z.infer<typeof Anchor>;
