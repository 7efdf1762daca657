import {
  BufferAttribute, BufferGeometry, CanvasTexture, Color, Group, LineBasicMaterial, LineSegments,
  Object3D, PerspectiveCamera, Points, PointsMaterial, Scene, Vector3, WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { CSS2DObject, CSS2DRenderer } from 'three/examples/jsm/renderers/CSS2DRenderer.js';
import type { SolverResult } from '../../run/types.ts';
import { particleColor, viridis } from '../colormap.ts';
import { formatTick, niceTicks } from '../format.ts';
import { spreadIndices } from '../stats.ts';
import type { PlotTheme } from '../theme.ts';
import { channelLabel, channelRange, type AxisChannel, type AxisChannels } from './axes.ts';

/** How the 3D view draws a result. */
export interface SceneOptions {
  channels: AxisChannels;
  /** At most this many trajectory lines (evenly spread particles). */
  maxLines: number;
  /** At most this many points in the cloud. */
  maxPoints: number;
  colorBy: 'time' | 'particle';
  showLines: boolean;
  showCloud: boolean;
}

/** One axis: its data channel, value range and half-extent in scene units (0 = flat). */
interface AxisFrame {
  channel: AxisChannel;
  lo: number;
  hi: number;
  half: number;
}

/**
 * The three.js side of the 3D trajectory view: trajectory lines (drawn up to the current time),
 * the particle cloud at the current time, a box with ticks and labelled axes, orbit controls.
 * Each axis is scaled to the box on its own (like matplotlib's 3D axes), so state components and
 * time of very different sizes share one view; the tick labels carry the real values.
 * Renders on demand only (a change of camera, time or data), so an idle view costs nothing.
 */
export class TrajectoryScene {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly labels = new CSS2DRenderer();
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(38, 1, 0.01, 100);
  private readonly controls: OrbitControls;
  private readonly frame = new Group();
  private readonly dot = makeDotTexture();
  /**
   * Objects replaced by a rebuild, disposed after the next render: three.js frees a shader program
   * when its last material goes, so disposing first would recompile the same shaders (slow).
   */
  private retired: Disposable3D[] = [];
  private lines: LineSegments<BufferGeometry, LineBasicMaterial> | null = null;
  private cloud: Points<BufferGeometry, PointsMaterial> | null = null;
  private cloudParticles = new Uint32Array(0);
  private axes: AxisFrame[] = [];
  private result: SolverResult | null = null;
  private options: SceneOptions | null = null;
  private theme: PlotTheme | null = null;
  private slot = 0;
  private pending = 0;
  /** The user orbited, zoomed or panned: resizing no longer re-fits the camera. */
  private userMoved = false;

  constructor(private readonly host: HTMLElement) {
    this.renderer = new WebGLRenderer({ antialias: true, alpha: true, preserveDrawingBuffer: true });
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.canvas = this.renderer.domElement;
    this.canvas.dataset.testid = 'view-3d-canvas';
    this.canvas.style.display = 'block';
    const overlay = this.labels.domElement;
    overlay.classList.add('t3d-labels');
    Object.assign(overlay.style, { position: 'absolute', inset: '0', pointerEvents: 'none' });
    host.append(this.canvas, overlay);
    this.camera.up.set(0, 0, 1);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.addEventListener('change', () => this.requestRender());
    this.controls.addEventListener('start', () => (this.userMoved = true));
    this.scene.add(this.frame);
    this.software = /swiftshader|llvmpipe|software|basic render/i.test(rendererName(this.renderer));
  }

  /**
   * True on a software rasteriser (SwiftShader in headless browsers and VMs, llvmpipe): there,
   * half a million line segments take a second per frame, so the view draws fewer by default.
   */
  readonly software: boolean;

  /** Rebuilds everything for a result, axes and styling. */
  setData(result: SolverResult, options: SceneOptions, theme: PlotTheme): void {
    const flatChanged = !this.options || this.options.channels.map((c) => c.kind === 'none').join() !== options.channels.map((c) => c.kind === 'none').join();
    this.result = result;
    this.options = options;
    this.theme = theme;
    this.slot = Math.min(this.slot, result.times.length - 1);
    this.axes = options.channels.map((channel) => {
      const [lo, hi] = channelRange(result, channel);
      return { channel, lo, hi, half: channel.kind === 'none' ? 0 : 1 };
    });
    // A flat view is a 2D plot: make it wider than tall, like one.
    const flat = this.axes.findIndex((a) => a.half === 0);
    if (flat >= 0) this.axes[flat === 0 ? 1 : 0].half = 1.6;
    this.buildFrame();
    this.buildLines();
    this.buildCloud();
    if (flatChanged || !this.userMoved) this.resetView();
    this.setSlot(this.slot);
  }

  /** Shows the recording up to time slot `k`: lines to there, the cloud at that time. */
  setSlot(k: number): void {
    const r = this.result;
    if (!r) return;
    this.slot = Math.max(0, Math.min(r.times.length - 1, k));
    if (this.lines) this.lines.geometry.setDrawRange(0, 2 * (this.lines.geometry.userData.lineCount as number) * this.slot);
    if (this.cloud) {
      const pos = this.cloud.geometry.getAttribute('position') as BufferAttribute;
      const out = pos.array as Float32Array;
      this.cloudParticles.forEach((p, i) => this.place(out, 3 * i, p, this.slot));
      pos.needsUpdate = true;
      this.cloud.geometry.computeBoundingSphere();
    }
    this.requestRender();
  }

  /** Camera back to the default three-quarter view (front view when an axis is flat), fitted to the view. */
  resetView(): void {
    this.userMoved = false;
    this.fitCamera();
  }

  /** Places the camera so the box and its labels fill the view at the current aspect ratio. */
  private fitCamera(): void {
    const halfV = (this.camera.fov * Math.PI) / 360;
    const halfH = Math.atan(Math.tan(halfV) * this.camera.aspect);
    const flat = this.axes.findIndex((a) => a.half === 0);
    const [hx, hy, hz] = this.axes.map((a) => a.half);
    if (flat >= 0) {
      // Half width and height of the plot seen head-on, plus room for ticks and titles.
      const [w, h] = flat === 1 ? [hx, hz] : flat === 0 ? [hy, hz] : [hx, hy];
      const d = Math.max((h + 0.5) / Math.tan(halfV), (w + 0.55) / Math.tan(halfH));
      if (flat === 1) this.camera.position.set(0, -d, -0.08);
      else if (flat === 0) this.camera.position.set(d, 0, -0.08);
      else this.camera.position.set(0, -0.01, d);
      this.controls.target.set(0, 0, flat === 2 ? 0 : -0.08);
    } else {
      // The box with its labels fits in a sphere of radius about 2.05 around the target.
      const d = 2.05 / Math.sin(Math.min(halfV, halfH));
      this.camera.position.set(3.7, -4.4, 2.4).setLength(d);
      // Aim below the centre: the tick labels and titles under the box need the room.
      this.controls.target.set(0, 0, -0.3);
    }
    this.controls.update();
    this.requestRender();
  }

  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) return;
    this.renderer.setSize(width, height, false);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.labels.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    if (!this.userMoved) this.fitCamera();
    // setSize cleared the canvas: draw now, before the browser paints, rather than a frame later.
    this.renderNow();
  }

  /** Renders on the next animation frame (several requests in one frame render once). */
  requestRender(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.renderNow();
    });
  }

  renderNow(): void {
    this.renderer.render(this.scene, this.camera);
    this.labels.render(this.scene, this.camera);
    for (const o of this.retired.splice(0)) disposeObject(o);
  }

  dispose(): void {
    cancelAnimationFrame(this.pending);
    this.controls.dispose();
    this.retire(...this.frame.children, this.lines, this.cloud);
    for (const o of this.retired.splice(0)) disposeObject(o);
    this.dot.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.canvas.remove();
    this.labels.domElement.remove();
  }

  /** Writes particle p's position at slot k, in scene units, at out[o..o+2]. */
  private place(out: Float32Array, o: number, p: number, k: number): void {
    const r = this.result as SolverResult;
    const base = (k * r.particles + p) * r.dims;
    for (let a = 0; a < 3; a++) {
      const ax = this.axes[a];
      const ch = ax.channel;
      const v = ch.kind === 'component' ? r.trajectory[base + ch.index] : ch.kind === 'time' ? r.times[k] : 0;
      out[o + a] = ax.half * (-1 + (2 * (v - ax.lo)) / (ax.hi - ax.lo));
    }
  }

  private buildLines(): void {
    this.retire(this.lines);
    this.lines = null;
    const r = this.result as SolverResult;
    const o = this.options as SceneOptions;
    const slots = r.times.length;
    if (!o.showLines || slots < 2) return;
    const picks = spreadIndices(r.particles, o.maxLines);
    const m = picks.length;
    const positions = new Float32Array(m * slots * 3);
    const colors = new Float32Array(m * slots * 3);
    const ramp = this.timeRamp();
    picks.forEach((p, i) => {
      const pc = toLinear(particleColor(p, (this.theme as PlotTheme).dark ? 0.62 : 0.45));
      for (let k = 0; k < slots; k++) {
        const v = (i * slots + k) * 3;
        this.place(positions, v, p, k);
        colors.set(o.colorBy === 'time' ? ramp(k / (slots - 1)) : pc, v);
      }
    });
    // Segments ordered by time, so drawing the first 2·m·k indices shows the lines up to slot k.
    const index = new Uint32Array((slots - 1) * m * 2);
    let w = 0;
    for (let k = 0; k < slots - 1; k++) {
      for (let i = 0; i < m; i++) {
        index[w++] = i * slots + k;
        index[w++] = i * slots + k + 1;
      }
    }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(positions, 3));
    g.setAttribute('color', new BufferAttribute(colors, 3));
    g.setIndex(new BufferAttribute(index, 1));
    g.userData.lineCount = m;
    const opacity = Math.max(0.08, Math.min(0.8, 7 / Math.sqrt(m)));
    this.lines = new LineSegments(g, new LineBasicMaterial({ vertexColors: true, transparent: true, opacity, depthWrite: false }));
    this.scene.add(this.lines);
  }

  private buildCloud(): void {
    this.retire(this.cloud);
    this.cloud = null;
    const r = this.result as SolverResult;
    const o = this.options as SceneOptions;
    if (!o.showCloud) return;
    this.cloudParticles = spreadIndices(r.particles, o.maxPoints);
    const n = this.cloudParticles.length;
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(new Float32Array(n * 3), 3));
    const t = this.theme as PlotTheme;
    const byParticle = o.colorBy === 'particle';
    if (byParticle) {
      const colors = new Float32Array(n * 3);
      this.cloudParticles.forEach((p, i) => colors.set(toLinear(particleColor(p, t.dark ? 0.66 : 0.42)), 3 * i));
      g.setAttribute('color', new BufferAttribute(colors, 3));
    }
    const size = n > 10_000 ? 3 : n > 2000 ? 3.5 : 4.5;
    const material = new PointsMaterial({
      size: size * Math.min(2, window.devicePixelRatio || 1), sizeAttenuation: false, map: this.dot, alphaTest: 0.4,
      transparent: true, vertexColors: byParticle, color: byParticle ? 0xffffff : new Color(t.dark ? t.fg : t.accent), depthWrite: false,
    });
    this.cloud = new Points(g, material);
    this.cloud.renderOrder = 1;
    this.scene.add(this.cloud);
  }

  /** Time colours: viridis, its brightest end trimmed on light backgrounds where yellow washes out. */
  private timeRamp(): (u: number) => [number, number, number] {
    const dark = (this.theme as PlotTheme).dark;
    return (u) => toLinear(viridis(dark ? 0.08 + 0.92 * u : 0.85 * u));
  }

  /** Box, floor grid, axis lines, ticks and titles. */
  private buildFrame(): void {
    this.retire(...this.frame.children);
    const t = this.theme as PlotTheme;
    const [hx, hy, hz] = this.axes.map((a) => a.half);
    const ticks = this.axes.map((a) => (a.half === 0 ? { ticks: [], step: 1 } : niceTicks(a.lo, a.hi, 5)));
    const toScene = (a: number, v: number) => -1 + (2 * (v - this.axes[a].lo)) / (this.axes[a].hi - this.axes[a].lo);

    const box: number[] = [];
    const corner = (sx: number, sy: number, sz: number) => [sx * hx, sy * hy, sz * hz];
    const edges: [number, number, number, number, number, number][] = [
      [-1, -1, -1, 1, -1, -1], [-1, 1, -1, 1, 1, -1], [-1, -1, 1, 1, -1, 1], [-1, 1, 1, 1, 1, 1],
      [-1, -1, -1, -1, 1, -1], [1, -1, -1, 1, 1, -1], [-1, -1, 1, -1, 1, 1], [1, -1, 1, 1, 1, 1],
      [-1, -1, -1, -1, -1, 1], [1, -1, -1, 1, -1, 1], [-1, 1, -1, -1, 1, 1], [1, 1, -1, 1, 1, 1],
    ];
    for (const e of edges) box.push(...corner(e[0], e[1], e[2]), ...corner(e[3], e[4], e[5]));
    this.frame.add(segments(box, t.fg, 0.22));

    // Grid on the back walls and the floor, at the ticks, for reading values off in depth.
    const grid: number[] = [];
    for (const v of ticks[0].ticks) { const x = toScene(0, v) * hx; grid.push(x, -hy, -hz, x, hy, -hz, x, hy, -hz, x, hy, hz); }
    for (const v of ticks[1].ticks) { const y = toScene(1, v) * hy; grid.push(-hx, y, -hz, hx, y, -hz, -hx, y, -hz, -hx, y, hz); }
    for (const v of ticks[2].ticks) { const z = toScene(2, v) * hz; grid.push(-hx, hy, z, hx, hy, z, -hx, -hy, z, -hx, hy, z); }
    this.frame.add(segments(grid, t.fg, 0.08));

    // Ticks and titles along three edges that face the default camera; no offset along a flat
    // axis, where it would only move labels towards the camera.
    const ox = hx > 0 ? 1 : 0;
    const oy = hy > 0 ? 1 : 0;
    const oz = hz > 0 ? 1 : 0;
    const pad = 0.14;
    const place: ((v: number) => Vector3)[] = [
      (v) => new Vector3(v * hx, -hy - pad * oy, -hz - pad * oz),
      (v) => new Vector3(hx + pad * ox, v * hy, -hz - pad * oz),
      (v) => new Vector3(-hx - pad * ox, -hy - pad * oy, v * hz),
    ];
    const titleAt = [
      new Vector3(0, -hy - 0.5 * oy, -hz - 0.32 * oz),
      new Vector3(hx + 0.5 * ox, 0, -hz - 0.32 * oz),
      new Vector3(-hx - 0.42 * ox, -hy - 0.42 * oy, 0),
    ];
    this.axes.forEach((a, i) => {
      if (a.half === 0) return;
      for (const v of ticks[i].ticks) this.frame.add(label(formatTick(v, ticks[i].step), 't3d-tick', place[i](toScene(i, v))));
      this.frame.add(label(channelLabel(a.channel), 't3d-title', titleAt[i]));
    });
  }

  /** Takes objects out of the scene; their GPU resources go after the next render. */
  private retire(...objects: (Object3D | null)[]): void {
    for (const o of objects) {
      if (!o) continue;
      o.removeFromParent();
      if (o instanceof CSS2DObject) o.element.remove();
      this.retired.push(o);
    }
  }
}

