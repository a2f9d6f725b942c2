import { propProblem, throwIfProblems } from '../../../constructs/core/validation';

describe('problem reporting', () => {
  test('a problem reads "`path` what is wrong (got ...). How to fix."', () => {
    expect(
      propProblem(
        'staticUsers[0].email',
        'is not an email address',
        '"admin"',
        'Use a full address.',
      ),
    ).toBe('`staticUsers[0].email` is not an email address (got "admin"). Use a full address.');
  });

  test('the value can be left out where it adds nothing', () => {
    expect(propProblem('hosts', 'is empty', undefined, 'Name a host.')).toBe(
      '`hosts` is empty. Name a host.',
    );
  });

  test('nothing is thrown without problems', () => {
    expect(() => throwIfProblems('Thing', [])).not.toThrow();
  });

  test('one problem follows the subject on its line', () => {
    expect(() => throwIfProblems('Thing', ['`a` is wrong.'])).toThrow(
      new Error('Thing: `a` is wrong.'),
    );
  });

  test('several problems are listed one per line, all at once', () => {
    expect(() => throwIfProblems('Thing', ['`a` is wrong.', '`b` is wrong.'])).toThrow(
      new Error('Thing: \n- `a` is wrong.\n- `b` is wrong.'),
    );
  });
});
