import { Chart, Testing } from 'cdk8s';
import { Layer } from '../../../constructs/core/layers';
import { TensorboardController } from '../../../constructs/kubeflow-notebooks/tensorboard-controller';
import {
  TENSORBOARD_API,
  TensorboardCrd,
} from '../../../constructs/kubeflow-notebooks/tensorboard-crd';
import { FakeGateway, FakeNamespace } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';
import {
  admissionProblems,
  applyDefaults,
  compareSchema,
  describeSchema,
} from '../poddefaults/schema-facts';
import {
  TENSORBOARD_CRD_FACTS,
  TENSORBOARD_SCHEMA_FACTS,
  TENSORBOARD_SCHEMA_TYPES,
} from './tensorboard-facts';

function synthCrd(): Manifest {
  const chart = new Chart(Testing.app(), 'Test');
  new TensorboardCrd(chart, 'TensorboardCrd');
  return new Objects(Testing.synth(chart) as Manifest[]).find(
    'CustomResourceDefinition',
    undefined,
    TENSORBOARD_CRD_FACTS.name,
  );
}

const crd = synthCrd();
const schema: Manifest = crd.spec.versions[0].schema.openAPIV3Schema;
const fieldSet = (f: string) => f.split(' ').sort();
const at = (path: string): Manifest =>
  path
    .split('.')
    .reduce(
      (node: Manifest, key) =>
        key.endsWith('[]') ? node.properties[key.slice(0, -2)].items : node.properties[key],
      schema,
    );

const tensorboard = {
  apiVersion: 'tensorboard.kubeflow.org/v1alpha1',
  kind: 'Tensorboard',
  metadata: { name: 'tb', namespace: 'team-a', labels: { 'access-ml-pipeline': 'true' } },
  spec: { logspath: 'pvc://training-logs/runs/' },
};

describe('Tensorboard CRD against kubeflow/notebooks v1.11.0', () => {
  test('identity: group, names, scope, no conversion, v1alpha1 served and stored with status', () => {
    expect(crd.spec.group).toBe(TENSORBOARD_CRD_FACTS.group);
    expect(crd.spec.names).toEqual(TENSORBOARD_CRD_FACTS.names);
    expect(crd.spec.scope).toBe(TENSORBOARD_CRD_FACTS.scope);
    expect(crd.spec.conversion).toEqual(TENSORBOARD_CRD_FACTS.conversion);
    expect(
      crd.spec.versions.map((v: Manifest) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        subresources: v.subresources,
      })),
    ).toEqual(TENSORBOARD_CRD_FACTS.versions);
    expect(TENSORBOARD_API.apiVersion).toBe(
      `${TENSORBOARD_CRD_FACTS.group}/${TENSORBOARD_CRD_FACTS.versions[0].name}`,
    );
  });

  test("declares upstream's defaults (none) and enums (none)", () => {
    const [ours, upstream] = compareSchema(schema, TENSORBOARD_SCHEMA_FACTS).defaults;
    expect(ours).toEqual(upstream);
    expect(upstream).toHaveLength(TENSORBOARD_CRD_FACTS.counts.default);
    const enums = describeSchema(schema).constraints.filter((c) => c[0] === 'enum');
    expect(enums).toHaveLength(TENSORBOARD_CRD_FACTS.counts.enum);
  });

  test("carries upstream's required lists exactly", () => {
    const [ours, upstream] = compareSchema(schema, TENSORBOARD_SCHEMA_FACTS).rules;
    expect(ours).toEqual(upstream);
    expect(upstream).toHaveLength(TENSORBOARD_CRD_FACTS.counts.required);
  });

  test('models every field upstream has, with its type, and keeps nothing whole', () => {
    const { fields } = describeSchema(schema);
    expect(Object.keys(fields).sort()).toEqual(Object.keys(TENSORBOARD_SCHEMA_FACTS.fields).sort());
    for (const [path, expected] of Object.entries(TENSORBOARD_SCHEMA_FACTS.fields)) {
      expect([path, fieldSet(fields[path])]).toEqual([path, fieldSet(expected)]);
    }
    for (const [path, type] of Object.entries(TENSORBOARD_SCHEMA_TYPES)) {
      const node = at(path);
      expect([path, node.format ? `${node.type}/${node.format}` : node.type]).toEqual([path, type]);
    }
    expect(JSON.stringify(schema)).not.toContain('x-kubernetes-preserve-unknown-fields');
  });

  test('a Tensorboard as the web app creates it is admitted unchanged; one without logspath is refused', () => {
    expect(admissionProblems(tensorboard, schema)).toEqual([]);
    expect(applyDefaults(tensorboard, schema)).toEqual(tensorboard);
    expect(admissionProblems({ ...tensorboard, spec: {} }, schema)).toEqual([
      'spec: required field logspath is missing',
    ]);
    expect(admissionProblems({ ...tensorboard, spec: { logspath: 3 } }, schema)).toEqual([
      'spec.logspath: is 3, the schema says string',
    ]);
  });

  test("the controller's status update is admitted; a condition without its state is refused", () => {
    const status = {
      conditions: [{ deploymentState: 'Available', lastProbeTime: '2026-03-01T10:00:00Z' }],
      readyReplicas: 1,
    };
    expect(admissionProblems({ ...tensorboard, status }, schema)).toEqual([]);
    expect(
      admissionProblems({ ...tensorboard, status: { ...status, conditions: [{}] } }, schema),
    ).toEqual(['status.conditions[0]: required field deploymentState is missing']);
  });

  test('the controller puts its CRD in the CRD layer, or leaves it out', () => {
    const platform = new LayeredApp();
    const controller = new TensorboardController(
      platform.chartFor(Layer.PLATFORM_CONTROLLERS),
      'TensorboardController',
      { namespace: new FakeNamespace('kubeflow'), gateway: new FakeGateway(platform, 'Gateway') },
    );
    expect(controller.crd?.crdName).toBe(TENSORBOARD_CRD_FACTS.name);
    expect(
      platform
        .objectsIn(Layer.CRDS)
        .has('CustomResourceDefinition', undefined, TENSORBOARD_CRD_FACTS.name),
    ).toBe(true);
    expect(
      platform.objectsIn(Layer.PLATFORM_CONTROLLERS).ofKind('CustomResourceDefinition'),
    ).toEqual([]);

    const chart = new Chart(Testing.app(), 'Test');
    const without = new TensorboardController(chart, 'TensorboardController', {
      namespace: new FakeNamespace('kubeflow'),
      gateway: new FakeGateway(chart, 'Gateway'),
      crd: false,
    });
    expect(without.crd).toBeUndefined();
    expect(
      new Objects(Testing.synth(chart) as Manifest[]).ofKind('CustomResourceDefinition'),
    ).toEqual([]);
  });
});
