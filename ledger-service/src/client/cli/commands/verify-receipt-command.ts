import type { Command } from "commander";
import type { FabricConfig } from "../../../fabric-access/peer-connection.ts";
import { parseVerifierKey } from "../../../log/checkpoint.ts";
import { verifyReceipt, type ConfirmAnchor } from "../../../log/receipt.ts";
import { LedgerClient } from "../../sdk/ledger-client.ts";
import { CliError, globals, print, readJson } from "../context.ts";

interface Options {
  logKey?: string;
  trustService?: boolean;
  rpcUrl?: string;
  fabricConfig?: string;
}

/**
 * The anchor check against a node of the verifier's choosing, if one is named. The chain clients
 * (ethers, gRPC) load only then: most verifications are offline, and `pdl` starts without them.
 */
async function anchorConfirmer(opts: Options): Promise<ConfirmAnchor | undefined> {
  if (opts.rpcUrl && opts.fabricConfig)
    throw new CliError({
      en: "give either --rpc-url or --fabric-config, not both",
      zh: "--rpc-url 与 --fabric-config 只能给出其一",
    });
  if (opts.rpcUrl) return (await import("../../anchors/evm-anchor.ts")).evmAnchorConfirmer(opts.rpcUrl);
  if (!opts.fabricConfig) return undefined;
  const [{ missingPeerSettings }, { fabricAnchorConfirmer }] = await Promise.all([
    import("../../../fabric-access/peer-connection.ts"),
    import("../../anchors/fabric-anchor.ts"),
  ]);
  // The service's configuration format (its `fabric` section) or that section alone.
  const json = (await readJson(opts.fabricConfig)) as { fabric?: Partial<FabricConfig> } & Partial<FabricConfig>;
  const section = json.fabric ?? json;
  const missing = missingPeerSettings(section);
  if (missing.length > 0)
    throw new CliError({
      en: `${opts.fabricConfig}: the Fabric connection needs ${missing.join(", ")}`,
      zh: `${opts.fabricConfig}：Fabric 连接还需要 ${missing.join("、")}`,
    });
  return fabricAnchorConfirmer({ channel: "", chaincode: "", ...section } as FabricConfig);
}

/** A log key as given: an SM2 public key (hex), or a vkey, whose name then names the signer too. */
function trustedKey(key: string): { publicKey: string; keyName?: string } {
  if (/^04[0-9a-f]{128}$/i.test(key)) return { publicKey: key.toLowerCase() };
  try {
    return parseVerifierKey(key);
  } catch (err) {
    throw new CliError({
      en: `--log-key is an SM2 public key (04 and 128 hex characters) or a vkey (\`pdl log-key\`): ${(err as Error).message}`,
      zh: `--log-key 须为 SM2 公钥（04 加 128 位十六进制字符）或 vkey（\`pdl log-key\`）：${(err as Error).message}`,
    });
  }
}

/**
 * `pdl verify-receipt`: checks a receipt with nothing but the log's public key (offline), and
 * optionally confirms its anchor on an EVM node or a Fabric peer of the verifier's choosing. Exit code 0 only
 * when every check passed.
 */
export function verifyReceiptCommand(program: Command): void {
  program
    .command("verify-receipt")
    .description(
      "verify a receipt offline against the log's SM2 public key; --rpc-url or --fabric-config also confirms the anchor on chain",
    )
    .argument(
      "<file>",
      "the receipt (JSON), or - for standard input; a write response with a `receipt` field is accepted too",
    )
    .option(
      "--log-key <key>",
      "the log key you trust: its SM2 public key (04…, 130 hex characters) or its vkey (`pdl log-key`); env PDL_LOG_KEY",
    )
    .option(
      "--trust-service",
      "take the log key from the service at --url (trust on first use) when --log-key is not given",
    )
    .option("--rpc-url <url>", "an EVM JSON-RPC endpoint you trust, to confirm an anchored receipt's transaction")
    .option(
      "--fabric-config <file>",
      "a Fabric peer connection you trust (JSON: peerEndpoint, mspId, certPath, keyPath, optional tlsCertPath and hostAlias, or a service config with that `fabric` section), to confirm the anchor",
    )
    .action(async (file: string, opts: Options, command: Command) => {
      let doc = (await readJson(file)) as Record<string, unknown>;
      if (doc && typeof doc === "object" && "receipt" in doc && typeof doc.receipt === "object")
        doc = doc.receipt as Record<string, unknown>;
      let key = opts.logKey ?? process.env.PDL_LOG_KEY;
      if (!key && opts.trustService) {
        const info = await new LedgerClient({ baseUrl: globals(command).url }).getPublic<{ logPublicKey: string }>(
          "/v1/public/checkpoint",
        );
        key = info.logPublicKey;
      }
      if (!key)
        throw new CliError({
          en: "give the log key you trust: --log-key <hex> (or PDL_LOG_KEY), or --trust-service",
          zh: "请给出您信任的日志公钥：--log-key <十六进制>（或 PDL_LOG_KEY），或 --trust-service",
        });
      const trusted = trustedKey(key);
      const confirm = await anchorConfirmer(opts);
      const result = await verifyReceipt(doc, trusted.publicKey, trusted.keyName, confirm);
      if (globals(command).json) print(result);
      else {
        for (const c of result.checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}\n`);
        const onChain = confirm && result.state === "anchored" ? " and confirmed on chain" : "";
        process.stdout.write(
          result.ok
            ? `receipt verified (${result.state}${onChain})\n`
            : `receipt NOT verified${result.state ? ` (${result.state})` : ""}\n`,
        );
      }
      if (!result.ok) process.exitCode = 2;
    });
}
