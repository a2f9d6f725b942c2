import * as fs from 'fs';
import * as path from 'path';
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { parse } from 'yaml';
import {
  ALL_PACKS,
  CATALOGUE_PACKS,
  evaluate,
  KubeObject,
  loadManifests,
  Pack,
  SUPPRESSIONS_ANNOTATION,
} from '../../policies';
import { buildPolicies, PolicyPackOptions } from '../../policies/pulumi/policies';
import { kubeObjectOf } from '../../policies/pulumi/resources';
import {
  annotate,
  container,
  deployment,
  namespace,
  networkPolicy,
  podSpec,
} from './fixtures/builders';
import { RULE_CASES } from './fixtures/rule-cases';

const PACK_DIR = path.join(__dirname, '..', '..', 'policies', 'pulumi');

/** The Pulumi type token of a plain object, as the Kubernetes provider names it. */
function pulumiType(obj: KubeObject): string {
  const apiVersion = obj.apiVersion ?? 'v1';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `kubernetes:${group}/${version}:${obj.kind}`;
}

function fakeResource(obj: KubeObject, index: number): PolicyResource & ResourceValidationArgs {
  const name = obj.metadata?.name ?? `resource-${index}`;
  const type = pulumiType(obj);
  // Only the fields our policies read are real; the rest would be Pulumi's business.
  return {
    type,
    props: obj as Record<string, unknown>,
    urn: `urn:pulumi:dev::mlops::${type}::${name}-${index}`,
    name,
  } as unknown as PolicyResource & ResourceValidationArgs;
}

interface Reported {
  policy: string;
  message: string;
  urn?: string;
}

/** Runs every policy of the pack the way the Pulumi engine would, with a fake reportViolation. */
async function runPack(
  objects: readonly KubeObject[],
  options: PolicyPackOptions = {},
): Promise<Reported[]> {
  const policies = buildPolicies(options);
  const resources = objects.map(fakeResource);
  const reported: Reported[] = [];
  for (const policy of policies) {
    if ('validateStack' in policy) {
      const args = { resources } as unknown as StackValidationArgs;
      await (policy as StackValidationPolicy).validateStack(args, (message, urn) =>
        reported.push({ policy: policy.name, message, ...(urn === undefined ? {} : { urn }) }),
      );
      continue;
    }
    const validate = (policy as ResourceValidationPolicy).validateResource;
    const validations =
      validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
    for (const resource of resources) {
      for (const fn of validations) {
        await fn(resource, (message) => reported.push({ policy: policy.name, message }));
      }
    }
  }
  return reported;
}

function sorted(list: readonly { policy: string; message: string }[]): string[] {
  return list.map((r) => `${r.policy} | ${r.message}`).sort();
}

describe('Pulumi resource mapping', () => {
  it('maps a Kubernetes resource back to its plain object', () => {
    const obj = deployment();
    expect(kubeObjectOf({ type: 'kubernetes:apps/v1:Deployment', props: obj })).toEqual(obj);
  });

  it('derives apiVersion, kind and a missing name from the type and resource name', () => {
    expect(
      kubeObjectOf({
        type: 'kubernetes:core/v1:ConfigMap',
        props: { data: { a: 'b' } },
        name: 'cfg',
      }),
    ).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } });
    expect(
      kubeObjectOf({ type: 'kubernetes:networking.k8s.io/v1:NetworkPolicy', props: {} })
        ?.apiVersion,
    ).toBe('networking.k8s.io/v1');
  });

  it.each([
    'kubernetes:yaml/v2:ConfigGroup',
    'kubernetes:yaml:ConfigFile',
    'kubernetes:helm.sh/v4:Chart',
    'kubernetes:helm.sh/v3:Release',
    'kubernetes:apps/v1:DeploymentPatch',
    'kubernetes:core/v1:PodList',
    'kubernetes:kustomize/v2:Directory',
    'pulumi:providers:kubernetes',
    'aws:s3/bucket:Bucket',
  ])('ignores %s', (type) => {
    expect(kubeObjectOf({ type, props: { spec: {} } })).toBeUndefined();
  });
});

