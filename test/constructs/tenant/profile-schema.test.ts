import Ajv, { ValidateFunction } from 'ajv';
import { ProfileCrd } from '../../../constructs/kubeflow-dashboard/crds';
import { Tenant, TenantProfileOptions } from '../../../constructs/tenant/tenant';
import { Manifest, findObject, objectsOfKind, testChart } from '../../helpers';

/** The served versions of the synthesized ProfileCrd, each with its schema compiled. */
function profileSchemas(): Map<string, ValidateFunction> {
  const { chart, synth } = testChart();
  new ProfileCrd(chart, 'Crd');
  const crd = findObject(synth(), 'CustomResourceDefinition', undefined, 'profiles.kubeflow.org');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return new Map(
    (crd.spec.versions as { name: string; schema: { openAPIV3Schema: object } }[]).map((v) => [
      v.name,
      ajv.compile(v.schema.openAPIV3Schema),
    ]),
  );
}

const PROFILE: TenantProfileOptions = {
  namespaceLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' },
  userIdHeader: 'kubeflow-userid',
  userIdPrefix: '',
  contributorPrincipals: ['cluster.local/ns/istio-system/sa/gateway'],
  ingress: [],
};

function tenantProfiles(): Manifest[] {
  const { chart, synth } = testChart();
  new Tenant(chart, 'Plain', { name: 'team-a', owner: 'ann@example.com', profile: PROFILE });
  new Tenant(chart, 'Quota', {
    name: 'team-b',
    owner: 'Bo.Lee+ml@example.com',
    profile: PROFILE,
    quota: { cpu: '500m', memory: '64Gi', gpu: 0, storageGiB: 1000, pods: 100 },
  });
  new Tenant(chart, 'Part', {
    name: 'team-c',
    owner: 'cy@example.com',
    profile: PROFILE,
    quota: { memory: '1.5Gi' },
  });
  return objectsOfKind(synth(), 'Profile');
}

describe('Profiles of tenants against the ProfileCrd schema', () => {
  const schemas = profileSchemas();
  const v1 = schemas.get('v1');

  test('the CRD serves v1 and v1beta1, each with a schema', () => {
    expect([...schemas.keys()]).toEqual(['v1', 'v1beta1']);
  });

  test('the apiVersion of every tenant Profile is the served v1', () => {
    const profiles = tenantProfiles();
    expect(profiles.map((p) => `${p.apiVersion} ${p.kind} ${p.metadata.name}`)).toEqual([
      'kubeflow.org/v1 Profile team-a',
      'kubeflow.org/v1 Profile team-b',
      'kubeflow.org/v1 Profile team-c',
    ]);
  });

  test.each(['team-a', 'team-b', 'team-c'])(
    'the Profile %s validates against v1 and v1beta1',
    (name) => {
      const profile = tenantProfiles().find((p) => p.metadata.name === name);
      expect(profile).toBeDefined();
      for (const [version, validate] of schemas) {
        const valid = validate(profile);
        expect([version, validate.errors ?? []]).toEqual([version, []]);
        expect(valid).toBe(true);
      }
    },
  );

  /** A tenant's Profile with `spec` changed by `edit`. */
  const broken = (edit: (spec: Record<string, unknown>) => void): Manifest => {
    const profile = structuredClone(
      tenantProfiles().find((p) => p.metadata.name === 'team-b'),
    ) as Manifest;
    edit(profile.spec as Record<string, unknown>);
    return profile;
  };

  test.each<[string, (spec: Record<string, unknown>) => void, string]>([
    [
      'owner kind is a number',
      (spec) => {
        (spec.owner as Record<string, unknown>).kind = 7;
      },
      '/spec/owner/kind must be string',
    ],
    [
      'owner without a name',
      (spec) => {
        delete (spec.owner as Record<string, unknown>).name;
      },
      "/spec/owner must have required property 'name'",
    ],
    [
      'owner without a kind',
      (spec) => {
        delete (spec.owner as Record<string, unknown>).kind;
      },
      "/spec/owner must have required property 'kind'",
    ],
    [
      'a quota value that is a boolean',
      (spec) => {
        (spec.resourceQuotaSpec as { hard: Record<string, unknown> }).hard['requests.cpu'] = true;
      },
      '/spec/resourceQuotaSpec/hard/requests.cpu must match a schema in anyOf',
    ],
    [
      'a quota value that is an object',
      (spec) => {
        (spec.resourceQuotaSpec as { hard: Record<string, unknown> }).hard.pods = { value: 1 };
      },
      '/spec/resourceQuotaSpec/hard/pods must match a schema in anyOf',
    ],
    [
      'a quota value that is not a quantity',
      (spec) => {
        (spec.resourceQuotaSpec as { hard: Record<string, unknown> }).hard['requests.memory'] =
          '64 gigabytes';
      },
      '/spec/resourceQuotaSpec/hard/requests.memory must match pattern',
    ],
  ])('fails: %s', (_, edit, error) => {
    const profile = broken(edit);
    for (const [version, validate] of schemas) {
      expect([version, validate(profile)]).toEqual([version, false]);
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
      expect(errors.some((e) => e.startsWith(error))).toBe(true);
    }
  });

  test('the schema does not require an owner, so the tenant must always write one', () => {
    const profile = broken((spec) => {
      delete spec.owner;
    });
    expect(v1?.(profile)).toBe(true);
    for (const p of tenantProfiles()) {
      expect(p.spec.owner).toEqual(
        expect.objectContaining({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User' }),
      );
      expect(typeof p.spec.owner.name).toBe('string');
    }
  });
});
