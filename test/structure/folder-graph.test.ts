import { readdirSync, statSync } from 'fs';
import { join, relative } from 'path';
import { CrossingImport, FolderGraph, SRC_DIR, folderCycles, folderGraph, folderGraphText } from './folder-graph';

/** Folders that hold constructs (synthesized into templates) and may not reach handler code. */
const CONSTRUCT_FOLDERS = ['pipeline', 'framework', 'apigateway', 'nag'];

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? allFiles(join(dir, name)) : [join(dir, name)]));
}

function graphOf(edges: Array<[string, string]>): FolderGraph {
  const crossing: CrossingImport = { from: 'a.ts', to: 'b.ts' };
  return { edges: new Map(edges.map(([from, to]) => [`${from} -> ${to}`, [crossing]])) };
}

const graph = folderGraph();

test('the top-level folders of src/ import one another without a cycle', () => {
  process.stdout.write(`${folderGraphText(graph)}\n`);
  expect(folderCycles(graph)).toEqual([]);
});

test('the cycle check finds a cycle between folders, however long', () => {
  expect(folderCycles(graphOf([['runtime', 'pipeline'], ['pipeline', 'runtime'], ['pipeline', 'contract']]))).toEqual([['pipeline', 'runtime']]);
  expect(folderCycles(graphOf([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']]))).toEqual([['a', 'b', 'c']]);
  expect(folderCycles(graphOf([['a', 'b'], ['b', 'c']]))).toEqual([]);
});

test('handler code (src/runtime) imports no construct folder, and no construct folder imports handler code', () => {
  const crossings = [...graph.edges.entries()]
    .filter(([edge]) => {
      const [from, to] = edge.split(' -> ');
      return (from === 'runtime' && CONSTRUCT_FOLDERS.includes(to)) || (to === 'runtime' && from !== 'runtime');
    })
    .flatMap(([, imports]) => imports.map((i) => `${i.from} -> ${i.to}`));
  expect(crossings).toEqual([]);
});

test('every Lambda entry point lives in src/runtime/handlers, and no source file is named like a test', () => {
  const files = allFiles(SRC_DIR).map((f) => relative(SRC_DIR, f));
  expect(files.filter((f) => f.endsWith('.lambda.ts') && !f.startsWith(join('runtime', 'handlers')))).toEqual([]);
  expect(files.filter((f) => /[-.](spec|test)\.ts$/.test(f) || f.split('/').includes('tests'))).toEqual([]);
});
