/**
 * A Fabric event cursor: "<block number>:<transaction index in the block>", zero-padded so
 * cursors also sort as strings (like the EVM backend's "<block>:<log index>"). Fabric keeps
 * at most one chaincode event per transaction, so the transaction's position names the event.
 */
export interface ChainPosition {
  readonly block: number;
  readonly index: number;
}

export function fabricCursor(block: number, index: number): string {
  return `${String(block).padStart(12, "0")}:${String(index).padStart(6, "0")}`;
}

export function parseFabricCursor(cursor: string): ChainPosition {
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m) throw new RangeError(`not a Fabric event cursor: ${cursor}`);
  return { block: Number(m[1]), index: Number(m[2]) };
}

export const isAfter = (a: ChainPosition, b: ChainPosition): boolean =>
  a.block > b.block || (a.block === b.block && a.index > b.index);
