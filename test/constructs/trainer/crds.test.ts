import Ajv, { ValidateFunction } from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { ClusterTrainingRuntimes, TrainerCrds } from '../../../constructs/trainer';
import { Manifest, Objects } from '../../helpers';
import { CRD_FACTS, RUNTIME_FACTS } from './facts';

function synth(): Objects {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  new TrainerCrds(chart, 'Crds');
  new ClusterTrainingRuntimes(chart, 'Runtimes');
  new ClusterTrainingRuntimes(chart, 'Upstream', { securityProfile: 'upstream', runtimes: [] });
  return new Objects(Testing.synth(chart) as Manifest[]);
}

const objects = synth();

function schemaOf(name: string): ValidateFunction {
  const crd = objects.find('CustomResourceDefinition', undefined, name);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(crd.spec.versions[0].schema.openAPIV3Schema as object);
}

describe('Trainer CRDs', () => {
  test.each(CRD_FACTS)('$name: identity as upstream', (f) => {
    const crd = objects.find('CustomResourceDefinition', undefined, f.name);
    expect(crd.spec.group).toBe('trainer.kubeflow.org');
    expect(crd.spec.names).toEqual({
      kind: f.kind,
      listKind: f.listKind,
      plural: f.name.split('.')[0],
      singular: f.singular,
    });
    expect(crd.spec.scope).toBe(f.scope);
    expect(crd.spec.conversion).toBeUndefined();
    expect(crd.spec.versions).toHaveLength(1);
    const v = crd.spec.versions[0];
    expect([v.name, v.served, v.storage]).toEqual(['v1alpha1', true, true]);
    expect(v.subresources).toEqual(f.subresources);
    expect(v.additionalPrinterColumns).toEqual(f.columns);
  });

  const tj = objects.find('CustomResourceDefinition', undefined, 'trainjobs.trainer.kubeflow.org')
    .spec.versions[0].schema.openAPIV3Schema;
  const spec = tj.properties.spec;

  test('TrainJob: runtimeRef required, with upstream defaults', () => {
    expect(spec.required).toEqual(['runtimeRef']);
    const ref = spec.properties.runtimeRef;
    expect(ref.required).toEqual(['name']);
    expect(ref.properties.apiGroup.default).toBe('trainer.kubeflow.org');
    expect(ref.properties.kind.default).toBe('ClusterTrainingRuntime');
    expect(ref.properties.name).toMatchObject({ minLength: 1, maxLength: 253 });
    expect(ref['x-kubernetes-validations']).toEqual([
      { rule: 'self == oldSelf', message: 'field is immutable' },
    ]);
  });

  test('TrainJob: suspend, managedBy, deadline, the 2.2 runtimePatches', () => {
    expect(spec.properties.suspend).toEqual({ type: 'boolean', default: false });
    expect(spec.properties.managedBy.default).toBe('trainer.kubeflow.org/trainjob-controller');
    expect(spec.properties.managedBy['x-kubernetes-validations'][0].rule).toBe(
      "self in ['trainer.kubeflow.org/trainjob-controller', 'kueue.x-k8s.io/multikueue']",
    );
    expect(spec.properties.activeDeadlineSeconds.minimum).toBe(1);
    const patches = spec.properties.runtimePatches;
    expect(patches['x-kubernetes-list-type']).toBe('map');
    expect(patches['x-kubernetes-list-map-keys']).toEqual(['manager']);
    expect(patches.maxItems).toBe(16);
    expect(patches.items.required).toEqual(['manager']);
    expect(spec.properties.podTemplateOverrides).toBeUndefined();
    const podPatch =
      patches.items.properties.trainingRuntimeSpec.properties.template.properties.spec.properties
        .replicatedJobs.items.properties.template.properties.spec.properties.template.properties
        .spec.properties;
    expect(podPatch.serviceAccountName['x-kubernetes-validations']).toHaveLength(1);
    expect(podPatch.containers['x-kubernetes-validations']).toBeUndefined();
    expect(podPatch.containers.items.required).toEqual(['name']);
    expect(tj['x-kubernetes-validations']).toHaveLength(2);
  });

  test('TrainJob: trainer fields with upstream limits; status kept whole', () => {
    const t = spec.properties.trainer.properties;
    expect(Object.keys(t).sort()).toEqual([
      'args',
      'command',
      'env',
      'image',
      'numNodes',
      'numProcPerNode',
      'resourcesPerNode',
    ]);
    expect(t.image.maxLength).toBe(500);
    expect(t.command.maxItems).toBe(128);
    expect(t.env['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect(tj.properties.status['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  test('runtimes: mlPolicy with MPI defaults and enum, podGroupPolicy, template kept', () => {
    const rs = objects.find(
      'CustomResourceDefinition',
      undefined,
      'clustertrainingruntimes.trainer.kubeflow.org',
    ).spec.versions[0].schema.openAPIV3Schema;
    expect(rs.properties.status).toBeUndefined();
    const mpi = rs.properties.spec.properties.mlPolicy.properties.mpi.properties;
    expect(mpi.mpiImplementation).toEqual({
      type: 'string',
      enum: ['OpenMPI', ''],
      default: 'OpenMPI',
    });
    expect(mpi.numProcPerNode.default).toBe(1);
    expect(mpi.sshAuthMountPath.default).toBe('/root/.ssh');
    expect(mpi.runLauncherAsNode.default).toBe(false);
    const torch = rs.properties.spec.properties.mlPolicy.properties.torch;
    expect(torch).toEqual({ type: 'object' });
    expect(
      rs.properties.spec.properties.podGroupPolicy.properties.coscheduling.properties
        .scheduleTimeoutSeconds.default,
    ).toBe(60);
    const tpl = rs.properties.spec.properties.template.properties.spec;
    expect(tpl['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(tpl.properties.replicatedJobs['x-kubernetes-list-map-keys']).toEqual(['name']);
  });
});

describe('validation with ajv', () => {
  const runtime = schemaOf('clustertrainingruntimes.trainer.kubeflow.org');
  const trainJob = schemaOf('trainjobs.trainer.kubeflow.org');

  test.each(RUNTIME_FACTS.map((r) => r.name))('shipped runtime %s validates', (name) => {
    const obj = objects.find('ClusterTrainingRuntime', undefined, name);
    expect([runtime(obj), runtime.errors ?? []]).toEqual([true, []]);
  });

  const sample: Manifest = {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: { name: 'mnist', namespace: 'team-a' },
    spec: {
      runtimeRef: { name: 'torch-distributed' },
      trainer: {
        image: 'docker.io/pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime',
        command: ['torchrun', 'train.py'],
        args: ['--epochs', '3'],
        env: [{ name: 'LR', value: '0.01' }],
        numNodes: 2,
        resourcesPerNode: {
          requests: { cpu: '2', memory: '8Gi' },
          limits: { 'nvidia.com/gpu': 1 },
        },
      },
      initializer: { dataset: { storageUri: 'hf://tatsu-lab/alpaca' } },
      runtimePatches: [
        {
          manager: 'example.com/team-a',
          trainingRuntimeSpec: {
            template: {
              spec: {
                replicatedJobs: [
                  {
                    name: 'node',
                    template: {
                      spec: {
                        template: {
                          metadata: { labels: { team: 'a' } },
                          spec: { serviceAccountName: 'trainer', nodeSelector: { gpu: 'a100' } },
                        },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
      suspend: false,
    },
  };

  test('a sample TrainJob validates', () => {
    expect([trainJob(sample), trainJob.errors ?? []]).toEqual([true, []]);
  });

  test.each([
    ['without runtimeRef', (s: Manifest) => delete s.runtimeRef, 'runtimeRef'],
    ['with an empty runtime name', (s: Manifest) => (s.runtimeRef.name = ''), 'minLength'],
    ['with a string numNodes', (s: Manifest) => (s.trainer.numNodes = 'two'), 'integer'],
    [
      'with a patch without manager',
      (s: Manifest) => delete s.runtimePatches[0].manager,
      'manager',
    ],
    ['with a boolean suspend as text', (s: Manifest) => (s.suspend = 'yes'), 'boolean'],
    ['with an env entry without name', (s: Manifest) => (s.trainer.env = [{ value: 'x' }]), 'name'],
  ])('a TrainJob %s fails', (_what, edit, expected) => {
    const broken = structuredClone(sample);
    edit(broken.spec as Manifest);
    expect(trainJob(broken)).toBe(false);
    expect(JSON.stringify(trainJob.errors)).toContain(expected);
  });

  test('a runtime with an unknown MPI implementation fails', () => {
    const obj = structuredClone(
      objects.find('ClusterTrainingRuntime', undefined, 'deepspeed-distributed'),
    );
    obj.spec.mlPolicy.mpi.mpiImplementation = 'MPICH';
    expect(runtime(obj)).toBe(false);
  });
});
