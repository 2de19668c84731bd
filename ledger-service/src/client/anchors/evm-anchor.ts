import { Interface, JsonRpcProvider, getAddress, toUtf8String } from "ethers";
import { anchorsCheckpoint, type ConfirmAnchor } from "../../log/receipt.ts";

// The registry's anchor event (contracts/RegistryBase.sol), all a verifier needs of its ABI: the
// client runs on machines without the contracts' build output.
const ANCHOR_EVENT = new Interface([
  "event CheckpointAnchored(bytes32 indexed id, bytes32 recordHash, bytes signedRecord)",
]);

/**
 * Confirms a receipt's anchor against an EVM node the verifier chooses: the chain id, that the
 * transaction succeeded at the stated block and time, was sent to the stated registry, and
 * emitted CheckpointAnchored for a record carrying exactly the anchored size, root and
 * checkpoint hash. Nothing is trusted from the service that issued the receipt.
 */
export function evmAnchorConfirmer(rpcUrl: string): ConfirmAnchor {
  return async (anchor) => {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      if (anchor.chainType !== "evm")
        return { ok: false, detail: `the anchor is on a ${anchor.chainType} chain, not an EVM chain` };
      const network = await provider.getNetwork();
      if (network.chainId.toString() !== anchor.chainId)
        return { ok: false, detail: `the node is on chain ${network.chainId}, the anchor on chain ${anchor.chainId}` };
      const receipt = await provider.getTransactionReceipt(anchor.txId);
      if (!receipt) return { ok: false, detail: `transaction ${anchor.txId} is unknown to the node` };
      if (receipt.status !== 1) return { ok: false, detail: "the anchoring transaction reverted" };
      if (receipt.blockNumber !== anchor.blockNumber)
        return { ok: false, detail: `the transaction is in block ${receipt.blockNumber}, not ${anchor.blockNumber}` };
      const contract = getAddress(anchor.contract);
      if (!receipt.to || getAddress(receipt.to) !== contract)
        return { ok: false, detail: `the transaction was not sent to ${contract}` };
      const block = await provider.getBlock(receipt.blockNumber);
      if (!block || block.timestamp !== anchor.blockTime)
        return {
          ok: false,
          detail: `block ${receipt.blockNumber} has time ${block?.timestamp}, not ${anchor.blockTime}`,
        };
      for (const log of receipt.logs) {
        if (getAddress(log.address) !== contract) continue;
        const parsed = ANCHOR_EVENT.parseLog(log);
        if (parsed?.name !== "CheckpointAnchored") continue;
        if (anchorsCheckpoint(JSON.parse(toUtf8String(parsed.args.signedRecord as string)), anchor)) {
          const confirmations = (await provider.getBlockNumber()) - receipt.blockNumber + 1;
          return {
            ok: true,
            detail: `CheckpointAnchored(size ${anchor.treeSize}) in block ${receipt.blockNumber} of chain ${anchor.chainId}, ${confirmations} confirmation(s)`,
          };
        }
      }
      return { ok: false, detail: "the transaction anchored no checkpoint with this size, root and hash" };
    } finally {
      provider.destroy();
    }
  };
}