describe('buildPolicies', () => {
  const policies = buildPolicies();

  it('has one policy per rule, named by rule ID, suppression rules included', () => {
    expect(policies.map((p) => p.name)).toEqual(
      CATALOGUE_PACKS.flatMap((p) => p.rules.map((r) => r.id)),
    );
  });

  it('makes errors mandatory and warnings advisory', () => {
    const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    expect(levels['pss-baseline/privileged']).toBe('mandatory');
    expect(levels['platform/cpu-limit']).toBe('advisory');
    expect(levels['platform/literal-credentials']).toBe('advisory');
    expect(levels['suppressions/reason-required']).toBe('mandatory');
  });

  it('makes literal credentials mandatory in production', () => {
    const production = buildPolicies({ production: true });
    expect(
      production.find((p) => p.name === 'platform/literal-credentials')?.enforcementLevel,
    ).toBe('mandatory');
  });

  it('carries the title and remediation of each rule', () => {
    expect(policies.find((p) => p.name === 'platform/image-pinned')).toEqual(
      expect.objectContaining({
        description: 'Images are pinned by tag or digest, never latest',
        remediationSteps: expect.stringContaining('Pin the image'),
      }),
    );
  });

  it('validates cross-object rules over the stack and the rest per resource', () => {
    const stack = policies.filter((p) => 'validateStack' in p).map((p) => p.name);
    expect(stack).toEqual(['platform/namespace-default-deny']);
    expect(policies.filter((p) => 'validateResource' in p)).toHaveLength(policies.length - 1);
  });

  it('builds only the selected packs', () => {
    const names = buildPolicies({ packs: [ALL_PACKS[2] as Pack] }).map((p) => p.name);
    expect(names.every((n) => n.startsWith('platform/') || n.startsWith('suppressions/'))).toBe(
      true,
    );
  });
});

describe('policy validate functions', () => {
  const privileged = deployment(
    podSpec({ initContainers: [container('init', { securityContext: { privileged: true } })] }),
  );

  it('report the same message as the CLI', async () => {
    const reported = await runPack([privileged], { packs: [ALL_PACKS[0] as Pack] });
    expect(reported).toEqual([
      {
        policy: 'pss-baseline/privileged',
        message:
          'Deployment team-a/web: `spec.template.spec.initContainers[0].securityContext.privileged` ' +
          'must be false or unset (got true). Remove `securityContext.privileged` from the ' +
          'container or set it to false.',
      },
    ]);
  });

  it('honour the suppressions annotation on the resource', async () => {
    const suppressed = annotate(privileged, {
      [SUPPRESSIONS_ANNOTATION]: JSON.stringify([
        { rule: 'pss-baseline/privileged', reason: 'Loads a kernel module at boot.' },
      ]),
    });
    expect(await runPack([suppressed], { packs: [ALL_PACKS[0] as Pack] })).toEqual([]);
  });

  it('report a suppression without a reason, and the finding it failed to silence', async () => {
    const careless = annotate(privileged, {
      [SUPPRESSIONS_ANNOTATION]: '[{"rule":"pss-baseline/privileged"}]',
    });
    const reported = await runPack([careless], { packs: [ALL_PACKS[0] as Pack] });
    expect(reported.map((r) => r.policy)).toEqual([
      'pss-baseline/privileged',
      'suppressions/reason-required',
    ]);
  });

  it('report a namespace without default-deny against its own URN', async () => {
    const reported = await runPack([namespace('team-b'), namespace(), networkPolicy()]);
    expect(reported).toEqual([
      {
        policy: 'platform/namespace-default-deny',
        urn: 'urn:pulumi:dev::mlops::kubernetes:core/v1:Namespace::team-b-0',
        message:
          'Namespace team-b: `metadata.name` has no default-deny ingress NetworkPolicy in the ' +
          'object set (got "team-b"). Add a NetworkPolicy in the namespace with `podSelector: {}`, ' +
          '`policyTypes: [Ingress]` and no `ingress` rules, then allow the flows the namespace ' +
          'needs with further policies.',
      },
    ]);
  });

  it('ignore resources that are not Kubernetes objects', async () => {
    const policies = buildPolicies();
    const reportViolation = jest.fn();
    for (const policy of policies) {
      const validate = (policy as ResourceValidationPolicy).validateResource;
      if (typeof validate === 'function') {
        await validate(
          {
            type: 'aws:s3/bucket:Bucket',
            props: { acl: 'public-read' },
            name: 'b',
          } as unknown as ResourceValidationArgs,
          reportViolation,
        );
      }
    }
    expect(reportViolation).not.toHaveBeenCalled();
  });
});

