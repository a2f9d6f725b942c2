import { ConfigError, ConfigProblem } from '../../../constructs/core/config/problems';
import { validateEnvironment } from '../../../stacks/config/validate';

type TenantInput = Record<string, unknown>;

/** The problems of a dev environment with `tenants`, or `[]` if it validates. */
function problems(tenants: readonly TenantInput[]): ConfigProblem[] {
  try {
    validateEnvironment({ name: 'dev', preset: 'dev', tenants }, 'dev.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

const team = (extra: TenantInput): TenantInput => ({
  name: 'team-a',
  owner: 'owner@x.io',
  ...extra,
});

describe('TENANT-MEMBERS', () => {
  test.each([
    ['the same role', 'edit'],
    ['another role', 'view'],
  ])('a group listed twice (with %s) is reported once, at the repeat', (_, role) => {
    expect(
      problems([
        team({
          groups: [
            { name: 'ml-admins', role: 'edit' },
            { name: 'ml-admins', role },
          ],
        }),
      ]),
    ).toEqual([
      {
        path: 'tenants[0].groups[1].name',
        message:
          '`tenants[0].groups[1].name` repeats tenants[0].groups[0] (got "ml-admins"). List each group once with one role.',
        rule: 'TENANT-MEMBERS',
      },
    ]);
  });

  test('a member listed twice is reported once, at the repeat', () => {
    expect(
      problems([
        team({
          members: [
            { user: 'bo@x.io', role: 'view' },
            { user: 'cy@x.io', role: 'view' },
            { user: 'bo@x.io', role: 'view' },
          ],
        }),
      ]),
    ).toEqual([
      {
        path: 'tenants[0].members[2].user',
        message:
          '`tenants[0].members[2].user` repeats tenants[0].members[0] (got "bo@x.io"). List each member once with one role.',
        rule: 'TENANT-MEMBERS',
      },
    ]);
  });

  test.each([
    ['a-b@x.io', 'user-a-b-x-io-clusterrole-edit'],
    ['A.B@X.io', 'user-a-b-x-io-clusterrole-edit'],
    ['a+b@x.io', 'user-a-b-x-io-clusterrole-edit'],
  ])(
    'two members whose KFAM names collide (a.b@x.io and %s, same role) are refused',
    (other, name) => {
      expect(
        problems([
          team({
            members: [
              { user: 'a.b@x.io', role: 'edit' },
              { user: other, role: 'edit' },
            ],
          }),
        ]),
      ).toEqual([
        {
          path: 'tenants[0].members[1].user',
          message: `\`tenants[0].members[1].user\` gets the binding name ${name}, as tenants[0].members[0].user does (got "${other}"). Bindings are named by their letters and digits only; two subjects that differ only in other characters cannot both be listed with the same role.`,
          rule: 'TENANT-MEMBERS',
        },
      ]);
    },
  );

  test('the collision message in the ConfigError text', () => {
    expect(() =>
      validateEnvironment(
        {
          name: 'dev',
          preset: 'dev',
          tenants: [
            team({
              members: [
                { user: 'a.b@x.io', role: 'edit' },
                { user: 'a-b@x.io', role: 'edit' },
              ],
            }),
          ],
        },
        'dev.yaml',
      ),
    ).toThrow(
      [
        'dev.yaml is not a valid environment (1 problem):',
        '  - `tenants[0].members[1].user` gets the binding name user-a-b-x-io-clusterrole-edit, as tenants[0].members[0].user does (got "a-b@x.io"). Bindings are named by their letters and digits only; two subjects that differ only in other characters cannot both be listed with the same role. [TENANT-MEMBERS]',
      ].join('\n'),
    );
  });

  test('groups whose KFAM names collide are refused too', () => {
    expect(
      problems([
        team({
          groups: [
            { name: 'Data Science', role: 'view' },
            { name: 'data-science', role: 'view' },
          ],
        }),
      ]),
    ).toEqual([
      {
        path: 'tenants[0].groups[1].name',
        message:
          '`tenants[0].groups[1].name` gets the binding name group-data-science-clusterrole-view, as tenants[0].groups[0].name does (got "data-science"). Bindings are named by their letters and digits only; two subjects that differ only in other characters cannot both be listed with the same role.',
        rule: 'TENANT-MEMBERS',
      },
    ]);
  });

  test('the same letters with different roles, and a user and a group of the same name, are fine', () => {
    expect(
      problems([
        team({
          members: [
            { user: 'a.b@x.io', role: 'edit' },
            { user: 'a-b@x.io', role: 'view' },
          ],
          groups: [{ name: 'a.b@x.io', role: 'edit' }],
        }),
      ]),
    ).toEqual([]);
  });

  test('the same member in two tenants is fine', () => {
    expect(
      problems([
        team({ members: [{ user: 'a.b@x.io', role: 'edit' }] }),
        { name: 'team-b', owner: 'owner@x.io', members: [{ user: 'a-b@x.io', role: 'edit' }] },
      ]),
    ).toEqual([]);
  });

  // Without Kubeflow's dashboard a tenant binds its owner itself, named
  // user-<owner>-clusterrole-admin: the rule counts the owner among the subjects.
  test('an admin member whose binding name is the owner’s is refused', () => {
    expect(
      problems([
        { name: 'team-a', owner: 'a.b@x.io', members: [{ user: 'a-b@x.io', role: 'admin' }] },
      ]),
    ).toEqual([
      expect.objectContaining({ path: 'tenants[0].members[0].user', rule: 'TENANT-MEMBERS' }),
    ]);
  });

  test('the owner as a member keeps its message', () => {
    expect(problems([team({ members: [{ user: 'owner@x.io', role: 'edit' }] })])).toEqual([
      {
        path: 'tenants[0].members[0].user',
        message:
          '`tenants[0].members[0].user` is the tenant owner, who is already admin (got "owner@x.io"). Remove the owner from members.',
        rule: 'TENANT-MEMBERS',
      },
    ]);
  });

  test('problems of several tenants are reported together, in order', () => {
    expect(
      problems([
        team({ members: [{ user: 'owner@x.io', role: 'view' }] }),
        {
          name: 'team-b',
          owner: 'o@x.io',
          groups: [
            { name: 'g', role: 'view' },
            { name: 'g', role: 'view' },
          ],
        },
      ]).map((p) => p.path),
    ).toEqual(['tenants[0].members[0].user', 'tenants[1].groups[1].name']);
  });
});
