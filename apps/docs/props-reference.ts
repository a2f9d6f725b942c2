import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from 'typescript';

/** One prop of a construct, as its interface declares it. */
export interface PropDoc {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  /** The `@default` tag, `-` when an optional prop has none. */
  readonly default: string;
  readonly description: string;
}

/** An exported `*Props` interface of a component folder. */
export interface PropsDoc {
  /** The folder under constructs/, e.g. `argo-workflows`. */
  readonly folder: string;
  readonly name: string;
  readonly description: string;
  readonly props: readonly PropDoc[];
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * Reads every exported `*Props` interface of `constructs/<folder>/index.ts` with the TypeScript
 * compiler: each prop's type, its JSDoc and its `@default` tag. TypeScript is a devDependency, so
 * only `npm run docs` and the tests load it.
 */
export function readPropsDocs(root: string): PropsDoc[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TS;
  const constructs = path.join(root, 'constructs');
  const folders = fs
    .readdirSync(constructs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(constructs, e.name, 'index.ts')))
    .map((e) => e.name)
    .sort();
  const files = folders.map((f) => path.join(constructs, f, 'index.ts'));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const text = (parts: TS.SymbolDisplayPart[]) => oneLine(ts.displayPartsToString(parts));
  const docs: PropsDoc[] = [];
  folders.forEach((folder, i) => {
    const source = program.getSourceFile(files[i]);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) return;
    const exported = checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
      .filter((s) => s.flags & ts.SymbolFlags.Interface && /Props$/.test(s.getName()))
      .sort((a, b) => a.getName().localeCompare(b.getName()));
    for (const symbol of exported) {
      const declared = checker.getDeclaredTypeOfSymbol(symbol);
      const decl = symbol.declarations?.[0];
      // only the folder's own interfaces: core's props re-exported elsewhere are listed once
      if (
        !decl ||
        !path
          .resolve(decl.getSourceFile().fileName)
          .startsWith(path.join(constructs, folder) + path.sep)
      ) {
        continue;
      }
      docs.push({
        folder,
        name: symbol.getName(),
        description: text(symbol.getDocumentationComment(checker)),
        props: checker.getPropertiesOfType(declared).map((p): PropDoc => {
          const at = p.valueDeclaration ?? p.declarations?.[0] ?? decl;
          const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
          const tag = p.getJsDocTags(checker).find((t) => t.name === 'default');
          return {
            name: p.getName(),
            type: oneLine(
              checker.typeToString(
                optional
                  ? checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, at))
                  : checker.getTypeOfSymbolAtLocation(p, at),
                undefined,
                ts.TypeFormatFlags.NoTruncation,
              ),
            ),
            optional,
            default: tag ? text(tag.text ?? []) : optional ? '-' : 'required',
            description: text(p.getDocumentationComment(checker)),
          };
        }),
      });
    }
  });
  return docs;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** docs/reference/constructs.md */
export function constructsReference(
  root: string,
  docs: readonly PropsDoc[] = readPropsDocs(root),
): string {
  const out = [
    '# Constructs',
    '',
    'Generated from the code by `npm run docs`; do not edit. Every exported `*Props` interface of',
    '`constructs/<component>/index.ts`, with the `@default` each prop documents.',
    '',
  ];
  let folder = '';
  for (const d of docs) {
    if (d.folder !== folder) {
      folder = d.folder;
      out.push(`## ${folder}`, '');
    }
    out.push(`### ${d.name}`, '');
    if (d.description) out.push(d.description, '');
    if (d.props.length === 0) {
      out.push('No props.', '');
      continue;
    }
    out.push('| prop | type | default | description |', '|---|---|---|---|');
    for (const p of d.props) {
      const type = p.type.length > 80 ? `${p.type.slice(0, 77)}...` : p.type;
      out.push(
        `| \`${p.name}\` | \`${cell(type)}\` | ${p.default === 'required' ? '**required**' : cell(p.default)} | ${cell(p.description)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
