import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../policies/cli';

const MANIFESTS = path.join(__dirname, 'fixtures', 'manifests');
const fixture = (...parts: string[]): string => path.join(MANIFESTS, ...parts);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], stdin?: string): Run {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => {
      if (stdin === undefined) {
        throw new Error('stdin not provided');
      }
      return stdin;
    },
  });
  return { code, stdout, stderr };
}

describe('policy CLI', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-cli-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes a directory of compliant manifests, recursively, with JSON and typed lists', () => {
    const result = run([fixture('clean')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Policy gate passed: 0 errors, 0 warnings, 0 suppressed (4 objects, packs: pss-baseline, pss-restricted, platform).\n',
    );
    expect(result.stderr).toBe(
      'note: skipped 1 YAML document(s) that are not Kubernetes objects (no apiVersion or kind).\n',
    );
  });

  it('exits 0 and prints the warnings of a file with only warnings', () => {
    const result = run([fixture('warnings-only.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Policy gate passed: 0 errors, 3 warnings, 0 suppressed');
    expect(result.stdout).toContain(
      `Secret team-a/minio-artifact  (${fixture('warnings-only.yaml')}:2)`,
    );
    expect(result.stdout).toContain('  warning    platform/literal-credentials');
    expect(result.stdout).toContain('  warning    platform/cpu-limit');
    expect(result.stdout).not.toContain('minio123');
  });

  it('exits 1 with --production when the same file holds literal credentials', () => {
    const result = run([fixture('warnings-only.yaml'), '--production']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Policy gate FAILED: 2 errors, 1 warning, 0 suppressed');
  });

  it('exits 1 on unsuppressed errors, reports by object and lists the suppressions', () => {
    const result = run([fixture('errors.yaml')]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'Policy gate FAILED: 3 errors, 0 warnings, 2 suppressed (1 object, packs: pss-baseline, pss-restricted, platform).',
    );
    expect(lines[2]).toBe(`DaemonSet kube-system/node-agent  (${fixture('errors.yaml')}:2)`);
    const errors = lines.filter((l) => l.startsWith('  error'));
    expect(errors).toEqual([
      '  error      pss-baseline/privileged',
      '  error      pss-restricted/allow-privilege-escalation',
      '  error      platform/image-pinned',
    ]);
    expect(result.stdout).toContain(
      '`spec.template.spec.initContainers[0].securityContext.privileged` must be false or unset (got true).',
    );
    expect(result.stdout).toContain(
      'DaemonSet kube-system/node-agent: pss-baseline/host-path-volumes (1 finding): Reads container logs from the node.',
    );
  });

  it('writes JSON for CI systems', () => {
    const result = run(['--format', 'json', fixture('errors.yaml')]);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as {
      passed: boolean;
      errors: { ruleId: string; source: { file: string; line: number } }[];
    };
    expect(json.passed).toBe(false);
    expect(json.errors.map((e) => e.ruleId)).toEqual([
      'pss-baseline/privileged',
      'pss-restricted/allow-privilege-escalation',
      'platform/image-pinned',
    ]);
    expect(json.errors[0]?.source).toEqual({ file: fixture('errors.yaml'), line: 2 });
  });

  it('writes SARIF with --format=sarif', () => {
    const result = run([`--format=sarif`, fixture('errors.yaml')]);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(result.code).toBe(1);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results).toHaveLength(5);
  });

  it('applies only the packs named with --pack', () => {
    const result = run(['--pack', 'platform', fixture('errors.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Policy gate FAILED: 1 error, 0 warnings, 0 suppressed');
    expect(result.stdout).toContain('packs: platform)');
  });

  it('reads standard input for -', () => {
    const yaml = fs.readFileSync(fixture('errors.yaml'), 'utf8');
    const result = run(['-', '--format', 'json'], yaml);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"file": "<stdin>"');
  });

  it('accepts paths after --', () => {
    expect(run(['--', fixture('clean')]).code).toBe(0);
  });

  it('prints help and exits 0', () => {
    const result = run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run policy -- <file|dir|->... [options]');
  });

  describe('usage and input errors exit 2', () => {
    it.each([
      [[], 'error: no file or directory given'],
      [
        ['--format', 'xml', 'x.yaml'],
        'error: --format must be one of text, json, sarif (got "xml")',
      ],
      [['--format'], 'error: --format needs a value'],
      [
        ['--pack', 'cis', 'x.yaml'],
        'error: --pack must be one of pss-baseline, pss-restricted, platform (got "cis")',
      ],
      [['--verbose', 'x.yaml'], 'error: unknown option --verbose'],
    ])('%j', (argv, message) => {
      const result = run(argv);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(message);
      expect(result.stderr).toContain('Usage:');
      expect(result.stdout).toBe('');
    });

    it('for a missing file', () => {
      const missing = path.join(tmp, 'nope.yaml');
      const result = run([missing]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`error: cannot read ${missing}: no such file or directory\n`);
    });

    it('for a directory without manifests', () => {
      const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
      const result = run([empty]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`error: no *.yaml, *.yml or *.json files under ${empty}\n`);
    });

    it('for invalid YAML, with file, line and column', () => {
      const broken = path.join(tmp, 'broken.yaml');
      fs.writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\ndata:\n  key: "unterminated\n');
      const result = run([broken]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`error: ${broken}:5:1: Missing closing "quote\n`);
    });
  });
});
