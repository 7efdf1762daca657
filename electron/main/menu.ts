/**
 * The application menu as a template (MenuItemConstructorOptions), built from injected actions so
 * that it is tested without Electron. App commands go to the focused window's renderer as
 * MenuCommand values; window-level things (zoom, full screen, close, dev tools) use Electron roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../../renderer/host/types.ts';

export interface MenuActions {
  platform: NodeJS.Platform;
  isDev: boolean;
  /** Sends a command to the focused document window (or opens one when there is none). */
  send(command: MenuCommand): void;
  /** Opens a new empty document window. */
  newWindow(): void;
  /** Opens a recent file (in the focused window when it is empty, else in a new one). */
  openRecent(path: string): void;
  clearRecent(): void;
  recent: readonly RecentFile[];
  /** The current backend choice, for the radio items. */
  backend: 'auto' | 'webgpu' | 'cpu';
  openDocumentation(): void;
  showAbout(): void;
}

export function buildMenuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const mac = a.platform === 'darwin';
  // `page`: the renderer's own keyboard handler already owns this shortcut (and knows when focus is
  // in a text field, where the key means text): show the accelerator but do not register it.
  const cmd = (label: string, command: MenuCommand, accelerator?: string, page = false): MenuItemConstructorOptions => ({
    id: command,
    label,
    accelerator,
    ...(page ? { registerAccelerator: false } : {}),
    click: () => a.send(command),
  });
  const recentItems: MenuItemConstructorOptions[] = a.recent.length
    ? [...a.recent.map((r) => ({ label: r.name, sublabel: r.path, click: () => a.openRecent(r.path ?? r.key) })), { type: 'separator' }, { label: 'Clear Recent', click: a.clearRecent }]
    : [{ label: 'No Recent Files', enabled: false }];

  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ label: 'SDE Studio', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  template.push(
    {
      label: '&File',
      submenu: [
        cmd('New', 'new', 'CmdOrCtrl+N'),
        { id: 'new-window', label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: a.newWindow },
        cmd('Open…', 'open', 'CmdOrCtrl+O', true),
        { id: 'open-recent', label: 'Open Recent', submenu: recentItems },
        cmd('Examples…', 'examples'),
        { type: 'separator' },
        cmd('Save', 'save', 'CmdOrCtrl+S', true),
        cmd('Save As…', 'save-as', 'CmdOrCtrl+Shift+S', true),
        cmd('Export…', 'export-json', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { id: 'close', label: 'Close', role: 'close', accelerator: 'CmdOrCtrl+W' },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', accelerator: 'Ctrl+Q' } as const]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z', true),
        cmd('Redo', 'redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', true),
        { type: 'separator' },
        cmd('Cut', 'cut', 'CmdOrCtrl+X', true),
        cmd('Copy', 'copy', 'CmdOrCtrl+C', true),
        cmd('Paste', 'paste', 'CmdOrCtrl+V', true),
        cmd('Duplicate', 'duplicate', 'CmdOrCtrl+D', true),
        cmd('Delete', 'delete', mac ? 'Backspace' : 'Delete', true),
        cmd('Select All', 'select-all', 'CmdOrCtrl+A', true),
      ],
    },
    {
      label: '&View',
      submenu: [
        { id: 'zoom-in', role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
        { id: 'zoom-out', role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
        { id: 'reset-zoom', role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
        cmd('Fit Graph to Window', 'fit-view', 'F', true),
        { type: 'separator' },
        cmd('Toggle Results Panel', 'toggle-results', 'CmdOrCtrl+J'),
        cmd('Toggle Theme', 'toggle-theme'),
        { id: 'full-screen', role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Cmd+F' : 'F11' },
        ...(a.isDev
          ? [{ type: 'separator' } as const, { id: 'reload', role: 'reload' } as const, { id: 'dev-tools', role: 'toggleDevTools', accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' } as const]
          : []),
      ],
    },
    {
      label: '&Run',
      submenu: [
        cmd('Run', 'run', 'CmdOrCtrl+Enter', true),
        cmd('Cancel Run', 'cancel-run', 'CmdOrCtrl+.'),
        { type: 'separator' },
        {
          id: 'backend',
          label: 'Backend',
          submenu: (['auto', 'webgpu', 'cpu'] as const).map((b) => ({
            id: `backend-${b}`,
            label: { auto: 'Auto (WebGPU on a hardware GPU, else CPU)', webgpu: 'WebGPU', cpu: 'CPU' }[b],
            type: 'radio',
            checked: a.backend === b,
            click: () => a.send(`backend-${b}`),
          })),
        },
      ],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        { id: 'documentation', label: 'Documentation', accelerator: mac ? undefined : 'F1', click: a.openDocumentation },
        cmd('Examples', 'examples'),
        ...(mac ? [] : [{ type: 'separator' } as const, { id: 'about', label: 'About SDE Studio', click: a.showAbout }]),
      ],
    },
  );
  return template;
}
