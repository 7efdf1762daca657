/**
 * What a WebGL canvas of the app shows, read back in the page (the views keep their drawing
 * buffer, preserveDrawingBuffer): how much differs from a blank (cleared, transparent) frame, and
 * a checksum to tell two frames apart.
 */
import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  /** Pixels that differ from the blank frame. */
  drawn: number;
  /** Distinct colours among them (quantised to 4 bits a channel). */
  colours: number;
  /** A checksum of every pixel: two different frames almost surely differ in it. */
  checksum: number;
}

export function canvasStats(page: Page, testid: string): Promise<CanvasStats> {
  return page.getByTestId(testid).evaluate((element) => {
    // Runs in the page; typed here without the DOM library, which the e2e project does not load.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): Context };
    type Context = { drawImage(source: Canvas, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    const canvas = element as unknown as Canvas;
    const copy = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } }).document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let drawn = 0;
    let checksum = 0;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) {
      checksum = (Math.imul(checksum, 31) + ((pixels[i] << 24) | (pixels[i + 1] << 16) | (pixels[i + 2] << 8) | pixels[i + 3])) | 0;
      if (pixels[i + 3] <= 8 && pixels[i] + pixels[i + 1] + pixels[i + 2] <= 24) continue;
      drawn++;
      colours.add(((pixels[i] >> 4) << 8) | ((pixels[i + 1] >> 4) << 4) | (pixels[i + 2] >> 4));
    }
    return { width: copy.width, height: copy.height, drawn, colours: colours.size, checksum };
  });
}