describe('the Pulumi pack and evaluate report the same violations', () => {
  const unsuppressed = (objects: readonly KubeObject[], options: PolicyPackOptions = {}) => {
    const report = evaluate(objects, options);
    return sorted(
      [...report.errors, ...report.warnings].map((f) => ({ policy: f.ruleId, message: f.message })),
    );
  };

  const cases = Object.entries(RULE_CASES).flatMap(([id, c]) =>
    [...c.compliant, ...c.nonCompliant].map((rc) => [`${id}: ${rc.name}`, rc.objects] as const),
  );

  it.each(cases)('%s', async (_name, objects) => {
    expect(sorted(await runPack(objects))).toEqual(unsuppressed(objects));
  });

  it.each([['errors.yaml'], ['warnings-only.yaml'], ['clean']])(
    'for the CLI fixture %s, in production too',
    async (fixture) => {
      const objects = loadManifests([
        path.join(__dirname, 'fixtures', 'manifests', fixture),
      ]).objects.map((o) => o.object);
      for (const production of [false, true]) {
        expect(sorted(await runPack(objects, { production }))).toEqual(
          unsuppressed(objects, { production }),
        );
      }
    },
  );
});

describe('pack directory', () => {
  it('declares a Node.js policy pack', () => {
    const project = parse(
      fs.readFileSync(path.join(PACK_DIR, 'PulumiPolicy.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    expect(project.runtime).toBe('nodejs');
  });

  it('points Node at the compiled entry point and shares the project version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, 'package.json'), 'utf8')) as Record<
      string,
      string
    >;
    const root = JSON.parse(
      fs.readFileSync(path.join(PACK_DIR, '..', '..', 'package.json'), 'utf8'),
    ) as Record<string, string>;
    expect(path.resolve(PACK_DIR, pkg.main ?? '')).toBe(
      path.resolve(PACK_DIR, '..', '..', 'lib', 'policies', 'pulumi', 'index.js'),
    );
    expect(pkg.version).toBe(root.version);
  });
});

describe('pack entry point', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
    jest.resetModules();
  });

  function load(vars: Record<string, string>): {
    name: string;
    args: { policies: { name: string; enforcementLevel?: string }[] };
  } {
    Object.assign(process.env, vars);
    const PolicyPack = jest.fn();
    jest.doMock('@pulumi/policy', () => ({ PolicyPack }));
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../policies/pulumi/index');
    });
    expect(PolicyPack).toHaveBeenCalledTimes(1);
    const [name, args] = PolicyPack.mock.calls[0] as [
      string,
      { policies: { name: string; enforcementLevel?: string }[] },
    ];
    return { name, args };
  }

  it('serves every pack by default', () => {
    const { name, args } = load({});
    expect(name).toBe('mlops-blueprint');
    expect(args.policies).toHaveLength(CATALOGUE_PACKS.flatMap((p) => p.rules).length);
  });

  it('reads production mode and packs from the environment', () => {
    const { args } = load({ MLOPS_POLICY_PRODUCTION: 'true', MLOPS_POLICY_PACKS: 'platform' });
    expect(
      args.policies.find((p) => p.name === 'platform/literal-credentials')?.enforcementLevel,
    ).toBe('mandatory');
    expect(args.policies.some((p) => p.name.startsWith('pss-'))).toBe(false);
  });

  it('refuses unknown packs', () => {
    expect(() => load({ MLOPS_POLICY_PACKS: 'platform,cis' })).toThrow(
      'MLOPS_POLICY_PACKS names unknown packs (got ["cis"]). Use some of pss-baseline, pss-restricted, platform.',
    );
  });
});