type Disposable3D = Object3D & { geometry?: BufferGeometry; material?: { dispose(): void } };

function disposeObject(o: Disposable3D): void {
  o.geometry?.dispose();
  o.material?.dispose();
}

/** The GL renderer's name, e.g. 'ANGLE (…, SwiftShader driver)'. */
function rendererName(r: WebGLRenderer): string {
  const gl = r.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

/**
 * sRGB colour → linear. three.js treats vertex colours as linear (its working colour space) and
 * converts to sRGB on output, so colour-map values, which are sRGB, are converted first.
 */
function toLinear(c: readonly number[]): [number, number, number] {
  const f = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return [f(c[0]), f(c[1]), f(c[2])];
}

function segments(coords: number[], color: string, opacity: number): LineSegments {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(coords), 3));
  return new LineSegments(g, new LineBasicMaterial({ color: new Color(color), transparent: true, opacity, depthWrite: false }));
}

function label(text: string, className: string, at: Vector3): CSS2DObject {
  const el = document.createElement('div');
  el.className = className;
  el.textContent = text;
  const o = new CSS2DObject(el);
  o.position.copy(at);
  return o;
}

/** A round, soft-edged dot, so cloud points are discs rather than squares. */
function makeDotTexture(): CanvasTexture {
  const c = document.createElement('canvas');
  c.width = c.height = 64;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  const g = ctx.createRadialGradient(32, 32, 0, 32, 32, 32);
  g.addColorStop(0, 'rgba(255,255,255,1)');
  g.addColorStop(0.7, 'rgba(255,255,255,1)');
  g.addColorStop(1, 'rgba(255,255,255,0)');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 64, 64);
  return new CanvasTexture(c);
}
