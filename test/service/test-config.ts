import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";

/**
 * A service configuration for tests: any free port, silent logs, and anchoring and alert scans
 * left to the test (no anchor timer, no leaf-count trigger, no scan timer), so that what a test
 * asserts does not race the anchorer or the scanner.
 */
export function testConfig(dataDir: string, extra: Partial<Config> = {}): Config {
  return {
    ...DEFAULTS,
    port: 0,
    dataDir,
    logLevel: "silent",
    log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000 },
    alerts: { ...DEFAULTS.alerts, scanEverySeconds: 0 },
    ...extra,
  };
}
