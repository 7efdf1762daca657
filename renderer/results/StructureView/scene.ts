import {
  AmbientLight, Color, DirectionalLight, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Raycaster, Scene, SphereGeometry,
  Vector2, WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { MolecularStructure } from '../../../core/io/structure.ts';
import type { PlotTheme } from '../theme.ts';
import { fitCamera } from './camera.ts';
import { vdwRadius } from './elements.ts';
import type { RecordedStates } from './frames.ts';
import { StructureModel, type Representation } from './model.ts';
import { pickBall, type BallHit } from './pick.ts';
import { showSlot } from './playback.ts';
import { Superposer } from './superpose.ts';
import type { StructureTopology } from './topology.ts';

/** Everything the structure view shows; `StructureScene.update` works out what changed. */
export interface StructureViewState {
  result: RecordedStates;
  structure: MolecularStructure;
  topology: StructureTopology;
  representation: Representation;
  /** Particle drawn on each copy. */
  particles: readonly number[];
  slot: number;
  superpose: boolean;
  /** Per-atom sRGB colours, per-copy sRGB tints and how much of the tint to mix in (see StructureModel.setColors). */
  colors: Float32Array;
  tints: Float32Array;
  tintStrength: number;
  /** The picked atom, drawn with a halo; null for none. */
  picked: { copy: number; atom: number } | null;
  theme: PlotTheme;
}

/**
 * The three.js side of the structure view: a StructureModel (instanced balls and sticks) under a
 * head light, orbit controls, picking by click, and a halo on the picked atom. Rebuilds the model
 * only when the structure, representation or number of copies changes; a new slot only moves the
 * instances. Renders on demand, like the trajectory view.
 */
export class StructureScene {
  readonly canvas: HTMLCanvasElement;
  /** Called with the ball under a click (not a drag), or null for a click on empty space. */
  onPick: ((hit: BallHit | null) => void) | null = null;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 0.1, 1000);
  private readonly controls: OrbitControls;
  /** The atoms and the halo, in structure coordinates, turned to face the camera by fitCamera. */
  private readonly content = new Group();
  private readonly halo = new Mesh(new SphereGeometry(1, 24, 16), new MeshBasicMaterial({ transparent: true, opacity: 0.35, depthWrite: false, depthTest: false }));
  private model: StructureModel | null = null;
  private superposer: Superposer | null = null;
  private last: Partial<StructureViewState> = {};
  private pending = 0;
  private userMoved = false;
  private down: Vector2 | null = null;

  constructor(host: HTMLElement) {
    this.renderer = new WebGLRenderer({ antialias: true, alpha: true, preserveDrawingBuffer: true });
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.canvas = this.renderer.domElement;
    this.canvas.dataset.testid = 'structure-canvas';
    this.canvas.style.display = 'block';
    host.append(this.canvas);
    this.controls = new OrbitControls(this.camera, this.canvas);
    // The user moved the camera only when it changed during a drag or zoom: a click to pick an
    // atom also starts and ends a control gesture, but moves nothing.
    let gesture = false;
    this.controls.addEventListener('start', () => (gesture = true));
    this.controls.addEventListener('end', () => (gesture = false));
    this.controls.addEventListener('change', () => {
      if (gesture) this.userMoved = true;
      this.requestRender();
    });
    // A light that follows the camera keeps the side facing the user lit however it is turned.
    const head = new DirectionalLight(0xffffff, 2.2);
    head.position.set(0.4, 0.6, 1);
    this.camera.add(head);
    this.scene.add(this.camera, new AmbientLight(0xffffff, 0.85));
    this.halo.visible = false;
    this.halo.renderOrder = 2;
    this.content.add(this.halo);
    this.scene.add(this.content);
    this.canvas.addEventListener('pointerdown', this.pointerDown);
    this.canvas.addEventListener('pointerup', this.pointerUp);
    this.software = /swiftshader|llvmpipe|software|basic render/i.test(rendererName(this.renderer));
  }

  /** True on a software rasteriser (SwiftShader, llvmpipe): spheres are drawn coarser there. */
  readonly software: boolean;

  /** Brings the scene to `state`, rebuilding only what changed. */
  update(state: StructureViewState): void {
    const last = this.last;
    const rebuild = !this.model || state.topology !== last.topology || state.representation !== last.representation || state.particles.length !== last.particles?.length;
    if (rebuild) {
      this.model?.dispose();
      this.model?.group.removeFromParent();
      const budget = this.software ? 150_000 : 2_000_000;
      this.model = new StructureModel(state.topology, state.structure.atoms.elements, state.representation, state.particles.length, budget);
      this.content.add(this.model.group);
    }
    const model = this.model as StructureModel;
    if (state.structure !== last.structure) this.superposer = new Superposer(state.structure.frames[0]);
    if (rebuild || state.colors !== last.colors || state.tints !== last.tints || state.tintStrength !== last.tintStrength) {
      model.setColors(state.colors, state.tints, state.tintStrength);
    }
    showSlot(model, state.result, Math.max(0, Math.min(state.result.times.length - 1, state.slot)), state.particles, state.superpose ? this.superposer : null);
    this.placeHalo(state);
    if (state.theme !== last.theme) (this.halo.material as MeshBasicMaterial).color = new Color(state.theme.accent);
    const structureChanged = state.topology !== last.topology;
    this.last = { ...state };
    // Refit for a new structure, or for new copies or a new frame of reference (superposition)
    // while the user has not moved the camera; never per frame, where it would follow the jitter.
    const reframed = rebuild || state.superpose !== last.superpose;
    if (structureChanged || (reframed && !this.userMoved)) this.resetView();
    this.requestRender();
  }

  /** Coordinates (Å, as drawn) of an atom of a copy. */
  atomPosition(copy: number, atom: number): [number, number, number] {
    const p = this.model?.positions;
    const i = 3 * (copy * (this.model?.atoms ?? 0) + atom);
    return p ? [p[i], p[i + 1], p[i + 2]] : [0, 0, 0];
  }

  /** Camera back to the default: the whole structure, broadside on. */
  resetView(): void {
    this.userMoved = false;
    this.fitCamera();
  }

  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) return;
    this.renderer.setSize(width, height, false);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    if (!this.userMoved) this.fitCamera();
    this.renderNow();
  }

  requestRender(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.renderNow();
    });
  }

  renderNow(): void {
    this.renderer.render(this.scene, this.camera);
  }

  dispose(): void {
    cancelAnimationFrame(this.pending);
    this.canvas.removeEventListener('pointerdown', this.pointerDown);
    this.canvas.removeEventListener('pointerup', this.pointerUp);
    this.controls.dispose();
    this.model?.dispose();
    this.halo.geometry.dispose();
    (this.halo.material as MeshBasicMaterial).dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.canvas.remove();
  }

  /**
   * Frames every atom shown, broadside on (see fitCamera): the content is turned so that its
   * principal axes line up with the screen, and the camera looks down −z with +y up, where the
   * orbit controls expect it.
   */
  private fitCamera(): void {
    const fit = this.model ? fitCamera(this.model.positions, this.camera.fov, this.camera.aspect) : null;
    if (!fit) return;
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = fit.rotation;
    const [cx, cy, cz] = fit.center;
    this.content.matrix.set(
      r0, r1, r2, -(r0 * cx + r1 * cy + r2 * cz),
      r3, r4, r5, -(r3 * cx + r4 * cy + r5 * cz),
      r6, r7, r8, -(r6 * cx + r7 * cy + r8 * cz),
      0, 0, 0, 1,
    );
    this.content.matrix.decompose(this.content.position, this.content.quaternion, this.content.scale);
    this.content.updateMatrixWorld(true);
    this.controls.target.set(0, 0, 0);
    this.camera.position.set(0, 0, fit.distance);
    this.camera.near = Math.max(0.05, (fit.distance - fit.halfDepth) / 4);
    this.camera.far = fit.distance + 20 * fit.halfDepth + 100;
    this.camera.updateProjectionMatrix();
    this.controls.maxDistance = 10 * fit.distance;
    this.controls.update();
    this.requestRender();
  }

  private placeHalo(state: StructureViewState): void {
    const picked = state.picked;
    this.halo.visible = picked !== null && picked.copy < state.particles.length;
    if (!picked || !this.halo.visible) return;
    const [x, y, z] = this.atomPosition(picked.copy, picked.atom);
    const model = this.model as StructureModel;
    const k = model.ballAtoms.indexOf(picked.atom);
    const r = k >= 0 ? model.ballRadii[k] : 0.25 * vdwRadius(state.structure.atoms.elements[picked.atom]);
    this.halo.position.set(x, y, z);
    this.halo.scale.setScalar(r * 1.35 + 0.25);
  }

  private readonly pointerDown = (e: PointerEvent): void => {
    this.down = e.button === 0 ? new Vector2(e.clientX, e.clientY) : null;
  };

  /** A click (pointer released within a few pixels of where it went down) picks; a drag orbits. */
  private readonly pointerUp = (e: PointerEvent): void => {
    const down = this.down;
    this.down = null;
    if (!down || !this.model || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
    const box = this.canvas.getBoundingClientRect();
    const ndc = new Vector2(((e.clientX - box.left) / box.width) * 2 - 1, -((e.clientY - box.top) / box.height) * 2 + 1);
    const ray = new Raycaster();
    ray.setFromCamera(ndc, this.camera);
    // Into structure coordinates, where the model's positions are.
    const { origin, direction } = ray.ray.applyMatrix4(this.content.matrixWorld.clone().invert());
    this.onPick?.(pickBall(this.model, [origin.x, origin.y, origin.z], [direction.x, direction.y, direction.z]));
  };
}

/** The GL renderer's name, e.g. 'ANGLE (…, SwiftShader driver)'. */
function rendererName(r: WebGLRenderer): string {
  const gl = r.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}
