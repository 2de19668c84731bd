import { loadConfig } from "./config.ts";
import { startService } from "./service.ts";
import { startFailure } from "./start-failure.ts";

/**
 * `npm start`: the ledger service on the configured backend (the embedded chain by default),
 * with all data under LEDGER_DATA_DIR (default ./data).
 */
const config = loadConfig();
const service = await startService(config).catch((err: unknown) => {
  console.error(`Cannot start: ${startFailure(err, config)}`);
  process.exit(1);
});
const { address, port } = service.address();
const base = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
console.log(`Public Data Ledger listening on ${base} (backend: ${config.backend}, data: ${config.dataDir})`);
console.log(`Agency bootstrap key: ${service.keyring.paths.agency} (org ${service.agencyOrgId}; SM4-sealed)`);
if (service.keyring.paths.passphrase) {
  console.log(
    `Key passphrase: generated and stored in ${service.keyring.paths.passphrase} (set LEDGER_AGENCY_PASSPHRASE in production)`,
  );
} else {
  console.log("Key passphrase: from LEDGER_AGENCY_PASSPHRASE");
}
console.log(`OpenAPI: ${base}/openapi.json   Health: ${base}/healthz   Metrics: ${base}/metrics`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
