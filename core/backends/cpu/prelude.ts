/**
 * Fixed JavaScript placed at the top of every CPU kernel: the Brownian-bridge refinement of
 * core/rng/brownian.ts, done in place on a block of normals with the same operation order (so the
 * same float64 results). It contains no user text and no IR: it is a constant string.
 */
export const JS_PRELUDE = String.raw`
function makeBridge(leaves, dims, rootLength) {
  // Turns normals laid out [base][node][dim] into leaf increments laid out [base][leaf][dim].
  const tree = new Float64Array(2 * leaves * dims);
  const halfStd = new Float64Array(leaves);
  for (let node = 1; node < leaves; node++) halfStd[node] = Math.sqrt(rootLength / 2 ** (31 - Math.clz32(node))) / 2;
  const rootStd = Math.sqrt(rootLength);
  return function bridge(z, bases) {
    for (let b = 0; b < bases; b++) {
      const o = b * leaves * dims;
      for (let j = 0; j < dims; j++) tree[dims + j] = rootStd * z[o + j];
      for (let node = 1; node < leaves; node++) {
        const hs = halfStd[node];
        for (let j = 0; j < dims; j++) {
          const half = tree[node * dims + j] / 2, zz = z[o + node * dims + j];
          tree[2 * node * dims + j] = half + hs * zz;
          tree[(2 * node + 1) * dims + j] = half - hs * zz;
        }
      }
      for (let i = 0; i < leaves * dims; i++) z[o + i] = tree[leaves * dims + i];
    }
  };
}
`;
