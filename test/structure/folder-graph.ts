import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import * as ts from 'typescript';

/** `src/` of this project. */
export const SRC_DIR = resolve(__dirname, '..', '..', 'src');

/** A file-level import that crosses from one top-level folder of `src/` to another. */
export interface CrossingImport {
  readonly from: string;
  readonly to: string;
}

/** The top-level folders of `src/` and the imports between them (files at the top level count as `(root)`). */
export interface FolderGraph {
  /** `from -> to` for each pair of different folders, with the imports that make the edge. */
  readonly edges: Map<string, CrossingImport[]>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

/** The top-level folder of `src/` a file is in. */
export function folderOf(file: string): string {
  const parts = relative(SRC_DIR, file).split(sep);
  return parts.length > 1 ? parts[0] : '(root)';
}

/** The project files a source file imports, re-exports or requires (type-only imports included: they are part of the contract). */
function importedFiles(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf-8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name))
    .map((target) => {
      for (const candidate of [`${target}.ts`, join(target, 'index.ts'), target]) {
        try {
          if (statSync(candidate).isFile()) return candidate;
        } catch {
          // not this candidate
        }
      }
      throw new Error(`${relative(SRC_DIR, file)} imports ${target}, which is not a file`);
    });
}

/** Reads every import of every file under `src/` and groups those between top-level folders. */
export function folderGraph(srcDir: string = SRC_DIR): FolderGraph {
  const edges = new Map<string, CrossingImport[]>();
  for (const file of sourceFiles(srcDir)) {
    for (const target of importedFiles(file)) {
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, [...edges.get(key) ?? [], { from: relative(srcDir, file), to: relative(srcDir, target) }]);
    }
  }
  return { edges };
}

/** The folders each folder imports. */
function successors(graph: FolderGraph): Map<string, Set<string>> {
  const next = new Map<string, Set<string>>();
  for (const key of graph.edges.keys()) {
    const [from, to] = key.split(' -> ');
    next.set(from, new Set([...next.get(from) ?? [], to]));
    if (!next.has(to)) next.set(to, new Set());
  }
  return next;
}

/**
 * Every set of folders that import one another in a cycle (strongly
 * connected components of more than one folder, by Tarjan's algorithm), each
 * sorted; empty when the folders form a layered graph.
 */
export function folderCycles(graph: FolderGraph): string[][] {
  const next = successors(graph);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    onStack.add(folder);
    for (const to of next.get(folder)!) {
      if (!index.has(to)) {
        visit(to);
        low.set(folder, Math.min(low.get(folder)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(folder, Math.min(low.get(folder)!, index.get(to)!));
      }
    }
    if (low.get(folder) === index.get(folder)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== folder);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const folder of [...next.keys()].sort()) {
    if (!index.has(folder)) visit(folder);
  }
  return cycles;
}

/** The folders in an order where each comes after every folder it imports (the layers, bottom first). */
export function folderLayers(graph: FolderGraph): string[][] {
  const next = successors(graph);
  const layers: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < next.size) {
    const layer = [...next.keys()].filter((f) => !placed.has(f) && [...next.get(f)!].every((to) => placed.has(to))).sort();
    if (layer.length === 0) break; // a cycle: folderCycles names it
    layer.forEach((f) => placed.add(f));
    layers.push(layer);
  }
  return layers;
}

/** The graph as text: the edges with their import counts, then the layers. */
export function folderGraphText(graph: FolderGraph): string {
  const lines = [...graph.edges.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([edge, imports]) => `  ${edge.padEnd(28)} ${String(imports.length).padStart(3)} imports`);
  const layers = folderLayers(graph).map((layer, i) => `  ${i}: ${layer.join(', ')}`);
  const cycles = folderCycles(graph).map((cycle) => `  cycle: ${cycle.join(' <-> ')}`);
  return ['Imports between the top-level folders of src/:', ...lines, 'Layers (each imports only layers below it):', ...layers, ...cycles].join('\n');
}
