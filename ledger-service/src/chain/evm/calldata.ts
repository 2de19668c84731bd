import { createContract } from "micro-eth-signer/advanced/abi.js";
import type { Interface, ParamType } from "ethers";
import { registryInterface } from "./artifacts.ts";

/**
 * ABI encoding of the registry's calls on the service's write path, with micro-eth-signer's
 * coder (bytes stay Uint8Array end to end). ethers' coder turns every `bytes` value into hex and
 * back at each nesting level (the signed record travels as kilobytes of `bytes` inside a
 * struct), which cost more than the chain's own work per record. The encodings are byte-identical (tests compare them with ethers' on every
 * operation); ethers remains the coder for everything else.
 *
 * Arguments are given as `encoding.ts` builds them for ethers (hex strings for bytes32, numbers
 * for small integers, objects for structs) and converted here by the ABI's types.
 */
type Coder = { encodeInput(value: unknown): Uint8Array; decodeOutput(data: Uint8Array): unknown };

let coders: Record<string, Coder> | undefined;
let inputs: Map<string, readonly ParamType[]> | undefined;

function load(): { coders: Record<string, Coder>; inputs: Map<string, readonly ParamType[]> } {
  if (!coders || !inputs) {
    const iface: Interface = registryInterface();
    const fragments: unknown[] = [];
    inputs = new Map();
    iface.forEachFunction((f) => {
      fragments.push(JSON.parse(f.format("json")));
      inputs!.set(f.name, f.inputs);
    });
    coders = createContract(fragments as never) as unknown as Record<string, Coder>;
  }
  return { coders, inputs };
}

const bytes = (v: unknown): Uint8Array =>
  v instanceof Uint8Array ? v : Buffer.from(String(v).replace(/^0x/, ""), "hex");

/** An ethers-style value as micro-eth-signer takes it, by its ABI type. */
function convert(type: ParamType, value: unknown): unknown {
  if (type.isArray()) return (value as unknown[]).map((v) => convert(type.arrayChildren, v));
  if (type.isTuple()) {
    const out: Record<string, unknown> = {};
    type.components.forEach(
      (c, i) =>
        (out[c.name] = convert(c, Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name])),
    );
    return out;
  }
  if (type.baseType === "bytes" || type.baseType.startsWith("bytes")) return bytes(value);
  if (type.baseType.startsWith("uint") || type.baseType.startsWith("int"))
    return BigInt(value as bigint | number | string);
  return value;
}

/** Selector and arguments of registry function `fn`, as bytes. */
export function encodeCall(fn: string, args: readonly unknown[]): Uint8Array {
  const { coders, inputs } = load();
  const params = inputs.get(fn);
  const coder = coders[fn];
  if (!params || !coder) throw new Error(`the registry has no function ${fn}`);
  if (params.length !== args.length) throw new Error(`${fn} takes ${params.length} arguments, got ${args.length}`);
  if (params.length === 1) return coder.encodeInput(convert(params[0]!, args[0]));
  const named: Record<string, unknown> = {};
  params.forEach((p, i) => (named[p.name] = convert(p, args[i])));
  return coder.encodeInput(named);
}

/** The calldata of `relayBatch(calls)`. */
export function encodeRelayBatch(calls: readonly Uint8Array[]): Uint8Array {
  return load().coders.relayBatch!.encodeInput(calls);
}

/** What `relayBatch` returned (from an eth_call). */
export function decodeRelayBatch(data: Uint8Array): { ok: boolean[]; gasUsed: bigint[]; revertData: Uint8Array[] } {
  return load().coders.relayBatch!.decodeOutput(data) as { ok: boolean[]; gasUsed: bigint[]; revertData: Uint8Array[] };
}

export const toHex = (data: Uint8Array): string =>
  "0x" + Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");
export const fromHex = (hex: string): Uint8Array => Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex");
