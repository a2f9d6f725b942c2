import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_FILE_BYTES } from '../../policies';
import { main } from '../../policies/cli';

const MANIFESTS = path.join(__dirname, 'fixtures', 'manifests');
const fixture = (...parts: string[]): string => path.join(MANIFESTS, ...parts);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], stdin?: string | Uint8Array): Run {
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

  describe('hostile input', () => {
    /** A stack trace line, which no input may ever produce. */
    const STACK = /^\s+at /m;
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(tmp, 'hostile-'));
    });
    const write = (name: string, content: string | Uint8Array): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    };
    const expectClean = (result: Run): void => {
      expect(result.stderr).not.toMatch(STACK);
      expect(result.stdout).not.toMatch(STACK);
    };

    /** Billion laughs: nine levels of nine aliases, 9^9 strings once expanded. */
    const bomb = (header = ''): string =>
      header +
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: { name: lol, namespace: team-a }',
        'data:',
        '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((level, i) => {
          const prev = `*${'abcdefghi'[i] ?? ''}`;
          return `  ${level}: &${level} [${Array(9).fill(prev).join(',')}]`;
        }),
        '',
      ].join('\n');

    describe('that cannot be read exits 2 with one line per file, in every mode', () => {
      it.each<[string, string | Uint8Array, (file: string) => string]>([
        [
          'an alias bomb',
          bomb(),
          (f) =>
            `error: ${f}:1: YAML aliases expand beyond the limit of 1000 nodes; an alias bomb ("billion laughs") was refused. Write the objects out without nested aliases.\n`,
        ],
        [
          'an alias bomb in the second document',
          bomb('apiVersion: v1\nkind: Namespace\nmetadata: { name: team-a }\n---\n'),
          (f) =>
            `error: ${f}:5: YAML aliases expand beyond the limit of 1000 nodes; an alias bomb ("billion laughs") was refused. Write the objects out without nested aliases.\n`,
        ],
        [
          'an alias without its anchor',
          'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: *nope\n',
          (f) =>
            `error: ${f}:1: cannot read this YAML document: Unresolved alias (the anchor must be set before the alias): nope\n`,
        ],
        [
          'a merge key that merges no mapping',
          'apiVersion: v1\nkind: ConfigMap\ndata:\n  <<: 1\n',
          (f) =>
            `error: ${f}:1: cannot read this YAML document: Merge sources must be maps or map aliases\n`,
        ],
        [
          'a duplicate key',
          'apiVersion: v1\nkind: ConfigMap\nkind: Secret\n',
          (f) => `error: ${f}:3:1: Map keys must be unique\n`,
        ],
      ])('%s', (name, content, message) => {
        const file = write(`${name.replace(/\W+/g, '-')}.yaml`, content);
        for (const mode of [[], ['--production']]) {
          const result = run([file, ...mode]);
          expect(result.code).toBe(2);
          expect(result.stderr).toBe(message(file));
          expect(result.stdout).toBe('');
          expectClean(result);
        }
      });

      it('merge keys are read as kubectl reads them, so a merged privileged flag is seen', () => {
        const file = write(
          'merge.yaml',
          [
            'apiVersion: v1',
            'kind: Pod',
            'metadata: { name: p, namespace: team-a }',
            'spec:',
            '  containers:',
            '    - name: a',
            '      image: busybox:1.36',
            '      securityContext: &debug { privileged: true }',
            '    - name: b',
            '      image: busybox:1.36',
            '      securityContext:',
            '        <<: *debug',
            '        runAsNonRoot: true',
            '',
          ].join('\n'),
        );
        const result = run([file, '--pack', 'pss-baseline']);
        expect(result.code).toBe(1);
        // Without merge keys the second container would have no `privileged` at all.
        expect(result.stdout).toContain('`spec.containers[1].securityContext.privileged` must be');
      });

      it('nesting deeper than the parser can follow', () => {
        const file = write('deep.yaml', `${'['.repeat(100000)}${']'.repeat(100000)}\n`);
        const result = run([file]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(
          new RegExp(
            `^error: ${file.replace(/[.\\]/g, '\\$&')}:1:\\d+: nested too deeply to read \\(.*\\); flatten the document\\n$`,
          ),
        );
        expectClean(result);
      });

      it('a file larger than any manifest (a disk image, /dev/zero) is refused before it is parsed', () => {
        const file = path.join(dir, 'disk.img.yaml');
        // Sparse: no disk space used, read back as zeros.
        fs.writeFileSync(file, '');
        fs.truncateSync(file, MAX_FILE_BYTES + 1);
        const result = run([file]);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          `error: ${file} is larger than 64 MiB, more than any manifest file; split it\n`,
        );
        fs.rmSync(file);
      });

      it('lists every file that cannot be read, not only the first', () => {
        const first = write('bomb-1.yaml', bomb());
        const second = write('broken-2.yaml', 'kind: "unterminated\n');
        const missing = path.join(dir, 'missing.yaml');
        const result = run([first, missing, second]);
        expect(result.code).toBe(2);
        expect(result.stderr.split('\n')).toEqual([
          expect.stringMatching(`^error: ${first}:1: YAML aliases expand beyond the limit`),
          `error: cannot read ${missing}: no such file or directory`,
          `error: ${second}:2:1: Missing closing "quote`,
          '',
        ]);
      });
    });

    describe('that is not text is skipped with a warning, and fails with --production', () => {
      it.each<[string, string | Uint8Array, string]>([
        [
          'NUL-prefixed YAML',
          '\0apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
          'binary, not text (NUL byte at offset 0)',
        ],
        [
          'a gzip file named .yaml',
          Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]),
          'binary, not text (NUL byte at offset 3)',
        ],
        [
          'Latin-1 text',
          Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata: { name: caf\u00e9 }\n', 'latin1'),
          'not UTF-8 (byte 0xE9 at offset 48); save it as UTF-8',
        ],
        [
          'an overlong UTF-8 sequence',
          Buffer.concat([Buffer.from('kind: '), Buffer.from([0xc0, 0xaf])]),
          'not UTF-8 (byte 0xC0 at offset 6); save it as UTF-8',
        ],
        [
          'an encoded surrogate',
          Buffer.concat([Buffer.from('kind: '), Buffer.from([0xed, 0xa0, 0x80])]),
          'not UTF-8 (byte 0xED at offset 6); save it as UTF-8',
        ],
        [
          'a truncated UTF-8 sequence',
          Buffer.concat([Buffer.from('kind: '), Buffer.from([0xe2, 0x82])]),
          'not UTF-8 (byte 0xE2 at offset 6); save it as UTF-8',
        ],
        [
          'UTF-16 (as PowerShell 5 redirects write it)',
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Pod\n', 'utf16le')]),
          'UTF-16 text (byte order mark 0xFF 0xFE); save it as UTF-8',
        ],
        [
          'terminal colour codes',
          '\u001b[32mapiVersion: v1\u001b[0m\nkind: ConfigMap\n',
          'control character U+001B at character 0, which YAML does not allow',
        ],
      ])('%s', (name, content, reason) => {
        const file = write(`${name.replace(/\W+/g, '-')}.yaml`, content);

        const dev = run([file]);
        expect(dev.code).toBe(0);
        expect(dev.stderr).toBe(
          `warning: skipped ${file}: ${reason}; --production fails on this\n`,
        );
        expect(dev.stdout).toContain('(0 objects,');
        expectClean(dev);

        const prod = run([file, '--production']);
        expect(prod.code).toBe(2);
        expect(prod.stderr).toBe(`error: cannot check ${file}: ${reason}\n`);
        expect(prod.stdout).toBe('');
        expectClean(prod);
      });

      it('checks the other files of a directory, and names the skipped one', () => {
        const mixed = fs.mkdtempSync(path.join(dir, 'mixed-'));
        fs.copyFileSync(fixture('errors.yaml'), path.join(mixed, 'errors.yaml'));
        const binary = path.join(mixed, 'blob.yaml');
        fs.writeFileSync(binary, Uint8Array.from([0x00, 0x01, 0x02]));

        const dev = run([mixed]);
        expect(dev.code).toBe(1);
        expect(dev.stderr).toBe(
          `warning: skipped ${binary}: binary, not text (NUL byte at offset 0); --production fails on this\n`,
        );
        expect(dev.stdout).toContain('Policy gate FAILED: 3 errors');

        const prod = run([mixed, '--production']);
        expect(prod.code).toBe(2);
        expect(prod.stderr).toBe(
          `error: cannot check ${binary}: binary, not text (NUL byte at offset 0)\n`,
        );
        expect(prod.stdout).toBe('');
      });

      it('on standard input too', () => {
        const result = run(['-', '--production'], Uint8Array.from([0x00, 0x61]));
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          'error: cannot check <stdin>: binary, not text (NUL byte at offset 0)\n',
        );
      });

      it('but a UTF-8 byte order mark is fine', () => {
        const file = write(
          'bom.yaml',
          Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(fixture('errors.yaml'))]),
        );
        const result = run([file, '--format', 'json']);
        expect(result.code).toBe(1);
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain(`"line": 2`);
      });
    });

    describe('that holds no Kubernetes object passes with a warning, and fails with --production', () => {
      it.each<[string, string, string]>([
        ['an empty file', '', 'no YAML document'],
        ['only comments', '# generated\n# nothing here\n', 'no YAML document'],
        ['only document markers', '---\n---\n', 'no YAML document'],
        [
          'a chart values file',
          'replicas: 2\nimage: { tag: 1.0 }\n',
          '1 YAML document(s) without apiVersion or kind',
        ],
        [
          'a kustomization',
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
          '1 kustomize configuration document(s)',
        ],
      ])('%s', (name, content, what) => {
        const file = write(`${name.replace(/\W+/g, '-')}.yaml`, content);

        const dev = run([file]);
        expect(dev.code).toBe(0);
        expect(dev.stderr).toContain(
          `warning: no Kubernetes object in ${file} (${what}), nothing to check; --production fails on this\n`,
        );
        expect(dev.stdout).toContain('(0 objects,');

        const prod = run([file, '--production']);
        expect(prod.code).toBe(2);
        expect(prod.stderr).toBe(
          `error: no Kubernetes object in ${file} (${what}), nothing to check\n`,
        );
        expect(prod.stdout).toBe('');
      });

      it('names each path given that checks nothing, even beside one that does', () => {
        const empty = write('empty-beside.yaml', '');
        const result = run([fixture('errors.yaml'), empty, '--production']);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          `error: no Kubernetes object in ${empty} (no YAML document), nothing to check\n`,
        );
      });

      it('for standard input that is empty (a failed helm template upstream)', () => {
        const result = run(['-', '--production'], '');
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          'error: no Kubernetes object in <stdin> (no YAML document), nothing to check\n',
        );
      });

      it('for a directory whose files hold no object', () => {
        const values = fs.mkdtempSync(path.join(dir, 'chart-'));
        fs.writeFileSync(path.join(values, 'values.yaml'), 'replicas: 2\n');
        const result = run([values, '--production']);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          `error: no Kubernetes object in ${values} (1 YAML document(s) without apiVersion or kind), nothing to check\n`,
        );
      });

      it('a kustomization beside the manifests is configuration, not worth a note', () => {
        const output = fs.mkdtempSync(path.join(dir, 'output-'));
        fs.copyFileSync(fixture('clean', 'platform.yaml'), path.join(output, 'platform.yaml'));
        fs.writeFileSync(
          path.join(output, 'kustomization.yaml'),
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [platform.yaml]\n',
        );
        const result = run([output, '--production']);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('');
      });

      it('but a directory with objects passes, whatever else it holds', () => {
        const result = run([fixture('clean'), '--production']);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe(
          'note: skipped 1 YAML document(s) that are not Kubernetes objects (no apiVersion or kind).\n',
        );
      });
    });
  });
});
