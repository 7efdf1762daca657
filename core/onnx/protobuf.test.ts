import { describe, expect, it } from 'vitest';
import { MAX_NESTING, OnnxFormatError, ProtoReader, WireType } from './protobuf.ts';
import { ProtoWriter } from './protoWriter.ts';

/** Writes one varint field 1 and reads it back as a number and as an exact bigint. */
function roundTrip(value: number | bigint): { bytes: Uint8Array; number: number; big: bigint } {
  const bytes = new ProtoWriter().int(1, value).finish();
  const r1 = new ProtoReader(bytes, 'test');
  r1.next();
  const r2 = new ProtoReader(bytes, 'test');
  r2.next();
  return { bytes, number: r1.int(), big: r2.intsBig()[0] };
}

function readAll(bytes: Uint8Array): void {
  const r = new ProtoReader(bytes, 'test');
  while (r.next()) r.skip();
}

describe('varints', () => {
  it('encodes the textbook examples', () => {
    expect([...new ProtoWriter().varint(0).finish()]).toEqual([0]);
    expect([...new ProtoWriter().varint(1).finish()]).toEqual([1]);
    expect([...new ProtoWriter().varint(300).finish()]).toEqual([0xac, 0x02]);
    expect([...new ProtoWriter().varint(-1).finish()]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it.each([0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 49 - 1, 2 ** 49, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53 - 1)])('round-trips %d', (value) => {
    const { bytes, number, big } = roundTrip(value);
    expect(number).toBe(value);
    expect(big).toBe(BigInt(value));
    if (value < 0) expect(bytes.length).toBe(1 + 10); // tag + 10-byte two's complement
  });

  it('keeps full int64 precision as bigint', () => {
    for (const value of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n]) expect(roundTrip(value).big).toBe(value);
    expect(roundTrip(2n ** 63n - 1n).number).toBe(2 ** 63); // numbers round beyond 2^53
  });

  it('rejects unsafe numbers when writing', () => {
    expect(() => new ProtoWriter().varint(2 ** 60)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1.5)).toThrow(RangeError);
  });
});

describe('fields', () => {
  it('reads floats, strings, bytes, packed and unpacked repeated values', () => {
    const w = new ProtoWriter()
      .float(1, 1.5)
      .string(2, 'Gemm ü')
      .bytes(3, Uint8Array.of(0, 255))
      .packedFloats(4, [1, -2.5, 3e-8])
      .float(4, 7) // an unpacked element of the same repeated field
      .packedInts(5, [0, -1, 2 ** 40])
      .int(5, 9);
    const r = new ProtoReader(w.finish(), 'test');
    const floats: number[] = [];
    const ints: number[] = [];
    let text = '';
    let raw: number[] = [];
    let single = 0;
    while (r.next()) {
      if (r.field === 1) single = r.float();
      else if (r.field === 2) text = r.string();
      else if (r.field === 3) raw = [...r.bytesField()];
      else if (r.field === 4) floats.push(...r.floats());
      else if (r.field === 5) ints.push(...r.ints());
    }
    expect(single).toBe(1.5);
    expect(text).toBe('Gemm ü');
    expect(raw).toEqual([0, 255]);
    expect(floats).toEqual([1, -2.5, Math.fround(3e-8), 7]);
    expect(ints).toEqual([0, -1, 2 ** 40, 9]);
  });

  it('skips unknown fields of every wire type', () => {
    const w = new ProtoWriter().int(1, 5).int(900, -3).double(901, Math.PI).string(902, 'skip me').float(903, 2).int(1, 6);
    const r = new ProtoReader(w.finish(), 'test');
    const seen: number[] = [];
    while (r.next()) {
      if (r.field === 1) seen.push(r.int());
      else r.skip();
    }
    expect(seen).toEqual([5, 6]);
  });

  it('writes nested messages length-prefixed', () => {
    const bytes = new ProtoWriter().message(7, (m) => m.int(1, 150)).finish();
    expect([...bytes]).toEqual([0x3a, 0x03, 0x08, 0x96, 0x01]);
    const r = new ProtoReader(bytes, 'outer');
    r.next();
    const inner = r.message('inner');
    inner.next();
    expect(inner.int()).toBe(150);
  });
});

describe('malformed input', () => {
  const cases: [string, number[], RegExp][] = [
    ['a truncated varint', [0x08, 0x80], /truncated varint/],
    ['an 11-byte varint', [0x08, ...Array(10).fill(0x80), 0x01], /longer than 10 bytes/],
    ['a length beyond the end', [0x12, 0x05, 0x61], /claims 5 bytes but only 1 remain/],
    ['a huge length', [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f], /claims/],
    ['a group wire type', [0x0b], /unsupported wire type group start/],
    ['field number 0', [0x00, 0x01], /field number 0/],
    ['a truncated fixed32', [0x0d, 0x00, 0x00], /truncated fixed32/],
    ['a truncated fixed64', [0x09, 0x00], /truncated fixed64/],
  ];
  it.each(cases)('rejects %s', (_, bytes, message) => {
    expect(() => readAll(Uint8Array.from(bytes))).toThrow(OnnxFormatError);
    expect(() => readAll(Uint8Array.from(bytes))).toThrow(message);
  });

  it('rejects wrong wire types, bad UTF-8 and ragged packed floats', () => {
    const read = (bytes: number[], f: (r: ProtoReader) => unknown) => () => {
      const r = new ProtoReader(Uint8Array.from(bytes), 'ModelProto');
      r.next();
      f(r);
    };
    expect(read([0x0a, 0x00], (r) => r.int())).toThrow(/ModelProto: field 1 has wire type length-delimited, expected varint/);
    expect(read([0x0a, 0x02, 0xc3, 0x28], (r) => r.string())).toThrow(/not valid UTF-8/);
    expect(read([0x0a, 0x03, 0, 0, 0], (r) => r.floats())).toThrow(/not a multiple of 4/);
    expect(read([0x0a, 0x02, 0x80, 0x80, 0x01], (r) => r.intsBig())).toThrow(/truncated varint/);
  });

  it(`rejects messages nested deeper than ${MAX_NESTING} levels`, () => {
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i < MAX_NESTING + 1; i++) bytes = new ProtoWriter().bytes(1, bytes).finish();
    const descend = (r: ProtoReader): void => {
      while (r.next()) if (r.wireType === WireType.lengthDelimited) descend(r.message('nested'));
    };
    expect(() => descend(new ProtoReader(bytes, 'top'))).toThrow(/nested deeper/);
  });
});
