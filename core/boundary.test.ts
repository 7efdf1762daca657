/**
 * Architecture boundaries of the engine. core/ and nodes/ run in Node (CLI, workers) and in the
 * renderer alike, so they must not import UI or Electron packages or touch DOM globals, must not
 * evaluate strings as code with eval, and core/ must not depend on the node catalog in nodes/.
 *
 * Files are parsed with the TypeScript compiler, so comments and string literals (such as the
 * path '../graph/document.ts') are never mistaken for code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const NODES_DIR = path.join(REPO, 'nodes');

/** Packages the engine must never import (a name matches itself and its subpaths). */
const FORBIDDEN_PACKAGES = ['svelte', 'three', 'electron', '@xyflow'];
const DOM_GLOBALS = new Set(['document', 'window']);

function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...tsFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) found.push(full);
  }
  return found.sort();
}

const isTest = (file: string): boolean => /\.test\.ts$/.test(file);

/** What one source file imports and uses, as far as these rules care. */
interface Facts {
  /** Every module specifier: import / export … from, import(), require(), import type('…'). */
  specifiers: string[];
  /** `document.x`, `window[x]`, `globalThis.window`… with the line number. */
  domUses: string[];
  /** Direct or indirect uses of eval, with the line number. */
  evalUses: string[];
  /** The source with comments removed (string literals kept). */
  codeText: string;
}

function analyse(fileName: string, text: string): Facts {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const domUses: string[] = [];
  const evalUses: string[] = [];
  const declared = new Set<string>();
  const where = (n: ts.Node): string => `line ${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf)}`;
  const literal = (n: ts.Node | undefined): void => {
    if (n && ts.isStringLiteralLike(n)) specifiers.push(n.text);
  };
  const candidates: ts.Identifier[] = [];

  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) literal(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) literal(n.moduleReference.expression);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) literal(n.argument.literal);
    else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) literal(n.arguments[0]);
    }
    // Local names that shadow a global (e.g. a parameter called `document` holding a graph).
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)
      || ts.isImportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n)) && n.name && ts.isIdentifier(n.name)) {
      declared.add(n.name.text);
    }
    if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      const target = n.expression;
      if (ts.isIdentifier(target) && DOM_GLOBALS.has(target.text)) candidates.push(target);
      if (ts.isIdentifier(target) && target.text === 'globalThis') {
        const name = ts.isPropertyAccessExpression(n) ? n.name.text : ts.isStringLiteralLike(n.argumentExpression) ? n.argumentExpression.text : '';
        if (DOM_GLOBALS.has(name)) domUses.push(where(n));
        if (name === 'eval') evalUses.push(where(n));
      }
    }
    if (ts.isIdentifier(n) && n.text === 'eval' && !isPropertyName(n)) evalUses.push(where(n.parent));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const id of candidates) if (!declared.has(id.text)) domUses.push(where(id.parent));
  const codeText = ts.createPrinter({ removeComments: true }).printFile(sf);
  return { specifiers, domUses, evalUses, codeText };
}

/** `x` in `{ eval: 1 }`, `o.eval`, `interface I { eval: … }`: a property name, not the global. */
function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)
    || ts.isMethodSignature(p) || ts.isPropertyAccessExpression(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === id;
}

