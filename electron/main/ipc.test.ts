import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type InvokeChannel } from '../ipc/contract.ts';
import { MAX_DATA_FILE_BYTES } from '../../renderer/host/types.ts';
import { FileAccess } from './access.ts';
import { AutosaveStore } from './autosave.ts';
import { createHandlers, type DialogPort, type DocumentWindow } from './handlers.ts';
import { registerInvokeHandlers, senderResolver, trustedUrlCheck, type InvokeEventLike } from './ipc.ts';
import { RecentFiles } from './recent.ts';
import { realFs, renameFails, tempDir } from './testing.ts';

const RENDERER = 'file:///opt/sde-studio/dist/renderer/index.html';

async function harness(options: { fs?: typeof realFs; picked?: string | null } = {}) {
  const dir = await tempDir();
  const fs = options.fs ?? realFs;
  const recent = new RecentFiles({ fs: realFs, file: join(dir, 'userData', 'recent.json') });
  const access = new FileAccess(recent);
  const calls: string[] = [];
  const dialog: DialogPort = {
    open: async () => (calls.push('open'), options.picked ?? null),
    save: async () => (calls.push('save'), options.picked ?? null),
    confirm: async () => (calls.push('confirm'), true),
  };
  const state = { dirty: false, title: null as string | null };
  const win: DocumentWindow = { key: 'w1', openedForFile: false, setDirty: (d) => void (state.dirty = d), setFileName: (n) => void (state.title = n) };
  const registered = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const handlers = createHandlers({ fs, dialog, access, recent, autosave: new AutosaveStore(realFs, join(dir, 'userData', 'autosave')), liveWindowKeys: () => new Set(['w1']), documentsDir: dir });
  registerInvokeHandlers({ handle: (channel, listener) => void registered.set(channel, listener) }, handlers, senderResolver({ contextOf: (id) => (id === 7 ? win : undefined), isTrustedUrl: trustedUrlCheck(RENDERER) }));
  const good: InvokeEventLike = { sender: { id: 7 }, senderFrame: { url: RENDERER + '#/', parent: null } };
  const invoke = async (channel: InvokeChannel, args: unknown[], event: InvokeEventLike = good) => registered.get(channel)!(event, ...args);
  return { dir, registered, invoke, calls, state, access, recent };
}

/** Well-formed arguments for every channel (so that only the sender differs). */
const VALID: Record<InvokeChannel, unknown[]> = {
  'file:open-dialog': [],
  'file:open-path': ['/tmp/a.sdegraph'],
  'file:save': ['/tmp/a.sdegraph', '{}'],
  'file:save-as': ['a.sdegraph', '{}'],
  'file:export': ['a.json', '{}'],
  'data:open-dialog': [['.pdb', '.xyz']],
  'data:save': ['export.trajectory.pdb', 'MODEL 1'],
  'recent:list': [],
  'recent:add': ['/tmp/a.sdegraph'],
  'autosave:get': [],
  'autosave:set': [{ text: '{}', dirty: true, at: 1 }],
  'autosave:clear': [],
  'autosave:data-files': [],
  'window:set-dirty': [true],
  'window:set-title': ['a.sdegraph'],
  'window:confirm-discard': ['Discard?'],
};

