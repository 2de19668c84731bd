import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { connect, signers, hash } from "@hyperledger/fabric-gateway";
import { expect } from "chai";
import { CHAINCODE_DIR, buildChaincode } from "../../scripts/build-chaincode.ts";
import { bytes, gateway, MessageType, peer } from "./emulator/protos.ts";
import { createFabricIdentity } from "./identities.ts";

const require = createRequire(import.meta.url);
const CLI = require.resolve("fabric-shim/cli");
const NODE_MODULES = join(dirname(require.resolve("fabric-shim/package.json")), "..");

function message(type: number, payload: Uint8Array, channel = "", txId = ""): peer.ChaincodeMessage {
  const msg = new peer.ChaincodeMessage();
  msg.setType(type as (typeof MessageType)[keyof typeof MessageType]);
  msg.setPayload(payload);
  msg.setChannelId(channel);
  msg.setTxid(txId);
  return msg;
}

/**
 * The classic deployment, where the peer launches the chaincode and the chaincode dials the peer
 * (`fabric-chaincode-node start --peer.address …`), as opposed to chaincode as a service (the
 * peer emulator's tests). A minimal ChaincodeSupport endpoint accepts the chaincode's Register
 * stream, completes the handshake and invokes the contract API's metadata transaction with a
 * proposal signed by the real fabric-gateway client.
 */
describe("chaincode package in peer-launched mode (fabric-chaincode-node start)", function () {
  this.timeout(120_000);
  let server: grpc.Server;
  let child: ChildProcess | undefined;
  let output = "";

  before(async () => {
    await buildChaincode();
  });
  after(async () => {
    child?.kill("SIGKILL");
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  });

  it("registers with the peer under its id and answers a transaction", async () => {
    const session = new Promise<{ registeredAs: string; completed: peer.ChaincodeMessage }>((resolve, reject) => {
      server = new grpc.Server();
      server.addService(peer.ChaincodeSupportService, {
        register(stream: grpc.ServerDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>) {
          let registeredAs = "";
          stream.on("error", reject);
          stream.on("data", (msg: peer.ChaincodeMessage) => {
            if (msg.getType() === MessageType.REGISTER) {
              registeredAs = peer.ChaincodeID.deserializeBinary(bytes(msg.getPayload())).getName();
              stream.write(message(MessageType.REGISTERED, new Uint8Array()));
              stream.write(message(MessageType.READY, new Uint8Array()));
              void invoke(stream).catch(reject);
            } else if (msg.getType() === MessageType.COMPLETED || msg.getType() === MessageType.ERROR) {
              resolve({ registeredAs, completed: msg });
              stream.end();
            }
          });
        },
      });
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );

    child = spawn(
      process.execPath,
      [
        CLI,
        "start",
        "--peer.address",
        `127.0.0.1:${port}`,
        "--chaincode-id-name",
        "pdl:1.0",
        "--module-path",
        CHAINCODE_DIR,
      ],
      {
        env: {
          ...process.env,
          NODE_PATH: NODE_MODULES,
          CORE_CHAINCODE_LOGGING_LEVEL: "warning",
          CORE_PEER_LOCALMSPID: "Org1MSP",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));

    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no completed transaction; chaincode output:\n${output}`)), 60_000).unref(),
    );
    const { registeredAs, completed } = await Promise.race([session, timeout]);
    expect(registeredAs).to.equal("pdl:1.0");
    expect(completed.getType(), Buffer.from(bytes(completed.getPayload())).toString()).to.equal(MessageType.COMPLETED);
    const response = peer.Response.deserializeBinary(bytes(completed.getPayload()));
    expect(response.getStatus(), response.getMessage()).to.equal(200);
    const metadata = JSON.parse(Buffer.from(bytes(response.getPayload())).toString("utf8")) as {
      contracts: Record<string, unknown>;
    };
    expect(Object.keys(metadata.contracts)).to.include.members(["grant", "lineage", "query"]);
  });
});

/** Sends the contract API's GetMetadata as a TRANSACTION with a real signed proposal. */
async function invoke(stream: grpc.ServerDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>): Promise<void> {
  const id = await createFabricIdentity({ mspId: "Org1MSP", commonName: "caller" });
  const client = new grpc.Client("127.0.0.1:1", grpc.credentials.createInsecure());
  const gw = connect({
    client,
    identity: { mspId: id.mspId, credentials: Buffer.from(id.certificatePem) },
    signer: signers.newPrivateKeySigner(id.privateKey),
    hash: hash.sha256,
  });
  try {
    const proposal = gw.getNetwork("pdl").getContract("pdl").newProposal("org.hyperledger.fabric:GetMetadata");
    const signed = gateway.ProposedTransaction.deserializeBinary(proposal.getBytes()).getProposal()!;
    const input = new peer.ChaincodeInput();
    input.setArgsList([Buffer.from("org.hyperledger.fabric:GetMetadata")]);
    const msg = message(MessageType.TRANSACTION, input.serializeBinary(), "pdl", proposal.getTransactionId());
    msg.setProposal(signed);
    stream.write(msg);
  } finally {
    gw.close();
    client.close();
  }
}
