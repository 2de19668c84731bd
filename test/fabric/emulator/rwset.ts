import type { ReadWriteSet, Version } from "../semantics/world-state.ts";
import { ledger } from "./protos.ts";

/**
 * The read-write set between endorsement and commit, in Fabric's own encoding
 * (rwset.TxReadWriteSet of one namespace holding a kvrwset.KVRWSet), so the prepared
 * transaction carries it as a peer's would and commit validates what is in the envelope, not
 * something the emulator remembered on the side.
 */
const { TxReadWriteSet, NsReadWriteSet } = ledger.rwset;
const { KVRWSet, KVRead, KVWrite, Version: VersionPb, RangeQueryInfo, QueryReads } = ledger.rwset.kvrwset;

function versionPb(v: Version) {
  const pb = new VersionPb();
  pb.setBlockNum(v.block);
  pb.setTxNum(v.tx);
  return pb;
}

function readPb(key: string, version: Version | null) {
  const read = new KVRead();
  read.setKey(key);
  if (version) read.setVersion(versionPb(version));
  return read;
}

export function encodeRwset(namespace: string, rwset: ReadWriteSet): Uint8Array {
  const kv = new KVRWSet();
  for (const [key, version] of rwset.reads) kv.addReads(readPb(key, version));
  for (const range of rwset.ranges) {
    const info = new RangeQueryInfo();
    info.setStartKey(range.start);
    info.setEndKey(range.end);
    info.setItrExhausted(true);
    const raw = new QueryReads();
    raw.setKvReadsList(range.results.map((r) => readPb(r.key, r.version)));
    info.setRawReads(raw);
    kv.addRangeQueriesInfo(info);
  }
  for (const [key, value] of rwset.writes) {
    const write = new KVWrite();
    write.setKey(key);
    write.setIsDelete(value === null);
    if (value !== null) write.setValue(value);
    kv.addWrites(write);
  }
  const ns = new NsReadWriteSet();
  ns.setNamespace(namespace);
  ns.setRwset(kv.serializeBinary());
  const tx = new TxReadWriteSet();
  tx.setDataModel(TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList([ns]);
  return tx.serializeBinary();
}

const versionOf = (read: InstanceType<typeof KVRead>): Version | null => {
  const v = read.getVersion();
  return v ? { block: v.getBlockNum(), tx: v.getTxNum() } : null;
};

/** The namespace's read-write set; throws on bytes that are not a TxReadWriteSet. */
export function decodeRwset(namespace: string, encoded: Uint8Array): ReadWriteSet {
  const tx = TxReadWriteSet.deserializeBinary(encoded);
  const reads = new Map<string, Version | null>();
  const ranges: { start: string; end: string; results: { key: string; version: Version }[] }[] = [];
  const writes = new Map<string, Buffer | null>();
  for (const ns of tx.getNsRwsetList()) {
    if (ns.getNamespace() !== namespace)
      throw new Error(`unexpected namespace ${ns.getNamespace()} in the read-write set`);
    const kv = KVRWSet.deserializeBinary(ns.getRwset_asU8());
    for (const read of kv.getReadsList()) reads.set(read.getKey(), versionOf(read));
    for (const info of kv.getRangeQueriesInfoList()) {
      const results = (info.getRawReads()?.getKvReadsList() ?? []).map((r) => ({
        key: r.getKey(),
        version: versionOf(r)!,
      }));
      ranges.push({ start: info.getStartKey(), end: info.getEndKey(), results });
    }
    for (const write of kv.getWritesList())
      writes.set(write.getKey(), write.getIsDelete() ? null : Buffer.from(write.getValue_asU8()));
  }
  return { reads, ranges, writes };
}
