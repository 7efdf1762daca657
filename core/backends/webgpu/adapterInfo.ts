/**
 * Naming WebGPU adapters and telling software ones apart, shared by the CLI (Dawn for Node) and
 * the app (navigator.gpu in the run worker). Structural types, so it needs no WebGPU globals.
 */

/** Software rasterisers that expose a WebGPU adapter but run slower than the CPU backend. */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|fallback|basic render/i;

/** The parts of GPUAdapterInfo used here (all optional: older engines lack some). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** WebGPU's own flag for a fallback (software) adapter, in GPUAdapterInfo since 2024. */
  isFallbackAdapter?: boolean;
}

/** An adapter as the browser or Dawn hands it out; `isFallbackAdapter` on the adapter is the older place. */
export interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}

/** A readable adapter name from its info, e.g. 'nvidia ampere' or 'google swiftshader'. */
export function adapterName(info: AdapterInfoLike | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s): s is string => typeof s === 'string' && s.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown WebGPU adapter';
}

/** True when the adapter renders in software (SwiftShader, llvmpipe, a fallback adapter). */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  if (adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  return SOFTWARE_ADAPTER.test(adapterName(adapter.info));
}
