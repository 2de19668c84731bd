import { connect } from "@hyperledger/fabric-gateway";
import { anchorsCheckpoint, type ConfirmAnchor } from "../../log/receipt.ts";
import { dialPeer, type FabricConfig } from "../../fabric-access/peer-connection.ts";
import { ChainReader, transactionInBlock } from "../../fabric-access/blocks.ts";

/**
 * Confirms a receipt's anchor against a Fabric peer the verifier chooses, with the verifier's
 * own identity: the stated block of the stated channel holds the transaction, valid, at the
 * stated time, and it emitted the chaincode's CheckpointAnchored event for a record carrying
 * exactly the anchored size, root and checkpoint hash. Blocks are read through the peer's
 * query system chaincode (qscc GetBlockByNumber), so nothing comes from the service that issued
 * the receipt.
 */
export function fabricAnchorConfirmer(config: FabricConfig): ConfirmAnchor {
  return async (anchor) => {
    if (anchor.chainType !== "fabric")
      return { ok: false, detail: `the anchor is on a ${anchor.chainType} chain, not Fabric` };
    const { client, identity } = await dialPeer(config);
    const gateway = connect({
      client,
      identity: identity.identity,
      signer: identity.signer,
      hash: identity.hash,
      evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    });
    try {
      const qscc = gateway.getNetwork(anchor.chainId).getContract("qscc");
      const block = await qscc.evaluateTransaction("GetBlockByNumber", anchor.chainId, String(anchor.blockNumber));
      const tx = transactionInBlock(block, anchor.txId);
      if (!tx)
        return {
          ok: false,
          detail: `block ${anchor.blockNumber} of channel ${anchor.chainId} has no transaction ${anchor.txId}`,
        };
      if (!tx.valid)
        return {
          ok: false,
          detail: `transaction ${anchor.txId} is in block ${anchor.blockNumber} but was invalidated at commit`,
        };
      if (tx.timestamp !== anchor.blockTime)
        return { ok: false, detail: `the transaction's time is ${tx.timestamp}, not ${anchor.blockTime}` };
      if (!tx.event || tx.event.chaincodeId !== anchor.contract)
        return { ok: false, detail: `the transaction emitted no event of chaincode ${anchor.contract}` };
      if (tx.event.name !== "CheckpointAnchored")
        return { ok: false, detail: `the transaction emitted ${tx.event.name}, not CheckpointAnchored` };
      const payload = JSON.parse(Buffer.from(tx.event.payload).toString("utf8")) as { signed?: unknown };
      if (!anchorsCheckpoint(payload.signed, anchor)) {
        return { ok: false, detail: "the transaction anchored another checkpoint than the receipt's" };
      }
      const height = await new ChainReader(qscc, anchor.chainId, anchor.contract).height();
      return {
        ok: true,
        detail: `CheckpointAnchored(size ${anchor.treeSize}) by transaction ${tx.index} of block ${anchor.blockNumber} on channel ${anchor.chainId}, ${height - anchor.blockNumber} block(s) deep`,
      };
    } finally {
      gateway.close();
      client.close();
    }
  };
}
