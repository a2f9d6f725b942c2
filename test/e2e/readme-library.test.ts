import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../helpers';

/** The TypeScript blocks of the README's library section, exactly as written there. */
function librarySnippets(): string[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use the constructs as a library');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("the README's library examples work as written", () => {
  const snippets = librarySnippets();
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(REPO_ROOT, 'test', '.tmp-readme-'));
    snippets.forEach((code, i) => fs.writeFileSync(path.join(dir, `example-${i}.ts`), code));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('there are two examples', () => {
    expect(snippets).toHaveLength(2);
  });

  test('they type-check against the package as users import it', () => {
    const options: ts.CompilerOptions = {
      ...ts.parseJsonConfigFileContent(
        ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f)).config,
        ts.sys,
        REPO_ROOT,
      ).options,
      noEmit: true,
      baseUrl: REPO_ROOT,
      paths: { 'mlops-blueprint': ['index.ts'] },
    };
    const files = snippets.map((_, i) => path.join(dir, `example-${i}.ts`));
    const program = ts.createProgram(files, options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  test('they run: the platform synthesizes, the writer writes, cdk8s writes every chart', () => {
    const out = path.join(dir, 'cdk8s.out');
    const cwd = process.cwd();
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = out;
    process.chdir(dir);
    try {
      for (const code of snippets) {
        const js = ts.transpileModule(code, {
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
          },
        }).outputText;
        const load = (id: string): unknown =>
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require(id === 'mlops-blueprint' ? path.join(REPO_ROOT, 'index.ts') : id);
        new Function('require', 'exports', js)(load, {});
      }
    } finally {
      process.chdir(cwd);
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
    }
    const written = fs.readdirSync(path.join(dir, 'dist', 'staging'));
    expect(written).toEqual(
      expect.arrayContaining(['install.sh', '08-tenants.k8s.yaml', 'images.txt']),
    );
    const tenants = fs.readFileSync(
      path.join(dir, 'dist', 'staging', '08-tenants.k8s.yaml'),
      'utf8',
    );
    expect(tenants).toContain('name: vision');
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(5);
  });
});
