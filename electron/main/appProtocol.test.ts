import { describe, expect, test } from 'vitest';
import { APP_URL, appHeaders, resolveAppRequest } from './appProtocol.ts';

describe('app:// protocol', () => {
  const dir = '/opt/sde/dist/renderer';
  test('serves files of the built renderer', () => {
    expect(resolveAppRequest(APP_URL, dir)).toBe('/opt/sde/dist/renderer/index.html');
    expect(resolveAppRequest('app://renderer/', dir)).toBe('/opt/sde/dist/renderer/index.html');
    expect(resolveAppRequest('app://renderer/assets/index-abc.js?x=1#y', dir)).toBe('/opt/sde/dist/renderer/assets/index-abc.js');
  });
  test('refuses other hosts, schemes and paths that leave the folder', () => {
    expect(resolveAppRequest('app://other/index.html', dir)).toBeNull();
    expect(resolveAppRequest('file:///opt/sde/dist/renderer/index.html', dir)).toBeNull();
    // URL parsing already folds literal dot segments; encoded ones are caught after decoding.
    expect(resolveAppRequest('app://renderer/../../../etc/passwd', dir)).toBe('/opt/sde/dist/renderer/etc/passwd');
    expect(resolveAppRequest('app://renderer/%2e%2e/%2e%2e/secret', dir)).toBe('/opt/sde/dist/renderer/secret');
    expect(resolveAppRequest('app://renderer/assets/..%2F..%2F..%2Fsecret', dir)).toBeNull();
    expect(resolveAppRequest('app://renderer/a%00b', dir)).toBeNull();
    expect(resolveAppRequest('app://renderer/%E0%A4%A', dir)).toBeNull();
    expect(resolveAppRequest('not a url', dir)).toBeNull();
  });
  test('every response is cross-origin isolated and typed', () => {
    const h = appHeaders('/x/index.html');
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['cross-origin-embedder-policy']).toBe('require-corp');
    expect(h['content-type']).toContain('text/html');
    expect(appHeaders('/x/a.wasm')['content-type']).toBe('application/wasm');
  });
});

describe('trusted senders on app://', () => {
  test('only the app://renderer host is trusted, not other opaque-origin URLs', async () => {
    const { trustedUrlCheck } = await import('./ipc.ts');
    const trusted = trustedUrlCheck(APP_URL);
    expect(trusted('app://renderer/index.html')).toBe(true);
    expect(trusted('app://renderer/index.html#/doc')).toBe(true);
    expect(trusted('app://evil/index.html')).toBe(false);
    expect(trusted('data:text/html,<script>1</script>')).toBe(false);
    expect(trusted('file:///opt/sde/dist/renderer/index.html')).toBe(false);
    expect(trusted('https://renderer/index.html')).toBe(false);
  });
});
