import Ajv from 'ajv';
import {
  CustomResourceDefinition,
  ICustomResourceDefinition,
} from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { JOBSET_API } from '../../../constructs/jobset';
import {
  admissionProblems,
  applyDefaults,
  compareSchema,
  describeSchema,
} from '../poddefaults/schema-facts';
import { BOUND_FACTS, CEL_FACTS, CRD_FACTS, JOBSET_SCHEMA_FACTS } from './facts';
import { Manifest, NS, buildJobSet } from './helpers';

const objects = buildJobSet().objects();
const crd = objects.find('CustomResourceDefinition', undefined, CRD_FACTS.name);
const version = crd.spec.versions[0] as Manifest;
const schema = version.schema.openAPIV3Schema as Manifest;

/** Every schema node by path (`spec.replicatedJobs[].name`), as `describeSchema` names them. */
function nodes(root: Manifest): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  const walk = (node: Manifest, path: string): void => {
    out.set(path, node);
    for (const [k, child] of Object.entries((node.properties ?? {}) as Record<string, Manifest>)) {
      walk(child, path === '<root>' ? k : `${path}.${k}`);
    }
    if (node.items) walk(node.items, `${path}[]`);
  };
  walk(root, '<root>');
  return out;
}
const byPath = nodes(schema);

/** An example JobSet as Trainer's torch runtime makes them: two replicated jobs, a policy each. */
const example = {
  apiVersion: JOBSET_API.apiVersion,
  kind: 'JobSet',
  metadata: { name: 'pytorch-mnist', namespace: 'team-a' },
  spec: {
    replicatedJobs: [
      {
        name: 'node',
        replicas: 2,
        dependsOn: [{ name: 'initializer', status: 'Complete' }],
        template: {
          metadata: { labels: { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' } },
          spec: {
            parallelism: 1,
            completions: 1,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'node',
                    image: 'pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime',
                    command: ['torchrun', 'train.py'],
                    ports: [{ containerPort: 29400 }],
                  },
                ],
              },
            },
          },
        },
      },
      {
        name: 'initializer',
        template: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'init', image: 'busybox:1.36' }],
              },
            },
          },
        },
      },
    ],
    successPolicy: { operator: 'All', targetReplicatedJobs: ['node'] },
    failurePolicy: {
      maxRestarts: 3,
      rules: [
        {
          name: 'no-retry-on-config',
          action: 'FailJobSet',
          onJobFailureReasons: ['PodFailurePolicy'],
        },
      ],
    },
    network: { enableDNSHostnames: true, publishNotReadyAddresses: true },
    volumeClaimPolicies: [
      {
        templates: [
          { metadata: { name: 'checkpoints' }, spec: { accessModes: ['ReadWriteMany'] } },
        ],
      },
    ],
    ttlSecondsAfterFinished: 3600,
    suspend: false,
    managedBy: 'trainer.kubeflow.org/trainjob-controller',
  },
};

