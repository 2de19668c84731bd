import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { deliverAndRegister } from "../../ledger-service/src/client/operator/delivery.ts";
import { startService } from "../../ledger-service/src/service.ts";
import { closeTraceRuntime } from "../../ledger-service/src/trace/service/runtime.ts";
import type { WatermarkSpec } from "../../ledger-service/src/trace/watermark-spec.ts";
import { org } from "../../scripts/scenarios/world.ts";
import { clientsFor } from "../../scripts/scenarios/service-story.ts";
import { PASSPHRASE } from "./history.ts";
import { fail, type Counts } from "./truth.ts";

/**
 * No personal data in clear at rest: the operator delivers a file of people (names, resident
 * ID numbers, mobile numbers, addresses) to a recipient through the service, as `pdl deliver`
 * does, on a copy of the history; then every byte of the service's data directory is searched
 * for each personal value, as UTF-8, UTF-16LE and hex. Any hit is a failure. The delivered copy
 * itself lives with the operator and the recipient, never under the data directory.
 */
const SPEC: WatermarkSpec = {
  keyColumns: ["id_number"],
  columns: [{ column: "amount", kind: "number", decimals: 2, min: 0 }],
};

function people(n: number): { csv: string; values: string[] } {
  const surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
  const given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"];
  const rows = ["id_number,name,mobile,address,amount"];
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    // 18-digit resident ID shapes (Shenzhen prefix 440309, a birth date, a sequence), not real ones.
    const id = `440309${1960 + (i % 40)}${String(1 + (i % 12)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}${String(100 + i).slice(-3)}${i % 10}`;
    const name = `${surnames[i % 8]}${given[(i * 7) % 8]}${i}`;
    const mobile = `139${String(10_000_000 + i * 7919).slice(-8)}`;
    const address = `深圳市龙华区民治街道${i}号`;
    rows.push(`${id},${name},${mobile},${address},${(100 + i * 1.37).toFixed(2)}`);
    values.push(id, name, mobile, address);
  }
  return { csv: rows.join("\n") + "\n", values };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export async function personalDataScan(
  o: { dir: string; work: string; records: number; say: (line: string) => void },
  counts: Counts,
): Promise<void> {
  const config: Config = { ...DEFAULTS, port: 0, dataDir: o.dir, logLevel: "silent" };
  const service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: PASSPHRASE } });
  const { csv, values } = people(o.records);
  const source = join(o.work, "people.csv");
  writeFileSync(source, csv, { mode: 0o600 });
  try {
    const c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    const summary = await deliverAndRegister(c.op, {
      input: source,
      output: join(o.work, "to-recipient.csv"),
      productId: "P1",
      deliveryId: "D-PEOPLE",
      recipient: org("con"),
      watermark: SPEC,
      fromHops: ["H1"],
    });
    if (summary.recordCount !== o.records) throw new Error(`delivered ${summary.recordCount} of ${o.records} records`);
    await service.records.idle();
  } finally {
    await service.stop();
    await closeTraceRuntime(o.dir);
  }
  const needles = values.flatMap((v) => [
    Buffer.from(v, "utf8"),
    Buffer.from(v, "utf16le"),
    Buffer.from(Buffer.from(v, "utf8").toString("hex")),
  ]);
  // The search itself finds them where they are: in the recipient's copy (outside the directory).
  const copy = readFileSync(join(o.work, "to-recipient.csv"));
  const inCopy = values.filter((v) => copy.includes(Buffer.from(v, "utf8"))).length;
  if (inCopy < values.length / 2)
    throw new Error(`the search found only ${inCopy} of ${values.length} values in the delivered copy`);
  const files = filesUnder(o.dir);
  let bytes = 0;
  let hits = 0;
  for (const file of files) {
    const data = readFileSync(file);
    bytes += data.length;
    for (const needle of needles)
      if (data.includes(needle)) {
        hits++;
        fail(
          counts,
          "inconsistent",
          `personal data in clear in ${file.slice(o.dir.length)}: ${needle.toString("utf8").slice(0, 40)}`,
        );
      }
  }
  o.say(
    `personal data: delivered ${o.records} people's records; ${values.length} personal values searched in ${files.length} files (${(bytes / 2 ** 20).toFixed(1)} MiB) of the data directory: ${hits} hits (the same search finds ${inCopy} in the recipient's copy)`,
  );
}
