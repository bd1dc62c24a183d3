import * as path from 'path';
import * as ts from 'typescript';
import { ROOT } from './child';

/**
 * The AWS operations a handler can call, found in its source: a reachability
 * walk from the handler module's top level through every function, method,
 * class and variable it refers to (resolved by the type checker, so a method
 * call reaches that method, not every method of the name), collecting the
 * SDK commands, paginators and waiters reached code uses. A method called
 * through an interface reaches every method of that name in the project, so
 * the walk errs towards reaching too much rather than too little. What it finds
 * is what the handler may call; a client in its bundle that no reached code
 * calls is dead weight.
 */
export class HandlerCalls {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private methodsByName?: Map<string, ts.Node[]>;

  constructor(entries: readonly string[]) {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.typecheck.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    });
    this.program = ts.createProgram(entries.map((e) => path.join(ROOT, e)), { ...config!.options, noEmit: true });
    this.checker = this.program.getTypeChecker();
  }

  /** The operations reached from `entry`, per client package. */
  public operations(entry: string): Record<string, string[]> {
    const source = this.program.getSourceFile(path.join(ROOT, entry));
    if (!source) throw new Error(`${entry} is not in the program`);
    const calls: Record<string, Set<string>> = {};
    const seen = new Set<ts.Node>();
    const queue: ts.Node[] = [...source.statements];
    const methodsByName = this.projectMethodsByName();
    while (queue.length > 0) {
      const node = queue.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      this.walk(node, (declaration, name) => {
        const client = sdkClientOf(declaration);
        if (client) {
          if (/Command$|^paginate[A-Z]|^waitUntil[A-Z]/.test(name)) (calls[client] ??= new Set()).add(name);
          return;
        }
        if (!isProjectSource(declaration)) return;
        const isFunctionField = ts.isPropertySignature(declaration) && declaration.type !== undefined && ts.isFunctionTypeNode(declaration.type);
        if (ts.isMethodSignature(declaration) || isFunctionField) {
          // Called through an interface: whichever implementation runs.
          queue.push(...(methodsByName.get(name) ?? []));
        } else if (ts.isPropertySignature(declaration)) {
          // A data field of an interface: nothing to run.
        } else {
          queue.push(declaration);
        }
      });
    }
    return Object.fromEntries(Object.keys(calls).sort().map((c) => [c, [...calls[c]].sort()]));
  }

  /** Visits every identifier in `node` (for a class, only its constructor and fields: methods are reached by name). */
  private walk(node: ts.Node, reach: (declaration: ts.Declaration, name: string) => void): void {
    const visit = (child: ts.Node): void => {
      if (ts.isIdentifier(child)) {
        let symbol = this.checker.getSymbolAtLocation(child);
        if (symbol?.declarations?.some(isAlias)) symbol = this.checker.getAliasedSymbol(symbol);
        for (const declaration of symbol?.declarations ?? []) reach(declaration, child.text);
        return;
      }
      if (ts.isMethodDeclaration(child) && ts.isClassLike(child.parent) && child.parent === node) return;
      ts.forEachChild(child, visit);
    };
    if (ts.isClassLike(node)) {
      node.members.filter((m) => !ts.isMethodDeclaration(m)).forEach(visit);
      node.heritageClauses?.forEach(visit);
    } else {
      ts.forEachChild(node, visit);
    }
  }

  /** Every method and function-valued property of the project's classes and object literals, by name. */
  private projectMethodsByName(): Map<string, ts.Node[]> {
    if (this.methodsByName) return this.methodsByName;
    const byName = new Map<string, ts.Node[]>();
    const visit = (node: ts.Node): void => {
      const isFunction = ts.isMethodDeclaration(node)
        || ((ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) && node.initializer !== undefined
          && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)));
      if (isFunction && ts.isIdentifier(node.name)) {
        byName.set(node.name.text, [...(byName.get(node.name.text) ?? []), node]);
      }
      ts.forEachChild(node, visit);
    };
    for (const file of this.program.getSourceFiles()) {
      if (isProjectSource(file)) visit(file);
    }
    this.methodsByName = byName;
    return byName;
  }
}

/** An import or re-export: the symbol stands for one declared elsewhere. */
function isAlias(declaration: ts.Declaration): boolean {
  return ts.isImportSpecifier(declaration) || ts.isImportClause(declaration)
    || ts.isNamespaceImport(declaration) || ts.isExportSpecifier(declaration);
}

function isProjectSource(node: ts.Node): boolean {
  const file = node.getSourceFile().fileName;
  return file.startsWith(path.join(ROOT, 'src') + path.sep);
}

/** `@aws-sdk/client-x` when the declaration is in that package. */
function sdkClientOf(declaration: ts.Declaration): string | undefined {
  return /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(declaration.getSourceFile().fileName)?.[1];
}
