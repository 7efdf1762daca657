/**
 * Document windows: their BrowserWindow options (the security settings live here, in one place,
 * and are tested), the hardening of their web contents and session, and remembered bounds.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import type { FsLike } from './ports.ts';
import { saveAtomically } from './atomicSave.ts';
import { dirname } from 'node:path';

/** Saved size and position of the last window that was moved or resized. */
export interface WindowBounds extends Rectangle {
  maximized?: boolean;
}

export const DEFAULT_BOUNDS: WindowBounds = { x: 80, y: 60, width: 1400, height: 900 };

export function documentWindowOptions(options: { preload: string; bounds: WindowBounds; isDev: boolean }): BrowserWindowConstructorOptions {
  const { x, y, width, height } = options.bounds;
  return {
    x,
    y,
    width,
    height,
    minWidth: 720,
    minHeight: 480,
    show: false, // shown on ready-to-show, without a white flash
    title: 'SDE Studio',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: options.isDev,
    },
  };
}

/** The subset of WebContents that {@link hardenWebContents} touches. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * No navigation away from our renderer and no new windows: links to the outside world open in the
 * system browser (`openExternal`, only http(s)), never inside the app.
 */
export function hardenWebContents(contents: HardenableContents, isTrustedUrl: (url: string) => boolean, openExternal: (url: string) => void): void {
  const block = (event: { preventDefault(): void }, url: string) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Permissions the renderer may have. WebGPU needs no permission prompt in Chromium; the clipboard
 * write is what copying nodes uses. Everything else (camera, geolocation, notifications…) is denied.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** The subset of Session that {@link hardenSession} touches. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

/** Denies permissions outside {@link ALLOWED_PERMISSIONS} and every request for remote content. */
export function hardenSession(session: HardenableSession, isAllowedRequest: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) =>
    callback({ cancel: !isAllowedRequest(details.url) }),
  );
}

/** Window bounds remembered in `<userData>/window-state.json`. */
export class WindowBoundsStore {
  constructor(
    private readonly fs: FsLike,
    private readonly file: string,
  ) {}

  async load(): Promise<WindowBounds> {
    try {
      const b = JSON.parse(await this.fs.readFile(this.file, 'utf8')) as Partial<WindowBounds>;
      if ([b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n)) && b.width! >= 200 && b.height! >= 150)
        return { x: b.x!, y: b.y!, width: b.width!, height: b.height!, maximized: b.maximized === true };
    } catch {
      // First start.
    }
    return { ...DEFAULT_BOUNDS };
  }

  async save(bounds: WindowBounds): Promise<void> {
    await this.fs.mkdir(dirname(this.file), { recursive: true });
    await saveAtomically(this.fs, this.file, JSON.stringify(bounds));
  }
}

/**
 * Keeps saved bounds on a screen that exists now (a monitor may have been unplugged), and offsets a
 * new window from an open one so that they do not stack exactly.
 */
export function placeWindow(saved: WindowBounds, workAreas: readonly Rectangle[], openWindows: number): WindowBounds {
  const offset = 24 * openWindows;
  const b = { ...saved, x: saved.x + offset, y: saved.y + offset };
  const visible = workAreas.some((a) => b.x < a.x + a.width - 100 && b.x + b.width > a.x + 100 && b.y >= a.y - 10 && b.y < a.y + a.height - 100);
  if (visible || workAreas.length === 0) return b;
  const area = workAreas[0]!;
  return { ...b, x: area.x + 40 + offset, y: area.y + 40 + offset, width: Math.min(b.width, area.width - 80), height: Math.min(b.height, area.height - 80) };
}
