import * as fs from 'fs';
import * as path from 'path';
import {
  formatSuppressions,
  parseSuppressions,
  SUPPRESSIONS_ANNOTATION,
  suppressionsOf,
  withSuppression,
} from '../../policies/suppressions';

describe('suppressions module', () => {
  it('uses the agreed annotation key', () => {
    expect(SUPPRESSIONS_ANNOTATION).toBe('policy.mlops-blueprint.dev/suppressions');
  });

  it('imports nothing, so constructs can use it without pulling in the engine', () => {
    const source = fs.readFileSync(
      path.join(__dirname, '..', '..', 'policies', 'suppressions.ts'),
      'utf8',
    );
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/require\(/);
  });

  describe('suppressionsOf', () => {
    const withAnnotation = (value: unknown) => ({
      metadata: { annotations: { [SUPPRESSIONS_ANNOTATION]: value } },
    });

    it('reads the entries of an object', () => {
      const obj = withAnnotation(
        '[{"rule":"pss-baseline/host-path-volumes","reason":"CNI installer"},{"rule":"platform/cpu-limit","reason":" serving "}]',
      );
      expect(suppressionsOf(obj)).toEqual([
        { rule: 'pss-baseline/host-path-volumes', reason: 'CNI installer' },
        { rule: 'platform/cpu-limit', reason: 'serving' },
      ]);
    });

    it('keeps entries without a reason, with an empty reason', () => {
      expect(suppressionsOf(withAnnotation('[{"rule":"platform/cpu-limit"}]'))).toEqual([
        { rule: 'platform/cpu-limit', reason: '' },
      ]);
    });

    it.each([
      ['no metadata', {}],
      ['no annotation', { metadata: { annotations: {} } }],
      ['not JSON', withAnnotation('oops')],
      ['not an array', withAnnotation('{}')],
      ['not an object at all', 'a string'],
    ])('returns [] for %s', (_name, obj) => {
      expect(suppressionsOf(obj)).toEqual([]);
    });
  });

  describe('parseSuppressions', () => {
    it('reports what is wrong with each entry, by index', () => {
      expect(
        parseSuppressions('[{"rule":"a/b","reason":"ok"},{"reason":"x"},7,{"rule":""}]'),
      ).toEqual({
        entries: [{ rule: 'a/b', reason: 'ok', index: 0 }],
        errors: [
          { index: 1, message: 'has no "rule" naming a rule ID' },
          { index: 2, message: 'is not an object with "rule" and "reason"' },
          { index: 3, message: 'has no "rule" naming a rule ID' },
        ],
      });
    });

    it.each([
      [undefined, []],
      ['', []],
      [12, [{ message: 'is not a string' }]],
      ['{', [{ message: 'is not valid JSON' }]],
      ['"x"', [{ message: 'is not a JSON array' }]],
    ])('reads %p', (value, errors) => {
      expect(parseSuppressions(value).errors).toEqual(errors);
    });
  });

  describe('writing', () => {
    it('adds a suppression and replaces one for the same rule', () => {
      const once = withSuppression([], 'platform/cpu-limit', 'first');
      const twice = withSuppression(
        withSuppression(once, 'pss-baseline/host-ports', 'dns'),
        'platform/cpu-limit',
        'second',
      );
      expect(twice).toEqual([
        { rule: 'pss-baseline/host-ports', reason: 'dns' },
        { rule: 'platform/cpu-limit', reason: 'second' },
      ]);
      expect(once).toEqual([{ rule: 'platform/cpu-limit', reason: 'first' }]);
    });

    it('formats the annotation value so that it reads back the same', () => {
      const list = [{ rule: 'pss-baseline/host-path-volumes', reason: 'CNI "bin" dir' }];
      const value = formatSuppressions(list);
      expect(value).toBe(
        '[{"rule":"pss-baseline/host-path-volumes","reason":"CNI \\"bin\\" dir"}]',
      );
      expect(
        suppressionsOf({ metadata: { annotations: { [SUPPRESSIONS_ANNOTATION]: value } } }),
      ).toEqual(list);
    });
  });
});
