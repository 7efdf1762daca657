import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, type MenuActions } from './menu.ts';

function template(platform: NodeJS.Platform, isDev = false, overrides: Partial<MenuActions> = {}) {
  const actions: MenuActions = {
    platform,
    isDev,
    send: vi.fn(),
    newWindow: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    recent: [{ key: '/d/ou.sdegraph', name: 'ou.sdegraph', path: '/d/ou.sdegraph', at: 1 }],
    backend: 'auto',
    openDocumentation: vi.fn(),
    showAbout: vi.fn(),
    ...overrides,
  };
  return { menu: buildMenuTemplate(actions), actions };
}

const submenu = (menu: MenuItemConstructorOptions[], label: string) => menu.find((m) => m.label?.replace('&', '') === label)?.submenu as MenuItemConstructorOptions[];
const item = (items: MenuItemConstructorOptions[], key: string) => items.find((i) => i.id === key || i.label === key || i.role === key);

describe('menu template', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`has every item with its accelerator on ${platform}`, () => {
      const { menu } = template(platform);
      const mac = platform === 'darwin';
      const expected: Record<string, [string, string | undefined][]> = {
        File: [['new', 'CmdOrCtrl+N'], ['open', 'CmdOrCtrl+O'], ['open-recent', undefined], ['save', 'CmdOrCtrl+S'], ['save-as', 'CmdOrCtrl+Shift+S'], ['export-json', 'CmdOrCtrl+E'], ['close', 'CmdOrCtrl+W']],
        Edit: [['undo', 'CmdOrCtrl+Z'], ['redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'], ['cut', 'CmdOrCtrl+X'], ['copy', 'CmdOrCtrl+C'], ['paste', 'CmdOrCtrl+V'], ['select-all', 'CmdOrCtrl+A']],
        View: [['zoom-in', 'CmdOrCtrl+Plus'], ['zoom-out', 'CmdOrCtrl+-'], ['reset-zoom', 'CmdOrCtrl+0'], ['full-screen', mac ? 'Ctrl+Cmd+F' : 'F11'], ['toggle-results', 'CmdOrCtrl+J'], ['fit-view', 'F']],
        Run: [['run', 'CmdOrCtrl+Enter'], ['cancel-run', 'CmdOrCtrl+.'], ['backend', undefined]],
        Help: [['documentation', mac ? undefined : 'F1'], ['examples', undefined]],
      };
      for (const [menuLabel, items] of Object.entries(expected)) {
        const sub = submenu(menu, menuLabel);
        expect(sub, menuLabel).toBeDefined();
        for (const [id, accelerator] of items) {
          const found = item(sub, id);
          expect(found, `${menuLabel} › ${id}`).toBeDefined();
          expect(found!.accelerator, `${menuLabel} › ${id}`).toBe(accelerator);
        }
      }
      // About: in the app menu on macOS, in Help elsewhere.
      if (mac) expect(item(submenu(menu, 'SDE Studio'), 'about')).toBeDefined();
      else expect(item(submenu(menu, 'Help'), 'about')).toBeDefined();
      expect(JSON.stringify(menu)).not.toContain('toggleDevTools');
    });
  }

  it('offers developer tools only in development', () => {
    expect(item(submenu(template('linux', true).menu, 'View'), 'dev-tools')?.accelerator).toBe('Ctrl+Shift+I');
  });

  it('sends MenuCommands, lists recent files and the backend choice', () => {
    const { menu, actions } = template('linux', false, { backend: 'cpu' });
    (item(submenu(menu, 'File'), 'save')!.click as () => void)();
    expect(actions.send).toHaveBeenCalledWith('save');
    const recent = item(submenu(menu, 'File'), 'open-recent')!.submenu as MenuItemConstructorOptions[];
    (recent[0]!.click as () => void)();
    expect(actions.openRecent).toHaveBeenCalledWith('/d/ou.sdegraph');
    const backends = item(submenu(menu, 'Run'), 'backend')!.submenu as MenuItemConstructorOptions[];
    expect(backends.map((b) => [b.id, b.checked])).toEqual([['backend-auto', false], ['backend-webgpu', false], ['backend-cpu', true]]);
    (backends[1]!.click as () => void)();
    expect(actions.send).toHaveBeenCalledWith('backend-webgpu');
    // Keys the page handles itself (and that mean text in a field) are shown, not registered.
    expect(item(submenu(menu, 'Edit'), 'copy')!.registerAccelerator).toBe(false);
    expect(item(submenu(menu, 'File'), 'new')!.registerAccelerator).toBeUndefined();
  });
});
