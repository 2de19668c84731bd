import { relative } from "node:path";
import { buildCliPackage, ROOT } from "./cli/package.ts";

/** `npm run build:cli`: the installable `pdl` package (dist/pdl-<version>.tgz); see scripts/cli/package.ts. */
const started = Date.now();
const { tarball } = await buildCliPackage();
console.log(
  `pdl package built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${relative(ROOT, tarball)} (install: npm i -g ./${relative(ROOT, tarball)})`,
);
