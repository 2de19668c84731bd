/**
 * A minimal WebAssembly binary encoder (core specification, MVP plus multi-value-free i32/i64
 * code): just what the arithmetic modules generated in this directory need. Each function is
 * written as a sequence of instructions through `FunctionBody`; `encodeModule` lays out the
 * type, function, memory, export and code sections.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValueType = typeof I32 | typeof I64;

/** Opcodes used by the generators (WebAssembly core specification §5.4). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8S: 0x2c,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64GeS: 0x59,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

/** Block type of a block, loop or if that leaves nothing on the stack. */
export const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, "utf8")];
}

function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

/** One function's parameters, locals and code. Locals are numbered after the parameters. */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[] = [],
  ) {}

  /** A new local of type `type`; its index for get/set. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(i: number): this {
    return this.op(OP.localGet, ...uleb(i));
  }

  set(i: number): this {
    return this.op(OP.localSet, ...uleb(i));
  }

  tee(i: number): this {
    return this.op(OP.localTee, ...uleb(i));
  }

  i32(value: number): this {
    return this.op(OP.i32Const, ...sleb(value | 0));
  }

  i64(value: number | bigint): this {
    return this.op(OP.i64Const, ...sleb(BigInt.asIntN(64, BigInt(value))));
  }

  call(fn: number): this {
    return this.op(OP.call, ...uleb(fn));
  }

  /** A load or store with alignment exponent `align` and a constant offset. */
  mem(opcode: number, align: number, offset: number): this {
    return this.op(opcode, align, ...uleb(offset));
  }

  /** The function's entry in the code section: locals grouped by run of type, then the code. */
  encode(): number[] {
    const groups: [number, ValueType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([count, t]) => [...uleb(count), t]), ...this.code, OP.end];
    return [...uleb(body.length), ...body];
  }
}

export interface ModuleFunction {
  readonly body: FunctionBody;
  /** Exported under this name when set. */
  readonly export?: string;
}

/**
 * A module of `functions` (indices in order) with one memory of `memoryPages` 64 KiB pages,
 * exported as "memory".
 */
export function encodeModule(functions: readonly ModuleFunction[], memoryPages: number): Uint8Array {
  const signatures: string[] = [];
  const typeIndex = functions.map(({ body }) => {
    const key = `${body.params.join(",")}->${body.results.join(",")}`;
    let at = signatures.indexOf(key);
    if (at < 0) at = signatures.push(key) - 1;
    return at;
  });
  const types = signatures.map((key) => {
    const [params, results] = key.split("->").map((list) => (list ? list.split(",").map(Number) : []));
    return [0x60, ...uleb(params!.length), ...params!, ...uleb(results!.length), ...results!];
  });
  const exported = functions.flatMap((f, i) => (f.export ? [[...name(f.export), 0x00, ...uleb(i)]] : []));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(functions.length), ...typeIndex.flatMap((t) => uleb(t))]),
    ...section(5, [1, 0x00, ...uleb(memoryPages)]),
    ...section(7, [...uleb(exported.length + 1), ...name("memory"), 0x02, 0, ...exported.flat()]),
    ...section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.body.encode())]),
  ]);
}
