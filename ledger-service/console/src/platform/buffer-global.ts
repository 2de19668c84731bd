import { Buffer } from "buffer";

/**
 * core/ uses Node's global Buffer; in the browser it is the `buffer` package's. Imported first
 * by main.tsx, before anything of core/ is evaluated.
 */
(globalThis as unknown as { Buffer: typeof Buffer }).Buffer ??= Buffer;
