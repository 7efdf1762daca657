import { describe, expect, it, vi } from 'vitest';
import type { SdeStudioBridge } from '../../electron/ipc/contract.ts';
import { createElectronHost } from './electron.ts';

function fakeBridge(results: Record<string, unknown> = {}) {
  const calls: unknown[][] = [];
  const listeners = new Map<string, (...a: unknown[]) => void>();
  const bridge = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => (calls.push([channel, ...args]), results[channel] ?? null)),
    on: vi.fn((channel: string, listener: (...a: unknown[]) => void) => (listeners.set(channel, listener), () => listeners.delete(channel))),
    platform: 'linux',
  } as unknown as SdeStudioBridge;
  return { bridge, calls, listeners };
}

describe('createElectronHost', () => {
  it('maps the Host interface onto contract channels', async () => {
    const { bridge, calls, listeners } = fakeBridge({ 'file:save': { name: 'a.sdegraph', path: '/d/a.sdegraph' } });
    const host = createElectronHost(bridge);
    expect(host.kind).toBe('electron');
    expect(await host.save({ name: 'a.sdegraph', path: '/d/a.sdegraph' }, '{}')).toEqual({ name: 'a.sdegraph', path: '/d/a.sdegraph' });
    await host.save({ name: 'b.json' }, '{}'); // no path: Save As
    await host.openRecent({ key: '/d/a.sdegraph', name: 'a.sdegraph', path: '/d/a.sdegraph', at: 1 });
    await host.addRecent({ name: 'example.json', text: '{}' }); // no path: not recent
    host.setDirty(true);
    host.setDirty(true); // unchanged: not sent again
    host.setTitle?.('a.sdegraph');
    expect(calls).toEqual([
      ['file:save', '/d/a.sdegraph', '{}'],
      ['file:save-as', 'b.json', '{}'],
      ['file:open-path', '/d/a.sdegraph'],
      ['window:set-dirty', true],
      ['window:set-title', 'a.sdegraph'],
    ]);
    const commands: string[] = [];
    const off = host.onMenuCommand((c) => commands.push(c));
    listeners.get('menu:command')!('save');
    off();
    expect(commands).toEqual(['save']);
    expect(listeners.has('menu:command')).toBe(false);
  });

  it('asks main for data files and saves exports through it', async () => {
    const picked = { name: 'helix.pdb', bytes: Uint8Array.of(65) };
    const { bridge, calls } = fakeBridge({ 'data:open-dialog': picked, 'data:save': { name: 'pdb.trajectory.pdb', path: '/d/pdb.trajectory.pdb' } });
    const host = createElectronHost(bridge);
    expect(await host.openDataFile(['.pdb', '.xyz'])).toBe(picked);
    expect(await host.saveDataFile('pdb.trajectory.pdb', 'MODEL 1', 'chemical/x-pdb')).toBe(true);
    expect(calls).toEqual([
      ['data:open-dialog', ['.pdb', '.xyz']],
      ['data:save', 'pdb.trajectory.pdb', 'MODEL 1'],
    ]);
    const cancelled = createElectronHost(fakeBridge().bridge);
    expect(await cancelled.saveDataFile('a.pdb', 'x', 'text/plain')).toBe(false);
  });

  it('saves binary files (trained .onnx weights) through data:save, as exactly their own bytes', async () => {
    const { bridge, calls } = fakeBridge({ 'data:save': { name: 'train.onnx', path: '/d/train.onnx' } });
    const host = createElectronHost(bridge);
    // A view into a larger buffer: only its 2 bytes may cross IPC.
    const view = new Uint8Array(Uint8Array.of(0, 8, 1, 9).buffer, 1, 2);
    expect(await host.saveDataFile('train.onnx', view, 'application/octet-stream')).toBe(true);
    const sent = calls[0][2] as Uint8Array;
    expect(calls[0].slice(0, 2)).toEqual(['data:save', 'train.onnx']);
    expect([...sent]).toEqual([8, 1]);
    expect(sent.buffer.byteLength).toBe(2);
  });
});