/** Malformed arguments for every channel. */
const MALFORMED: Record<InvokeChannel, unknown[][]> = {
  'file:open-dialog': [['extra']],
  'file:open-path': [[], [42], [''], ['/a\0b'], [{ path: '/a' }]],
  'file:save': [['/a.json'], ['/a.json', 5], [null, '{}'], ['/a.json', '{}', 'extra']],
  'file:save-as': [['a.json'], [1, '{}'], ['x'.repeat(300), '{}']],
  'file:export': [[], ['a.json', {}]],
  'data:open-dialog': [[], [[]], ['.pdb'], [['pdb']], [['.PDB']], [['.pdb', 5]], [['.pdb'], 'extra'], [Array(17).fill('.pdb')]],
  'data:save': [['a.pdb'], ['a.pdb', 5], ['x'.repeat(300), ''], ['a.onnx', [8, 1]], ['a.onnx', new Uint16Array(2)]],
  'recent:list': [[1]],
  'recent:add': [[], [['/a']]],
  'autosave:get': [[true]],
  'autosave:set': [[], [{ text: '{}' }], [{ text: 1, dirty: true, at: 1 }], [{ text: '{}', dirty: 'yes', at: 1 }], [{ text: '{}', dirty: true, at: Infinity }], [{ text: '{}', dirty: true, at: 1, file: { name: 3 } }], [{ text: '{}', dirty: true, at: 1, files: { 'a.pdb': 'not a hash' } }], [{ text: '{}', dirty: true, at: 1, files: ['a.pdb'] }]],
  'autosave:clear': [['x']],
  'autosave:data-files': [[1]],
  'window:set-dirty': [[], ['true'], [1]],
  'window:set-title': [[], [5], ['x'.repeat(300)]],
  'window:confirm-discard': [[], [false]],
};