function forbiddenPackage(specifier: string): string | undefined {
  return FORBIDDEN_PACKAGES.find((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/** Every rule broken by one file, as readable lines. */
function violations(file: string, text: string): string[] {
  const rel = path.relative(REPO, file);
  const facts = analyse(file, text);
  const found: string[] = [];
  for (const s of facts.specifiers) {
    const pkg = forbiddenPackage(s);
    if (pkg) found.push(`${rel} imports '${s}' (${pkg} is UI / Electron only)`);
  }
  for (const use of facts.domUses) found.push(`${rel} uses a DOM global, ${use}`);
  if (!isTest(file)) {
    for (const use of facts.evalUses) found.push(`${rel} uses eval, ${use}`);
    if (/\beval\s*\(/.test(facts.codeText)) found.push(`${rel} contains 'eval(' outside comments`);
  }
  // Tests under core/ may use the real catalog as a fixture; the engine itself may not.
  if (rel.startsWith(`core${path.sep}`) && !isTest(file)) {
    for (const s of facts.specifiers) {
      if (!s.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), s);
      if (target === NODES_DIR || target.startsWith(`${NODES_DIR}${path.sep}`)) found.push(`${rel} imports '${s}': core/ must not depend on nodes/`);
    }
  }
  return found;
}

const FILES = [...tsFiles(path.join(REPO, 'core')), ...tsFiles(NODES_DIR)];

describe('engine boundaries', () => {
  it('scans the engine sources', () => {
    const rel = FILES.map((f) => path.relative(REPO, f));
    expect(rel).toContain(path.join('core', 'graph', 'validate.ts'));
    expect(rel).toContain(path.join('core', 'cli', 'main.ts'));
    expect(rel).toContain(path.join('nodes', 'registry.ts'));
    expect(rel.some((f) => f.includes('node_modules'))).toBe(false);
    expect(FILES.length).toBeGreaterThan(40);
  });

  it('core/ and nodes/ break none of the rules', () => {
    const found = FILES.flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    expect(found, found.join('\n')).toEqual([]);
  });
});

describe('the boundary checker itself', () => {
  const check = (text: string, file = path.join(REPO, 'core', 'graph', 'example.ts')): string[] => violations(file, text);

  it('catches forbidden imports in every form', () => {
    // Specifiers are spliced in so that this file itself does not read as a UI import to grep.
    const q = (pkg: string) => `'${pkg}'`;
    expect(check(`import { mount } from ${q('svelte')};`)).toHaveLength(1);
    expect(check(`import type { Writable } from ${q('svelte/store')};`)).toHaveLength(1);
    expect(check(`export * from ${q('three')};`)).toHaveLength(1);
    expect(check("const e = await import('electron');")).toHaveLength(1);
    expect(check("const e = require('electron/main');")).toHaveLength(1);
    expect(check("type N = import('@xyflow/svelte').Node;")).toHaveLength(1);
    expect(check(`import x from ${q('threejs-math')}; import y from ${q('electron-like')};`)).toEqual([]);
  });

  it('catches DOM globals but not comments, strings or local names', () => {
    expect(check('const w = window.innerWidth;')).toHaveLength(1);
    expect(check("document['body'].append('x');")).toHaveLength(1);
    expect(check('const d = globalThis.document;')).toHaveLength(1);
    expect(check([
      "import { parseGraph } from '../graph/document.ts';",
      '// document.body is not used here; neither is window.open',
      '/** See window.location. */',
      "const s = 'document.title';",
      'function save(document: { nodes: number[] }) { return document.nodes; }',
    ].join('\n'))).toEqual([]);
  });

  it('catches eval in code and in generated source strings, not in comments or tests', () => {
    expect(check("eval('1 + 1');")).toHaveLength(2);
    expect(check("const f = (0, eval);")).toHaveLength(1);
    expect(check("globalThis.eval('x');")).toHaveLength(2);
    expect(check("const source = 'return eval(x)';")).toHaveLength(1);
    expect(check("// never eval(text)\nconst o = { eval: true }; o.eval;")).toEqual([]);
    expect(check("eval('1');", path.join(REPO, 'core', 'expr', 'x.test.ts'))).toEqual([]);
  });

  it('catches core/ importing nodes/ at any depth, but allows it in tests and in nodes/', () => {
    expect(check("import { CATALOG } from '../../nodes/registry.ts';")).toHaveLength(1);
    expect(check("import { CATALOG } from '../nodes/registry.ts';", path.join(REPO, 'core', 'x.ts'))).toHaveLength(1);
    expect(check("export { DRIFTS } from '../../nodes/drifts.ts';", path.join(REPO, 'core', 'cli', 'x.ts'))).toHaveLength(1);
    expect(check("import { CATALOG } from '../../nodes/registry.ts';", path.join(REPO, 'core', 'cli', 'x.test.ts'))).toEqual([]);
    expect(check("import { DRIFTS } from './drifts.ts';", path.join(NODES_DIR, 'x.ts'))).toEqual([]);
    expect(check("import { x } from '../graph/nodesHelper.ts';")).toEqual([]);
  });
});
