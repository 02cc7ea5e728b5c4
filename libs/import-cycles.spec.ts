import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The libs must form a graph without cycles: a cycle works only by barrel load order (a value is undefined
 * when the other side of the cycle is still loading) and ties the libs into one. Type-only imports count
 * too, since they still say that one side cannot be understood without the other.
 */
const ROOT = resolve(__dirname, '..');

type Graph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The file an import names, for `@app/<lib>` aliases and relative paths; undefined for packages. */
function resolveImport(from: string, specifier: string, known: Set<string>): string | undefined {
  let base: string;
  if (specifier.startsWith('@app/')) {
    const [lib, ...rest] = specifier.slice('@app/'.length).split('/');
    base = join(ROOT, 'libs', lib, 'src', ...rest);
  } else if (specifier.startsWith('.')) {
    base = resolve(dirname(from), specifier);
  } else {
    return undefined;
  }
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => known.has(candidate));
}

/** Every import (value, type-only, re-export, dynamic) of every libs/*\/src file, as a file graph. */
function libFileGraph(): Graph {
  const files = sourceFiles(join(ROOT, 'libs')).filter((file) => /\/libs\/[^/]+\/src\//.test(file));
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => resolveImport(file, fileName, known))
      .filter((target): target is string => target !== undefined && target !== file);
    graph.set(file, new Set(targets));
  }
  return graph;
}

function libOf(file: string): string {
  return relative(join(ROOT, 'libs'), file).split('/')[0];
}

function libGraph(files: Graph): Graph {
  const graph: Graph = new Map();
  for (const [file, targets] of files) {
    const edges = graph.get(libOf(file)) ?? new Set<string>();
    for (const target of targets) if (libOf(target) !== libOf(file)) edges.add(libOf(target));
    graph.set(libOf(file), edges);
  }
  return graph;
}

/** One cycle per back edge of a depth-first walk, each as the path that closes it (first node repeated). */
export function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): void => {
    path.push(node);
    onPath.add(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (onPath.has(next)) cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

const describeCycles = (cycles: string[][], name: (node: string) => string): string[] =>
  cycles.map((cycle) => cycle.map(name).join(' → '));

describe('imports between libs', () => {
  const files = libFileGraph();

  it('finds and names a cycle in a graph that has one', () => {
    const graph: Graph = new Map([
      ['config', new Set(['common', 'security'])],
      ['security', new Set(['storage'])],
      ['storage', new Set(['config'])],
      ['common', new Set<string>()],
    ]);
    expect(describeCycles(findCycles(graph), String)).toEqual(['config → security → storage → config']);
  });

  it('reads the libs', () => {
    expect(files.size).toBeGreaterThan(100);
    expect(libGraph(files).get('pipeline')).toContain('engines');
  });

  it('has no cycle between libs', () => {
    expect(describeCycles(findCycles(libGraph(files)), String)).toEqual([]);
  });

  it('has no cycle between files of the libs, type-only imports included', () => {
    expect(describeCycles(findCycles(files), (file) => relative(ROOT, file))).toEqual([]);
  });
});