describe('jobsets.jobset.x-k8s.io against jobset v0.11.0', () => {
  test('identity: group, names, scope, one version served and stored, status subresource', () => {
    expect(crd.metadata.name).toBe(CRD_FACTS.name);
    expect(crd.spec.group).toBe(CRD_FACTS.group);
    expect(crd.spec.names).toEqual(CRD_FACTS.names);
    expect(crd.spec.scope).toBe(CRD_FACTS.scope);
    expect(crd.spec.versions).toHaveLength(1);
    expect([version.name, version.served, version.storage]).toEqual([
      CRD_FACTS.version.name,
      CRD_FACTS.version.served,
      CRD_FACTS.version.storage,
    ]);
    expect(version.subresources).toEqual(CRD_FACTS.version.subresources);
    expect(version.additionalPrinterColumns).toEqual(CRD_FACTS.printerColumns);
    expect(JOBSET_API.apiVersion).toBe(`${CRD_FACTS.group}/${CRD_FACTS.version.name}`);
    expect(() =>
      new CustomResourceDefinition(crd as ICustomResourceDefinition).validate(),
    ).not.toThrow();
  });

  test("conversion as upstream's release (Webhook on /convert), pointing at our webhook Service, CA injected", () => {
    const c = CRD_FACTS.conversion;
    expect(crd.spec.conversion).toEqual({
      strategy: c.strategy,
      webhook: {
        clientConfig: { service: { name: c.service, namespace: NS, path: c.path } },
        conversionReviewVersions: c.conversionReviewVersions,
      },
    });
    expect(crd.metadata.annotations).toEqual({
      'cert-manager.io/inject-ca-from': `${NS}/jobset-serving-cert`,
    });
    // The Service the conversion names exists with the port the API server uses by default.
    const svc = objects.find('Service', NS, c.service);
    expect(svc.spec.ports.map((p: Manifest) => p.port)).toEqual([443]);
  });

  test("spec's defaults, enums and required lists are upstream's", () => {
    const { defaults, rules } = compareSchema(schema, JOBSET_SCHEMA_FACTS);
    expect(defaults[0]).toEqual(defaults[1]);
    expect(rules[0]).toEqual(rules[1]);
  });

  test("spec's modelled objects have upstream's fields; the Job and claim templates are kept whole", () => {
    const { fields } = describeSchema(schema);
    for (const [path, list] of Object.entries(JOBSET_SCHEMA_FACTS.fields)) {
      expect([path, fields[path]]).toEqual([path, list]);
    }
    expect(byPath.get('spec.replicatedJobs[].template')).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    const claim = byPath.get('spec.volumeClaimPolicies[].templates[]');
    expect(claim?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(schema.properties.status).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  test("upstream's CEL rules and bounds", () => {
    const ours = [...byPath.entries()].flatMap(([path, node]) =>
      ((node['x-kubernetes-validations'] ?? []) as Manifest[]).map((v) => [path, v.rule] as const),
    );
    expect(ours.sort()).toEqual([...CEL_FACTS].sort());
    for (const [path, bound] of Object.entries(BOUND_FACTS)) {
      expect([path, byPath.get(path)]).toEqual([path, expect.objectContaining(bound)]);
    }
  });

  test('lists merge as upstream: replicatedJobs and dependsOn by name, the others atomic', () => {
    const rj = byPath.get('spec.replicatedJobs');
    expect([rj?.['x-kubernetes-list-type'], rj?.['x-kubernetes-list-map-keys']]).toEqual([
      'map',
      ['name'],
    ]);
    const dep = byPath.get('spec.replicatedJobs[].dependsOn');
    expect([dep?.['x-kubernetes-list-type'], dep?.['x-kubernetes-list-map-keys']]).toEqual([
      'map',
      ['name'],
    ]);
    for (const p of [
      'spec.successPolicy.targetReplicatedJobs',
      'spec.failurePolicy.rules[].targetReplicatedJobs',
      'spec.volumeClaimPolicies',
    ]) {
      expect([p, byPath.get(p)?.['x-kubernetes-list-type']]).toEqual([p, 'atomic']);
    }
    expect(byPath.get('spec.replicatedJobs[].replicas')?.format).toBe('int32');
  });

  describe('admission of an example JobSet', () => {
    const validate = new Ajv({ strict: false, allErrors: true, formats: { int32: true } }).compile(
      schema,
    );

    test('validates with ajv against the synthesized schema', () => {
      expect([validate(example), validate.errors ?? []]).toEqual([true, []]);
    });

    test('nothing of it is pruned, and the API server fills the defaults', () => {
      expect(admissionProblems(example, schema)).toEqual([]);
      const defaulted = applyDefaults(example, schema) as Manifest;
      const initializer = defaulted.spec.replicatedJobs[1];
      expect([initializer.replicas, initializer.groupName]).toEqual([1, 'default']);
      expect(defaulted.spec.failurePolicy.restartStrategy).toBe('Recreate');
      expect(defaulted.spec.volumeClaimPolicies[0].retentionPolicy).toBeUndefined();
      // The Job template is passed through untouched.
      expect(defaulted.spec.replicatedJobs[0].template).toEqual(
        example.spec.replicatedJobs[0].template,
      );
    });

    test.each([
      ['an unknown success operator', { successPolicy: { operator: 'Most' } }, 'enum'],
      ['a replicated job without a template', { replicatedJobs: [{ name: 'x' }] }, 'required'],
      ['a negative TTL', { ttlSecondsAfterFinished: -1 }, 'minimum'],
      [
        'an unknown failure action',
        { failurePolicy: { rules: [{ name: 'r', action: 'Retry' }] } },
        'enum',
      ],
      ['a startup policy without its order', { startupPolicy: {} }, 'required'],
      [
        'six dependencies',
        {
          replicatedJobs: [
            {
              name: 'x',
              template: {},
              dependsOn: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ name: n, status: 'Ready' })),
            },
          ],
        },
        'maxItems',
      ],
    ])('rejects %s', (_what, spec, keyword) => {
      const bad = { ...example, spec: { ...example.spec, ...spec } };
      expect(validate(bad)).toBe(false);
      expect((validate.errors ?? []).map((e) => e.keyword)).toContain(keyword);
    });
  });
});
