import { loadConfig } from "../ledger-service/src/config.ts";
import { connectOrStart } from "./demo/connect.ts";
import { playDemo } from "./demo/play.ts";

/**
 * `npm run demo`: the Longhua seed story, end to end, against a running ledger service (PDL_URL,
 * default http://127.0.0.1:8080), or against one started in this process on the same data
 * directory as `npm start` (LEDGER_DATA_DIR, default ./data) when nothing answers there.
 *
 * The agency signs with the service's bootstrap key (<data>/keys/agency.key.json, opened with
 * LEDGER_AGENCY_PASSPHRASE or the generated <data>/keys/passphrase), so the demo needs the
 * service's data directory. The story moves the chain's time, so the service must run the
 * embedded chain on its manual clock: a service the demo starts itself does (unless
 * LEDGER_CLOCK says otherwise); a separate one must be started with LEDGER_CLOCK=manual.
 * Anchors are asked for when the story needs them (POST /v1/anchors), not waited for.
 */
const env = process.env;
const config = loadConfig();
const url = (env.PDL_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");

console.log("Public Data Ledger — the Longhua seed story (龙华区公共数据授权运营)");
const { baseUrl, service } = await connectOrStart(url, {
  ...config,
  clock: env.LEDGER_CLOCK ? config.clock : "manual",
  logLevel: env.LOG_LEVEL ? config.logLevel : "error",
});
console.log(
  service
    ? `No service answered at ${url}: started one in this process at ${baseUrl} (embedded chain on the ${service.config.clock} clock, data: ${config.dataDir}); it stops when the demo ends`
    : `Using the service at ${baseUrl} (data directory for keys: ${config.dataDir})`,
);

let failed = false;
try {
  const summary = await playDemo({
    baseUrl,
    dataDir: config.dataDir,
  });
  const { counts, receipts } = summary;
  console.log(
    `\nDone (run ${summary.run}, grant ${summary.grantId}): ${counts.organisations} organisations besides the agency, ${counts.resources} resources, ${counts.products} products, ${counts.hops} lineage hops, ${counts.listings} listings, ${counts.deliveries} deliveries, ${counts.certificates} destruction certificates; ` +
      `${summary.refused.length} refused as expected (${summary.refused.map((r) => r.code).join(", ")}); receipts: ${receipts.anchored} anchored, ${receipts.checkpointed} checkpointed, ${receipts.pending} pending.`,
  );
} catch (err) {
  failed = true;
  console.error(`\nThe demo stopped: ${err instanceof Error ? err.message : String(err)}`);
  if (env.PDL_DEMO_DEBUG) console.error(err);
} finally {
  if (service) await service.stop();
}
process.exit(failed ? 1 : 0);
