import { z } from 'zod';
import { problem } from '../core/config/problems';
import { dnsLabel, positiveInt, quantity } from '../core/config/patterns';
import { FileFacts } from '../core/component';
import { ConfigRule, PresetName, duplicates } from '../core/config/rules';
import { kfamBindingName } from './tenant';

const role = z.enum(['admin', 'edit', 'view']);

/**
 * A user as the gateway names them: the value of the identity provider's user claim (an e-mail
 * address unless `identity.external.userClaim` says otherwise; rule TENANT-USERS).
 */
const user = (claim: string) =>
  claim === 'email'
    ? z
        .string()
        .regex(
          /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
          'is not an email address|Use a full address such as admin@example.com: the gateway names users by their email claim (set identity.external.userClaim for another claim).|TENANT-USERS',
        )
    : z
        .string()
        .regex(
          /^\S+$/,
          `is not a user name|Use the user's value of the identity provider's ${claim} claim.|TENANT-USERS`,
        );

const tenantSchema = (claim: string) =>
  z.strictObject({
    /** Also the name of the team's namespace. */
    name: dnsLabel(),
    owner: user(claim),
    members: z.array(z.strictObject({ user: user(claim), role })).default([]),
    groups: z.array(z.strictObject({ name: z.string().min(1), role })).default([]),
    quota: z
      .strictObject({
        cpu: quantity().optional(),
        memory: quantity().optional(),
        gpu: z.number().int().min(0).optional(),
        storageGiB: positiveInt(1000000, 'GiB').optional(),
        pods: positiveInt(100000, 'pods').optional(),
      })
      .optional(),
  });

/**
 * A tenant entry with the keys other components add to it (serving's `models`); a section may
 * not redefine a key of the tenant itself.
 */
function withSections<T extends ReturnType<typeof tenantSchema>>(
  schema: T,
  sections: z.ZodRawShape,
): T {
  const clash = Object.keys(sections).filter((k) => k in schema.shape);
  if (clash.length > 0) {
    throw new Error(
      `A component adds the tenant key \`${clash[0]}\`, which the tenants component owns. Give the component a key of its own.`,
    );
  }
  return Object.keys(sections).length === 0 ? schema : (schema.extend(sections) as unknown as T);
}

/** More teams than any one platform serves; the output and the install grow linearly with them. */
export const MAX_TENANTS = 5000;

export type TenantConfig = z.output<ReturnType<typeof tenantSchema>>;

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const TENANT_PARSE_RULES = [
  {
    id: 'TENANT-USERS',
    description:
      "Owners and members are named as the gateway names users: e-mail addresses, unless the identity provider's user claim is another (identity.external.userClaim).",
  },
] as const;

/** The key `tenants` of the environment file: the teams on the platform. */
export const tenantsShape = (
  _preset?: PresetName,
  _domain?: string,
  file: FileFacts = { userClaim: 'email' },
  sections: z.ZodRawShape = {},
) => ({
  tenants: z
    .array(withSections(tenantSchema(file.userClaim), sections))
    .max(
      MAX_TENANTS,
      `has more than ${MAX_TENANTS} tenants|Split the teams over several environments; synthesis and installs grow with every tenant.`,
    )
    .default([]),
});

type Slice = z.output<z.ZodObject<ReturnType<typeof tenantsShape>>>;

export const TENANT_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'TENANT-NAMES',
    description: 'Tenant names are unique and do not take a platform namespace.',
    check: ({ tenants }, ctx) => [
      ...[...duplicates(tenants.map((t) => t.name))].flatMap(([name, idx]) =>
        idx
          .slice(1)
          .map((i) =>
            problem(
              `tenants[${i}].name`,
              `repeats the name of tenants[${idx[0]}]`,
              name,
              'Give every tenant its own name.',
              'TENANT-NAMES',
            ),
          ),
      ),
      ...tenants.flatMap((t, i) =>
        ctx.reservedNamespaces.includes(t.name) || t.name.startsWith('kube-')
          ? [
              problem(
                `tenants[${i}].name`,
                'is a namespace the platform or Kubernetes owns',
                t.name,
                'Choose another name for the team.',
                'TENANT-NAMES',
              ),
            ]
          : [],
      ),
    ],
  },
  {
    id: 'TENANT-MEMBERS',
    description:
      'A tenant lists each member and group once, not its owner again, and no two subjects whose bindings would share a name.',
    check: ({ tenants }) =>
      tenants.flatMap((t, i) => {
        const users = t.members.map((m) => m.user);
        return [
          ...[...duplicates(users)].flatMap(([user, idx]) =>
            idx
              .slice(1)
              .map((j) =>
                problem(
                  `tenants[${i}].members[${j}].user`,
                  `repeats tenants[${i}].members[${idx[0]}]`,
                  user,
                  'List each member once with one role.',
                  'TENANT-MEMBERS',
                ),
              ),
          ),
          ...[...duplicates(t.groups.map((g) => g.name))].flatMap(([group, idx]) =>
            idx
              .slice(1)
              .map((j) =>
                problem(
                  `tenants[${i}].groups[${j}].name`,
                  `repeats tenants[${i}].groups[${idx[0]}]`,
                  group,
                  'List each group once with one role.',
                  'TENANT-MEMBERS',
                ),
              ),
          ),
          ...sameObjectName(t, i),
          ...users.flatMap((u, j) =>
            u === t.owner
              ? [
                  problem(
                    `tenants[${i}].members[${j}].user`,
                    'is the tenant owner, who is already admin',
                    u,
                    'Remove the owner from members.',
                    'TENANT-MEMBERS',
                  ),
                ]
              : [],
          ),
        ];
      }),
  },
];

/**
 * Contributors whose bindings get the same object name: KFAM's format keeps only letters and
 * digits of a subject (`a.b@x.io` and `a-b@x.io` are both `user-a-b-x-io-clusterrole-edit`).
 */
function sameObjectName(t: TenantConfig, i: number) {
  const named = [
    // The owner's binding when the tenant is a plain namespace (a profile's is the controller's).
    {
      path: `tenants[${i}].owner`,
      subject: t.owner,
      name: kfamBindingName('User', t.owner, 'admin'),
    },
    ...t.members.map((m, j) => ({
      path: `tenants[${i}].members[${j}].user`,
      subject: m.user,
      name: kfamBindingName('User', m.user, m.role),
    })),
    ...t.groups.map((g, j) => ({
      path: `tenants[${i}].groups[${j}].name`,
      subject: g.name,
      name: kfamBindingName('Group', g.name, g.role),
    })),
  ];
  return [...duplicates(named.map((n) => n.name))].flatMap(([name, idx]) =>
    idx
      .slice(1)
      .filter((k) => named[k].subject !== named[idx[0]].subject)
      .map((k) =>
        problem(
          named[k].path,
          `gets the binding name ${name}, as ${named[idx[0]].path} does`,
          named[k].subject,
          'Bindings are named by their letters and digits only; two subjects that differ only in other characters cannot both be listed with the same role.',
          'TENANT-MEMBERS',
        ),
      ),
  );
}
