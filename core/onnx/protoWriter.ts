/**
 * The protobuf wire-format writer (the reader, which must distrust its input, is in `protobuf.ts`).
 * Fields are written in the order the caller writes them, so encoding is deterministic.
 */
import { WireType } from './protobuf.ts';

const TWO_32 = 2 ** 32;
const utf8Encoder = new TextEncoder();

/** Appends protobuf fields to a growable buffer; `finish()` returns the bytes written. */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** A varint of an integer in the int64 range; negative values take 10 bytes (two's complement). */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_32) {
      this.reserve(5);
      let v = value;
      while (v >= 0x80) {
        this.buffer[this.length++] = (v & 0x7f) | 0x80;
        v = Math.floor(v / 128);
      }
      this.buffer[this.length++] = v;
      return this;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint of a non-integer or unsafe number ${value}`);
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
    return this;
  }

  /** The key of a field: (field number << 3) | wire type. */
  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** A length-delimited field holding raw bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.lengthDelimited).varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A length-delimited field holding UTF-8 text. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** A varint field (int32, int64, enum, bool). */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WireType.varint).varint(value);
  }

  /** A fixed32 field holding a float32. */
  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** A fixed64 field holding a float64. */
  double(field: number, value: number): this {
    this.tag(field, WireType.fixed64);
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  /** A packed repeated float field (skipped when empty, as proto3 does). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
    return this.bytes(field, bytes);
  }

  /** A packed repeated varint field (int32 / int64; skipped when empty). */
  packedInts(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]);
    return this.bytes(field, inner.finish());
  }

  /** A nested message, written by `write` into its own buffer and then length-prefixed. */
  message(field: number, write: (inner: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy of exactly that length). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
