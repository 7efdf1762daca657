/**
 * electron-builder's configuration (build/electron-builder.json): electron-builder's own JSON schema
 * (app-builder-lib/scheme.json, checked with the ajv that app-builder-lib itself uses) accepts it;
 * the targets (AppImage + deb, dmg, NSIS), the icons and the file associations are there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG_PATH = path.join(REPO, 'build/electron-builder.json');

interface FileAssociation { ext: string | string[]; name?: string; role?: string; mimeType?: string }
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  extraMetadata: { main: string };
  fileAssociations: FileAssociation[];
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}
const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8')) as BuilderConfig;

/** Compiles electron-builder's schema with the ajv it depends on (no validator of our own). */
function schemaValidator(): (data: unknown) => { ok: boolean; errors: string[] } {
  const require = createRequire(import.meta.url);
  const fromBuilder = createRequire(require.resolve('app-builder-lib/package.json'));
  const schema = fromBuilder('./scheme.json') as object;
  const Ajv = fromBuilder('ajv') as new (options: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params: object }> | null } };
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (data) => {
    const ok = validate(data);
    return { ok, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`) };
  };
}

/** Width and height from a PNG's IHDR, or throws if the bytes are not a PNG. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is a PNG`).toBe(true);
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  const validate = schemaValidator();

  test("electron-builder's schema accepts it", () => {
    const result = validate(config);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test('the schema check is live: a misspelt option or a wrong type is refused', () => {
    expect(validate({ ...config, appID: 'x' }).ok).toBe(false);
    expect(validate({ ...config, linux: { ...config.linux, target: 42 } }).ok).toBe(false);
  });

  test('identity, folders, packed files and the main entry', () => {
    expect(config.appId).toBe('org.sdestudio.app');
    expect(config.productName).toBe('SDE Studio');
    expect(config.directories).toEqual({ output: 'dist/packages', buildResources: 'build' });
    expect(config.files).toEqual(expect.arrayContaining(['dist/renderer/**/*', 'dist/electron/**/*', 'package.json']));
    // The packaged main is the one the Electron build writes, and the one package.json names.
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { main?: string };
    expect(config.extraMetadata.main).toMatch(/^dist\/electron\/main\.c?js$/);
    if (pkg.main) expect(config.extraMetadata.main).toBe(pkg.main);
  });

  test('targets: AppImage and deb for Linux, dmg for macOS, NSIS for Windows', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toEqual(expect.arrayContaining(['dmg']));
    expect(config.win.target).toEqual(expect.arrayContaining(['nsis']));
  });

  test('icons exist: a 512x512 PNG for macOS and Windows, square PNGs of the Linux sizes, the SVG source', () => {
    for (const icon of [config.mac.icon, config.win.icon]) expect(pngSize(path.join(REPO, icon))).toEqual({ width: 512, height: 512 });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(REPO, config.linux.icon, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    expect(readFileSync(path.join(REPO, 'build/icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 24 24"/);
    expect(existsSync(path.join(REPO, 'build/icons.mjs')), 'the script that regenerates the icons').toBe(true);
  });

  test('file associations: .sdegraph (SDE Studio graph, Editor, its own MIME type) and .json', () => {
    const byExt = new Map(config.fileAssociations.flatMap((a) => [a.ext].flat().map((ext) => [ext, a] as const)));
    expect(byExt.get('sdegraph')).toMatchObject({ name: 'SDE Studio graph', role: 'Editor', mimeType: 'application/x-sde-studio-graph' });
    expect(byExt.get('json')).toMatchObject({ role: 'Editor' });
  });
});
