/**
 * The pointwise activations of exchanged networks, in float64. Names and formulas are those of the
 * network kernels (`core/nn`): `gelu` is the exact (erf) form, PyTorch's `nn.GELU()`, and
 * `geluTanh` the tanh approximation, `nn.GELU(approximate='tanh')`.
 */

/** Every activation a `DenseNetwork` layer may use; tests iterate over this list. */
export const NETWORK_ACTIVATIONS = ['identity', 'relu', 'silu', 'tanh', 'softplus', 'gelu', 'geluTanh'] as const;

/**
 * A pointwise nonlinearity.
 * - `identity`: x. `relu`: max(x, 0). `tanh`.
 * - `silu`: x·σ(x), σ(x) = 1/(1 + e⁻ˣ).
 * - `softplus`: ln(1 + eˣ) (β = 1).
 * - `gelu`: x·Φ(x) = ½x(1 + erf(x/√2)), Φ the standard normal CDF.
 * - `geluTanh`: ½x(1 + tanh(√(2/π)(x + 0.044715x³))); within ~3e-4 of `gelu`.
 */
export type NetworkActivation = (typeof NETWORK_ACTIVATIONS)[number];

/** √(2/π) and the cubic coefficient of the tanh form of GELU. */
export const GELU_TANH_K0 = Math.sqrt(2 / Math.PI);
export const GELU_TANH_K1 = 0.044715;

/**
 * erfc(x) to ~1e-15 relative. |x| < 2.5: erf from its series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!!,
 * whose terms are all positive; beyond: the continued fraction of erfc, evaluated backwards.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let fraction = x;
  for (let n = 60; n >= 1; n--) fraction = x + n / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** act(x) in float64. */
export function activate(activation: NetworkActivation, x: number): number {
  switch (activation) {
    case 'identity':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'softplus':
      return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case 'gelu':
      return 0.5 * x * erfc(-x / Math.SQRT2);
    case 'geluTanh':
      return 0.5 * x * (1 + Math.tanh(GELU_TANH_K0 * (x + GELU_TANH_K1 * x * x * x)));
  }
}

/** True for the names in `NETWORK_ACTIVATIONS` (to check untrusted metadata). */
export function isNetworkActivation(name: unknown): name is NetworkActivation {
  return (NETWORK_ACTIVATIONS as readonly unknown[]).includes(name);
}
