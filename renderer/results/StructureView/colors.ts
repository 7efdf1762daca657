import type { MolecularStructure } from '../../../core/io/structure.ts';
import { particleColor, viridis } from '../colormap.ts';
import { elementColor } from './elements.ts';
import type { StructureTopology } from './topology.ts';

/**
 * How atoms are coloured: by element (CPK), by chain (a distinct hue each), by residue index along
 * the structure (viridis), by RMSF over the recording (viridis, 0 to the largest value), or by
 * particle (one hue per overlaid particle, for ensembles).
 */
export type ColorScheme = 'element' | 'chain' | 'residue' | 'rmsf' | 'particle';

export const COLOR_SCHEMES: readonly { id: ColorScheme; label: string }[] = [
  { id: 'element', label: 'element' },
  { id: 'chain', label: 'chain' },
  { id: 'residue', label: 'residue' },
  { id: 'rmsf', label: 'RMSF' },
  { id: 'particle', label: 'particle' },
];

/**
 * Per-atom sRGB colours (3 per atom, in [0, 1]) for a scheme. `rmsf` (per-atom, Å) is needed for
 * the RMSF scheme; atoms are grey without it. The particle scheme gives white: the per-particle
 * tint (see `particleTints`) does the colouring.
 */
export function atomColors(s: MolecularStructure, topology: StructureTopology, scheme: ColorScheme, rmsf?: ArrayLike<number>): Float32Array {
  const n = topology.atoms;
  const out = new Float32Array(3 * n);
  const rmsfMax = rmsf ? maxOf(rmsf) : 0;
  const lastResidue = Math.max(1, topology.residueCount - 1);
  const byElement = new Map<string, readonly number[]>();
  for (let i = 0; i < n; i++) {
    let c: readonly number[];
    if (scheme === 'element') {
      const e = s.atoms.elements[i];
      c = byElement.get(e) ?? byElement.set(e, elementColor(e)).get(e)!;
    }
    else if (scheme === 'chain') c = particleColor(topology.chainIndex[i], 0.6);
    else if (scheme === 'residue') c = viridis(topology.residueIndex[i] / lastResidue);
    else if (scheme === 'rmsf') c = rmsf ? viridis(rmsfMax > 0 ? rmsf[i] / rmsfMax : 0) : [0.6, 0.6, 0.6];
    else c = [1, 1, 1];
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}

/** One sRGB tint per overlaid copy, from the particle indices shown (same hues as the 3D view's particle colours). */
export function particleTints(particles: ArrayLike<number>): Float32Array {
  const out = new Float32Array(3 * particles.length);
  for (let c = 0; c < particles.length; c++) out.set(particleColor(particles[c], 0.6), 3 * c);
  return out;
}

function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}
