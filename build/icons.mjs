#!/usr/bin/env node
/**
 * Regenerates the app icon: build/icon.svg (the mark), build/icon.png (512x512, which
 * electron-builder turns into the macOS .icns and the Windows .ico) and build/icons/NxN.png (the
 * Linux sizes). The PNGs are drawn here from the same geometry as the SVG, with a small
 * anti-aliased rasteriser and Node's zlib, so no image tool is needed:
 *
 *   node build/icons.mjs
 *
 * The mark: a rounded blue square with one white sample path of a noisy trajectory (the favicon's
 * curve), on a 24x24 grid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

const GRID = 24;
const BACKGROUND = { x: 1, y: 1, size: 22, radius: 5, colour: [0x35, 0x63, 0xe9] };
const STROKE = { width: 2.2, colour: [0xff, 0xff, 0xff] };
/** The path as absolute cubic segments: [start, control 1, control 2, end]. */
const START = [3, 17];
const CUBICS = [
  [[5.5, 17], [6, 13], [8, 13]],
  [[10, 13], [10.2, 16], [12.2, 16]],
  [[14.2, 16], [15, 8], [17, 8]],
  [[19, 8], [19.5, 11], [21, 11]],
];

const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export function svg() {
  const d = `M${START.join(' ')} ${CUBICS.map((c) => `C${c.map((p) => p.join(' ')).join(', ')}`).join(' ')}`;
  const b = BACKGROUND;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" width="512" height="512">
  <title>SDE Studio</title>
  <rect x="${b.x}" y="${b.y}" width="${b.size}" height="${b.size}" rx="${b.radius}" fill="${hex(b.colour)}"/>
  <path d="${d}" fill="none" stroke="${hex(STROKE.colour)}" stroke-width="${STROKE.width}" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
}

/** The path flattened to a polyline (grid units). */
function polyline() {
  const points = [START];
  let p0 = START;
  for (const [c1, c2, p3] of CUBICS) {
    for (let i = 1; i <= 64; i++) {
      const t = i / 64;
      const u = 1 - t;
      const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
      points.push([0, 1].map((k) => w[0] * p0[k] + w[1] * c1[k] + w[2] * c2[k] + w[3] * p3[k]));
    }
    p0 = p3;
  }
  return points;
}

function distanceToPolyline(points, x, y) {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/** Signed distance to the rounded square (negative inside), grid units. */
function roundedSquare(x, y) {
  const b = BACKGROUND;
  const half = b.size / 2;
  const qx = Math.abs(x - (b.x + half)) - (half - b.radius);
  const qy = Math.abs(y - (b.y + half)) - (half - b.radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - b.radius;
}

/** RGBA pixels of the mark at size x size; coverage from the signed distance over one pixel. */
export function rasterise(size) {
  const scale = size / GRID;
  const points = polyline();
  const rgba = new Uint8Array(size * size * 4);
  const cover = (signedPx) => Math.max(0, Math.min(1, 0.5 - signedPx));
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / scale;
      const y = (j + 0.5) / scale;
      const bg = cover(roundedSquare(x, y) * scale);
      if (bg === 0) continue;
      const line = cover((distanceToPolyline(points, x, y) - STROKE.width / 2) * scale);
      const o = (j * size + i) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = Math.round(BACKGROUND.colour[k] * (1 - line) + STROKE.colour[k] * line);
      rgba[o + 3] = Math.round(255 * bg);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8-bit RGBA PNG. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // depth 8, colour type 6 (RGBA), deflate, no filter, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let j = 0; j < size; j++) Buffer.from(rgba.buffer, j * size * 4, size * 4).copy(raw, j * (size * 4 + 1) + 1); // filter 0
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(HERE, 'icon.svg'), svg());
  writeFileSync(path.join(HERE, 'icon.png'), encodePng(512, rasterise(512)));
  mkdirSync(path.join(HERE, 'icons'), { recursive: true });
  for (const size of LINUX_SIZES) writeFileSync(path.join(HERE, 'icons', `${size}x${size}.png`), encodePng(size, rasterise(size)));
  console.log(`wrote build/icon.svg, build/icon.png and build/icons/{${LINUX_SIZES.map((s) => `${s}x${s}`).join(',')}}.png`);
}
