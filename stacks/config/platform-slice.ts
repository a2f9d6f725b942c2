import { z } from 'zod';
import { problem } from '../../constructs/core/config/problems';
import { dnsLabel, hostname, registry } from '../../constructs/core/config/patterns';
import { ConfigRule, PresetName, presetDefault } from '../../constructs/core/config/rules';

/** One JSON Patch operation (RFC 6902) on an object's manifest. */
const patchOperation = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), path: z.string().startsWith('/'), value: z.unknown() }),
  z.strictObject({
    op: z.literal('replace'),
    path: z.string().startsWith('/'),
    value: z.unknown(),
  }),
  z.strictObject({ op: z.literal('remove'), path: z.string().startsWith('/') }),
]);

/**
 * A typed override, the escape hatch after typed settings: a JSON patch on one synthesized object,
 * addressed by kind, namespace and name. Every override is listed in the policy report and the
 * patched object still passes the policy gate.
 */
export const overrideSchema = z.strictObject({
  kind: z.string().min(1),
  /** Omit for a cluster-scoped object. */
  namespace: dnsLabel().optional(),
  name: z.string().min(1),
  /** Why the typed settings do not suffice; printed in the report. */
  reason: z
    .string()
    .min(10, 'needs a reason of at least 10 characters|Say why the typed settings do not suffice.'),
  patch: z
    .array(patchOperation)
    .min(1, 'has no operations|Give at least one { op, path, value } operation.'),
});

export type OverrideConfig = z.output<typeof overrideSchema>;

/** The keys that belong to the platform as a whole rather than to one component. */
export const platformShape = (preset: PresetName) => ({
  /** The environment's name, e.g. dev, staging, prod. */
  name: dnsLabel(),
  /** Defaults and strictness: `dev` fills everything; `prod` requires explicit choices. */
  preset: z.enum(['dev', 'prod']),
  /** The host users open, e.g. kubeflow.example.com. */
  domain: presetDefault(
    hostname().refine((d) => d.includes('.'), {
      message:
        'is a single label|Use a dotted host: kubeflow.localhost for a local install, your DNS name such as kubeflow.example.com otherwise (cookies, certificates and e-mail addresses need one).',
    }),
    preset === 'dev' ? 'kubeflow.localhost' : undefined,
    {
      what: 'is required for the prod preset',
      fix: 'Set it to the host users open, such as kubeflow.example.com.',
      rule: 'PROD-DOMAIN',
    },
  ),
  images: z
    .strictObject({
      /** A registry that mirrors every upstream image under the same path. */
      registryMirror: registry().optional(),
    })
    .prefault({}),
  overrides: z.array(overrideSchema).default([]),
});

/**
 * Settings of components a next release adds, validated and filled by the preset before anything
 * is built from them, so that environment files keep one shape. None are pending now.
 */
export const plannedShape = (_preset?: PresetName) => ({});

type PlatformSlice = z.output<z.ZodObject<ReturnType<typeof platformShape>>>;

const isLocal = (domain: string): boolean =>
  domain === 'localhost' || domain.endsWith('.localhost');

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const PLATFORM_PARSE_RULES = [
  {
    id: 'PROD-DOMAIN',
    description: 'A production environment names the public host of its gateway.',
  },
] as const;

export const PLATFORM_RULES: readonly ConfigRule<PlatformSlice>[] = [
  {
    id: 'PROD-DOMAIN',
    description: 'A production environment names the public host of its gateway.',
    check: (env, ctx) =>
      ctx.preset === 'prod' && isLocal(env.domain)
        ? [
            problem(
              'domain',
              'must be a public host name for the prod preset',
              env.domain,
              'Use the DNS name users reach the platform by.',
              'PROD-DOMAIN',
            ),
          ]
        : [],
  },
];
