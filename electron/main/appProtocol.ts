import { extname, resolve, sep } from 'node:path';

/**
 * The renderer is served from a privileged `app://renderer/` scheme instead of file:// so that it
 * gets a real origin and the cross-origin isolation headers: with them the page has
 * SharedArrayBuffer and runs the CPU backend on several worker threads, as the web host does; and
 * module workers load as from any web origin. Only files under the built renderer are served.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

/** Headers of every response: content type, no sniffing, cross-origin isolation. */
export function appHeaders(file: string): Record<string, string> {
  return {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * The file to serve for a request URL, or null (→ 404) for another scheme or host, or a path that
 * leaves the renderer folder once decoded and normalised.
 */
export function resolveAppRequest(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}
