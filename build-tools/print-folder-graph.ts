/**
 * Prints the imports between the top-level folders of src/ and their layers;
 * exits 1 when folders import one another in a cycle.
 *   npx projen folder-graph
 */
import { folderCycles, folderGraph, folderGraphText } from '../test/structure/folder-graph';

const graph = folderGraph();
process.stdout.write(`${folderGraphText(graph)}\n`);
if (folderCycles(graph).length > 0) process.exit(1);