describe('IPC handlers', () => {
  it('registers exactly the contract channels', async () => {
    const { registered } = await harness();
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(VALID).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  const wrongSenders: [string, InvokeEventLike][] = [
    ['unknown web contents', { sender: { id: 99 }, senderFrame: { url: RENDERER, parent: null } }],
    ['a subframe', { sender: { id: 7 }, senderFrame: { url: RENDERER, parent: {} } }],
    ['a remote page', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['another local file', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/evil.html', parent: null } }],
    ['no frame', { sender: { id: 7 }, senderFrame: null }],
  ];
  for (const channel of Object.keys(VALID) as InvokeChannel[]) {
    it(`${channel} rejects a wrong sender and malformed arguments`, async () => {
      const { invoke, calls } = await harness();
      for (const [, event] of wrongSenders) await expect(invoke(channel, VALID[channel], event)).rejects.toThrow(`Refused ${channel}: the request did not come from an SDE Studio window`);
      for (const args of MALFORMED[channel]) await expect(invoke(channel, args)).rejects.toThrow(`Refused ${channel}: malformed arguments`);
      expect(calls).toEqual([]); // no dialog was shown for a refused call
    });
  }

  it('reaches only files the user picked or that are recent', async () => {
    const h = await harness();
    const secret = join(h.dir, 'secret.json');
    await writeFile(secret, '{"secret":1}');
    await expect(h.invoke('file:open-path', [secret])).rejects.toThrow(/was not opened or saved by the user/);
    await expect(h.invoke('file:save', [secret, 'x'])).rejects.toThrow(/was not opened or saved by the user/);
    await expect(h.invoke('file:open-path', ['relative.json'])).rejects.toThrow(/not an absolute path/);
    await expect(h.invoke('recent:add', [secret])).rejects.toThrow(/was not opened/);
    expect(await readFile(secret, 'utf8')).toBe('{"secret":1}');

    // Picked in the Open dialog: allowed from then on.
    const picked = await harness({ picked: secret });
    expect(await picked.invoke('file:open-dialog', [])).toEqual({ name: 'secret.json', path: secret, text: '{"secret":1}' });
    expect(await picked.invoke('file:save', [secret, '{"v":2}'])).toEqual({ name: 'secret.json', path: secret });
    expect(await readFile(secret, 'utf8')).toBe('{"v":2}');
    await picked.invoke('recent:add', [secret]);
    // On the recent list: allowed after a restart too (new allow-list, same recent.json).
    expect(await picked.recent.has(secret)).toBe(true);
  });

  it('a picked data file comes back as bytes, without joining the allow-list; exports save where the user says', async () => {
    const dir = await tempDir();
    const pdb = join(dir, 'helix.pdb');
    await writeFile(pdb, 'ATOM      1  CA  ALA A   1\n');
    const h = await harness({ picked: pdb });
    const picked = (await h.invoke('data:open-dialog', [['.pdb']])) as { name: string; bytes: Uint8Array };
    expect(picked.name).toBe('helix.pdb');
    expect(new TextDecoder().decode(picked.bytes)).toBe('ATOM      1  CA  ALA A   1\n');
    await expect(h.invoke('file:open-path', [pdb])).rejects.toThrow(/was not opened or saved by the user/);

    const out = join(dir, 'run.trajectory.pdb');
    const saving = await harness({ picked: out });
    expect(await saving.invoke('data:save', ['export.trajectory.pdb', 'MODEL        1\nENDMDL\n'])).toEqual({ name: 'run.trajectory.pdb', path: out });
    expect(await readFile(out, 'utf8')).toBe('MODEL        1\nENDMDL\n');
    expect(await (await harness({ picked: null })).invoke('data:save', ['a.pdb', 'x'])).toBeNull();

    // Bytes (trained .onnx weights) are written exactly, not as text.
    const onnx = join(dir, 'train.onnx');
    const bytes = Uint8Array.from({ length: 256 }, (_, k) => k);
    expect(await (await harness({ picked: onnx })).invoke('data:save', ['train.onnx', bytes])).toEqual({ name: 'train.onnx', path: onnx });
    expect([...new Uint8Array(await readFile(onnx))]).toEqual([...bytes]);
  });

  it('refuses a data file over the size the app keeps', async () => {
    const dir = await tempDir();
    const big = join(dir, 'big.xyz');
    await writeFile(big, Buffer.alloc(MAX_DATA_FILE_BYTES + 1, 32));
    const h = await harness({ picked: big });
    await expect(h.invoke('data:open-dialog', [['.xyz']])).rejects.toThrow('big.xyz is 20.0 MB; the app keeps at most 20 MB of data files per graph');
  });

  it('lists the data files every autosave names', async () => {
    const h = await harness();
    expect(await h.invoke('autosave:data-files', [])).toEqual([]);
    await h.invoke('autosave:set', [{ text: '{}', dirty: true, at: 1, files: { 'a.pdb': '12:0123456789abcdef', 'b.xyz': '3:fedcba9876543210' } }]);
    expect(((await h.invoke('autosave:data-files', [])) as string[]).sort()).toEqual(['12:0123456789abcdef', '3:fedcba9876543210']);
  });

  it('a failed save rejects with the reason and keeps the old file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'm.sdegraph');
    await writeFile(path, 'old');
    const h = await harness({ fs: renameFails(), picked: path });
    await h.invoke('file:open-dialog', []);
    await expect(h.invoke('file:save', [path, 'new'])).rejects.toThrow('Could not save m.sdegraph: permission denied (is the folder read-only?). The file on disk was not changed.');
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('opening a recent file that is gone returns null and drops it', async () => {
    const h = await harness();
    const path = join(h.dir, 'gone.json');
    await writeFile(path, '{}');
    await h.recent.add(path);
    const { rm } = await import('node:fs/promises');
    await rm(path);
    expect(await h.invoke('file:open-path', [path])).toBeNull();
    expect(await h.recent.has(path)).toBe(false);
  });

  it('window state and dialogs reach the window', async () => {
    const h = await harness({ picked: null });
    await h.invoke('window:set-dirty', [true]);
    await h.invoke('window:set-title', ['ou.sdegraph']);
    expect(h.state).toEqual({ dirty: true, title: 'ou.sdegraph' });
    expect(await h.invoke('file:save-as', ['ou.sdegraph', '{}'])).toBeNull(); // cancelled
    expect(await h.invoke('window:confirm-discard', ['Discard?'])).toBe(true);
    expect(h.calls).toEqual(['save', 'confirm']);
  });
});

describe('trustedUrlCheck', () => {
  it('accepts our index.html (any hash) or the dev server origin only', () => {
    const file = trustedUrlCheck(RENDERER);
    expect(file(RENDERER + '?x#y')).toBe(true);
    expect(file('file:///opt/sde-studio/dist/renderer/other.html')).toBe(false);
    expect(file('not a url')).toBe(false);
    const dev = trustedUrlCheck('http://127.0.0.1:5173/');
    expect(dev('http://127.0.0.1:5173/index.html')).toBe(true);
    expect(dev('http://127.0.0.1:5174/')).toBe(false);
  });
});
