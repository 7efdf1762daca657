/**
 * A minimal Protocol Buffers wire-format reader, just enough for ONNX model files (the writer is
 * `protoWriter.ts`).
 *
 * The reader treats its input as untrusted: every length is checked against the bytes that remain,
 * varints are at most 10 bytes, nesting is bounded, and every malformed input ends in an
 * `OnnxFormatError` (never a hang, a RangeError or an oversized allocation).
 */

/** A file is not a well-formed protobuf / ONNX model; the message says what and at which byte. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

/** Wire types of the protobuf encoding (3 and 4, the deprecated groups, are rejected). */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Sub-messages may nest this deep (ONNX subgraphs nest a few levels); beyond, the file is rejected. */
export const MAX_NESTING = 64;

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32', '6', '7'];

/**
 * Reads protobuf fields from `bytes[start, end)`. Iterate with `next()`, which sets `field` and
 * `wireType`, then call the reader of the expected type (it checks the wire type) or `skip()`.
 *
 * @example
 * const r = new ProtoReader(bytes, 'ModelProto');
 * while (r.next()) {
 *   if (r.field === 1) irVersion = r.int();
 *   else r.skip();
 * }
 */
export class ProtoReader {
  /** Field number of the current field (after `next()` returned true). */
  field = 0;
  /** Wire type of the current field. */
  wireType = 0;
  private pos: number;
  private end: number;

  constructor(
    private readonly bytes: Uint8Array,
    /** The message being read, for error messages (e.g. 'GraphProto'). */
    readonly what: string,
    start = 0,
    end = bytes.length,
    private readonly depth = 0,
  ) {
    this.pos = start;
    this.end = end;
  }

  private fail(message: string): never {
    throw new OnnxFormatError(`${this.what}: ${message} (at byte ${this.pos})`);
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) {
      this.fail(`field ${this.field} has wire type ${WIRE_NAMES[this.wireType]}, expected ${WIRE_NAMES[wireType]}`);
    }
  }

  /** Moves to the next field; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const tag = this.rawVarint();
    if (typeof tag !== 'number' || tag > 0xffffffff) this.fail('field key out of range');
    this.field = Math.floor(tag / 8);
    this.wireType = tag % 8;
    if (this.field === 0) this.fail('field number 0 is invalid');
    if (![0, 1, 2, 5].includes(this.wireType)) this.fail(`unsupported wire type ${WIRE_NAMES[this.wireType]} in field ${this.field}`);
    return true;
  }

  /** An unsigned varint of up to 10 bytes: a number when below 2^49, else a bigint (mod 2^64). */
  private rawVarint(): number | bigint {
    const bytes = this.bytes;
    let result = 0;
    for (let i = 0, p = this.pos; i < 7; i++, p++) {
      if (p >= this.end) this.fail('truncated varint');
      const b = bytes[p];
      result += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        this.pos = p + 1;
        return result;
      }
    }
    let big = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = bytes[this.pos++];
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return BigInt.asUintN(64, big);
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A varint read as int64, as a bigint (exact). */
  private signedBig(): bigint {
    const v = this.rawVarint();
    return typeof v === 'number' ? BigInt(v) : BigInt.asIntN(64, v);
  }

  /** A varint field (int32/int64/enum/bool) as a number; int64 values beyond ±2^53 are rounded. */
  int(): number {
    this.expect(WireType.varint);
    const v = this.rawVarint();
    return typeof v === 'number' ? v : Number(BigInt.asIntN(64, v));
  }

  /** The length prefix of a length-delimited field, checked against the bytes left. */
  private lengthPrefix(): number {
    this.expect(WireType.lengthDelimited);
    const length = this.rawVarint();
    const left = this.end - this.pos;
    if (typeof length !== 'number' || length > left) this.fail(`field ${this.field} claims ${length} bytes but only ${left} remain`);
    return length;
  }

  /** A length-delimited field as a copy of its bytes. */
  bytesField(): Uint8Array {
    const length = this.lengthPrefix();
    this.pos += length;
    return this.bytes.slice(this.pos - length, this.pos);
  }

  /** A length-delimited field as UTF-8 text. */
  string(): string {
    const field = this.field;
    const raw = this.bytesField();
    try {
      return utf8Decoder.decode(raw);
    } catch {
      return this.fail(`field ${field} is not valid UTF-8`);
    }
  }

  /** A float32 field (fixed32). */
  float(): number {
    this.expect(WireType.fixed32);
    if (this.end - this.pos < 4) this.fail('truncated fixed32');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4);
    this.pos += 4;
    return view.getFloat32(0, true);
  }

  /** A nested message: a reader over its bytes, one level deeper. */
  message(what: string): ProtoReader {
    if (this.depth + 1 > MAX_NESTING) this.fail(`messages nested deeper than ${MAX_NESTING} levels`);
    const length = this.lengthPrefix();
    const start = this.pos;
    this.pos += length;
    return new ProtoReader(this.bytes, what, start, start + length, this.depth + 1);
  }

  /** Repeated float: one packed run (wire type 2) or one unpacked element (wire type 5). */
  floats(): Float32Array {
    if (this.wireType === WireType.fixed32) return Float32Array.of(this.float());
    const length = this.lengthPrefix();
    if (length % 4 !== 0) this.fail(`packed floats of ${length} bytes, not a multiple of 4`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, length);
    const out = new Float32Array(length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    this.pos += length;
    return out;
  }

  /** Repeated int32/int64 as numbers: one packed run or one unpacked element. */
  ints(): number[] {
    return this.intsBig().map((v) => Number(v));
  }

  /** Repeated int64 as exact bigints: one packed run or one unpacked element. */
  intsBig(): bigint[] {
    if (this.wireType === WireType.varint) return [this.signedBig()];
    const length = this.lengthPrefix();
    const end = this.pos + length;
    const out: bigint[] = [];
    const outer = this.end;
    this.end = end; // a varint of the run may not cross the run's end
    while (this.pos < end) out.push(this.signedBig());
    this.end = outer;
    return out;
  }

  /** Skips the current field, whatever its wire type. */
  skip(): void {
    if (this.wireType === WireType.varint) {
      this.rawVarint();
      return;
    }
    // Read the length first: it moves pos, so `pos += lengthPrefix()` would add to the old pos.
    const size = this.wireType === WireType.lengthDelimited ? this.lengthPrefix() : this.wireType === WireType.fixed64 ? 8 : 4;
    if (this.end - this.pos < size) this.fail(`truncated fixed${size * 8}`);
    this.pos += size;
  }
}
