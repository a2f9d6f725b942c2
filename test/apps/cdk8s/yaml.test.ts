import { load } from 'js-yaml';
import { parse } from 'yaml';
import { yamlDocument } from '../../../apps/cdk8s/yaml';

/** What a YAML 1.2 reader (js-yaml) and a YAML 1.1 reader (kubectl's dialect) make of the text. */
function readBack(text: string): { v12: unknown; v11: unknown } {
  return { v12: load(text), v11: parse(text, { version: '1.1' }) };
}

function roundTrips(value: Record<string, unknown>): void {
  const text = yamlDocument(value);
  const { v12, v11 } = readBack(text);
  expect([text, v12]).toEqual([text, value]);
  expect([text, v11]).toEqual([text, value]);
}

describe('manifest YAML', () => {
  test('block mappings and sequences, two spaces, in key order', () => {
    expect(
      yamlDocument({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } },
        list: [{ name: 'p', port: 80 }, 'b', [], {}],
        empty: {},
        none: [],
      }),
    ).toBe(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: a',
        '  labels:',
        '    app.kubernetes.io/name: x',
        'list:',
        '  - name: p',
        '    port: 80',
        '  - b',
        '  - []',
        '  - {}',
        'empty: {}',
        'none: []',
        '',
      ].join('\n'),
    );
  });

  test.each([
    // what YAML 1.1 reads as booleans or null, and what reads as numbers, dates or indicators
    ...['yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', '~', ''],
    ...['8888', '0.5', '1e3', '0x1F', '0o17', '017', '1:20', '.5', '.inf', '.NaN', '-1', '+1'],
    ...['2026-11-30', '1.0Gi', '500m', '- item', '? key', ': x', '#c', '&a', '*a', '!t', '|', '>'],
    ...['%x', '@x', '`x', '"q"', "'q'", '{a}', '[a]', 'a: b', 'a #b', 'a:', ' a', 'a ', 'a b'],
    ...['<<', '=', 'a\tb', 'ä', '\u2028', 'back\\slash', 'http://x/y', 'alice@example.com'],
    ...['01-crds.k8s.yaml', '500m', '1.0Gi', '3d', '0b101', '0xFF', '1E5', '1_000', '12e'],
    ...['2026-11-30T10', '2026-11-30t10:00:00Z', '0.5e-3', '1.2.3', '6006', '1.30.1'],
  ])('the string %j reads back as the same string in YAML 1.1 and 1.2', (s) => {
    roundTrips({ key: s, list: [s], [s || 'empty']: 'v' });
  });

  test('plain where nothing else is possible, quoted otherwise', () => {
    expect(
      yamlDocument({
        a: 'kubeflow-userid',
        b: 'on',
        c: '80',
        d: '',
        e: '01-crds.k8s.yaml',
        f: '0x1F',
      }),
    ).toBe('a: kubeflow-userid\nb: "on"\nc: "80"\nd: ""\ne: 01-crds.k8s.yaml\nf: "0x1F"\n');
  });

  test.each([
    'line one\nline two',
    'trailing newline\n',
    'two trailing\n\n',
    'inner\n\nblank',
    'set -eu\n  indented\n#!comment-like\n- dash',
    ' leading space\nx',
    'trailing space \nx',
    '\nstarts empty',
    'tab\tinside\nx',
    'carriage\r\nreturn',
  ])('the multi-line string %j reads back unchanged', (s) => {
    roundTrips({ data: { script: s }, args: ['-c', s] });
  });

  test('scripts are literal blocks, indented under their key', () => {
    expect(yamlDocument({ data: { 'run.sh': 'set -eu\necho hi\n' } })).toBe(
      'data:\n  run.sh: |\n    set -eu\n    echo hi\n',
    );
  });

  test('numbers, booleans and null keep their types', () => {
    roundTrips({ n: 0, f: 1.5, neg: -3, big: 1e21, t: true, f2: false, z: null });
  });

  test('nested sequences and mappings inside sequences', () => {
    roundTrips({
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        { nested: [[1, 2], [], [{ a: { b: ['c'] } }]] },
      ],
    });
  });

  test('refuses what JSON has no form for', () => {
    expect(() => yamlDocument({ a: Number.NaN })).toThrow('Cannot write NaN as YAML.');
    expect(() => yamlDocument({ a: () => 1 })).toThrow('Cannot write a function as YAML.');
  });
});
