import {
  DexListProblem,
  dexConnectorIdProblems,
  dexStaticUserProblems,
  formatDexProblem,
} from '../../../constructs/dex';

const config = (list: string) => (i: number) => `identity.dex.${list}[${i}]`;
const user = (email: string, type: 'hash' | 'secret' | 'generated' = 'generated') => ({
  email,
  password: { type },
});

describe('dexConnectorIdProblems', () => {
  test('distinct IDs have none', () => {
    expect(dexConnectorIdProblems(['corporate-sso', 'github', 'ldap'])).toEqual([]);
    expect(dexConnectorIdProblems([])).toEqual([]);
  });

  test.each<[string, string[], DexListProblem[]]>([
    [
      "the ID of Dex's password database",
      ['github', 'local'],
      [
        {
          index: 1,
          path: 'identity.dex.connectors[1].id',
          what: "is taken by Dex's password database",
          got: 'local',
          fix: 'Choose another ID, such as corporate-sso.',
        },
      ],
    ],
    [
      'an ID twice, reported at each repeat',
      ['github', 'sso', 'github', 'github'],
      [2, 3].map((index) => ({
        index,
        path: `identity.dex.connectors[${index}].id`,
        what: 'repeats identity.dex.connectors[0]',
        got: 'github',
        fix: 'Give every connector its own ID.',
      })),
    ],
  ])('%s', (_what, ids, problems) => {
    expect(dexConnectorIdProblems(ids, config('connectors'))).toEqual(problems);
  });

  test('paths default to the construct props', () => {
    expect(dexConnectorIdProblems(['a', 'a']).map(formatDexProblem)).toEqual([
      '`connectors[1].id` repeats connectors[0] (got "a"). Give every connector its own ID.',
    ]);
  });
});

describe('dexStaticUserProblems', () => {
  test('distinct users have none, in production too when no hash is given', () => {
    const users = [user('admin@example.com'), user('ops@example.com', 'secret')];
    expect(dexStaticUserProblems(users)).toEqual([]);
    expect(dexStaticUserProblems(users, { production: true })).toEqual([]);
  });

  test.each<[string, ReturnType<typeof user>[], boolean, string[]]>([
    [
      'an email twice, without regard to case',
      [user('ops@example.com'), user('admin@example.com'), user('OPS@Example.com', 'hash')],
      false,
      [
        '`identity.dex.staticUsers[2].email` repeats identity.dex.staticUsers[0] (got "OPS@Example.com"). List each user once; emails are compared without regard to case.',
      ],
    ],
    [
      'emails that make the same environment variable',
      [user('a.b@example.com'), user('a-b@example.com', 'secret')],
      false,
      [
        '`identity.dex.staticUsers[1].email` collides with identity.dex.staticUsers[0] in the environment variable DEX_USER_A_B_EXAMPLE_COM_* (got "a-b@example.com"). Use emails that differ in letters or digits, not only in punctuation.',
      ],
    ],
    [
      'emails that make the same Secret name',
      [user('a.b@example.com'), user('a..b@example.com')],
      false,
      [
        '`identity.dex.staticUsers[1].email` collides with identity.dex.staticUsers[0] in the Secret name dex-password-a-b-example-com (got "a..b@example.com"). Use emails that differ in letters or digits, not only in punctuation.',
      ],
    ],
    [
      'a passwordHash in production, without showing it',
      [user('admin@example.com', 'secret'), user('breakglass@example.com', 'hash')],
      true,
      [
        "`identity.dex.staticUsers[1].passwordHash` would be written into the output, which production refuses. Put the hash into a Secret in Dex's namespace and reference it with passwordSecret instead.",
      ],
    ],
  ])('%s', (_what, users, production, messages) => {
    expect(
      dexStaticUserProblems(users, { at: config('staticUsers'), production }).map(formatDexProblem),
    ).toEqual(messages);
  });

  test('long emails that differ only past the 40th character do not collide', () => {
    const local = 'a'.repeat(240);
    expect(
      dexStaticUserProblems([user(`${local}.alice@example.com`), user(`${local}.bob@example.com`)]),
    ).toEqual([]);
  });

  test('problems carry the index of their entry, so a caller can place them', () => {
    const problems = dexStaticUserProblems([user('x@example.com'), user('X@example.com', 'hash')], {
      production: true,
    });
    expect(problems.map((p) => [p.index, p.path])).toEqual([
      [1, 'staticUsers[1].email'],
      [1, 'staticUsers[1].passwordHash'],
    ]);
    expect(problems[1].got).toBeUndefined();
  });
});
