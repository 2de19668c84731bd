import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/**
 * A chaincode package running as a service, exactly as a CCaaS container runs it:
 * `fabric-chaincode-node server --chaincode-address <host:port> --chaincode-id <id>
 * --module-path <dir>`, as a child process of the test. The CLI does not report the port it
 * bound, so the port is chosen here (a free one, found by binding port 0). Its output is kept
 * (the last 64 KiB) to explain a failure rather than printed.
 */
const require = createRequire(import.meta.url);
const CLI = require.resolve("fabric-shim/cli");
/** The repository's node_modules: a module path outside the repository resolves the externals here. */
const NODE_MODULES = join(dirname(require.resolve("fabric-shim/package.json")), "..");

export interface ChaincodeServerOptions {
  /** Directory with package.json whose `main` exports `contracts`. */
  readonly modulePath: string;
  /** The package id the chaincode registers with, "<label>:<hash>". */
  readonly chaincodeId: string;
  /** CORE_PEER_LOCALMSPID, which ctx.stub.getMspID() reads. */
  readonly localMspId?: string;
  readonly env?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export class ChaincodeServer {
  private output = "";
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly killOnExit = () => this.child.kill("SIGKILL");

  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
    readonly chaincodeId: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-65_536);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("exit", (code, signal) => {
      this.exited = { code, signal };
      process.off("exit", this.killOnExit);
    });
    process.on("exit", this.killOnExit);
  }

  static async start(options: ChaincodeServerOptions): Promise<ChaincodeServer> {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      [
        CLI,
        "server",
        "--chaincode-address",
        address,
        "--chaincode-id",
        options.chaincodeId,
        "--module-path",
        options.modulePath,
      ],
      {
        env: {
          ...process.env,
          NODE_PATH: NODE_MODULES,
          CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? "warning",
          ...(options.localMspId ? { CORE_PEER_LOCALMSPID: options.localMspId } : {}),
          ...options.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return new ChaincodeServer(child, address, options.chaincodeId);
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** Why the server is not running, with its last output. */
  describeExit(): string {
    const how = this.exited ? `exited (code ${this.exited.code}, signal ${this.exited.signal})` : "is running";
    return `the chaincode server at ${this.address} ${how}; its output:\n${this.output}`;
  }

  get log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
