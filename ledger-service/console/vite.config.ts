import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console's build. core/ runs in the browser unchanged: its few Node imports are aliased to
 * browser implementations behind the same API (src/platform/), which
 * test/console/platform-crypto.test.ts cross-checks against Node's OpenSSL. Everything is bundled:
 * the service serves dist/ from the API's origin and nothing is fetched from anywhere else.
 */
export default defineConfig({
  root: here("."),
  base: "/",
  logLevel: "warn",
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^node:crypto$/, replacement: here("src/platform/node-crypto.ts") },
      { find: /^node:fs\/promises$/, replacement: here("src/platform/node-fs.ts") },
      { find: /^node:path$/, replacement: here("src/platform/node-fs.ts") },
    ],
  },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    target: "es2023",
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
    rolldownOptions: {
      treeshake: {
        // @rc-component/form declares no sideEffects, so a bare import of its context (every
        // antd input does) kept the whole form engine and its validator in the entry chunk;
        // its modules only define things, so what nothing uses can go.
        moduleSideEffects: [{ test: /node_modules\/@rc-component\/(form|async-validator)\//, sideEffects: false }],
      },
    },
  },
});
