import { BillOfMaterials } from '../../../constructs/core/images';
import {
  TRAINER_V220_CLUSTER_RUNTIMES,
  TrainJob,
  TrainJobProps,
  TrainingRuntimeRef,
  trainJobProblems,
} from '../../../constructs/trainer/train-job';
import { Obj, testChart } from '../../helpers';

type Tree = true | 'map' | { readonly [k: string]: Tree };

const SECURITY = {
  allowPrivilegeEscalation: true,
  capabilities: { drop: true },
  privileged: true,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: true },
} as const;

/**
 * The JSON fields of the TrainJob Go types (TrainJobSpec, RuntimeRef, Initializer,
 * Dataset/ModelInitializer, Trainer, RuntimePatch, TrainingRuntimeSpecPatch, JobSetTemplatePatch,
 * JobSetSpecPatch, ReplicatedJobPatch, JobTemplatePatch, JobSpecPatch, PodTemplatePatch,
 * PodSpecPatch, ContainerPatch). `true`: a leaf or a core/v1 type we do not descend.
 */
const TRAINER_FIELDS = {
  source: 'kubeflow/trainer v2.2.0 pkg/apis/trainer/v1alpha1/trainjob_types.go',
  trainJob: {
    apiVersion: true,
    kind: true,
    metadata: { name: true, namespace: true, labels: 'map', annotations: 'map' },
    spec: {
      runtimeRef: { name: true, apiGroup: true, kind: true },
      initializer: {
        dataset: { storageUri: true, env: { name: true, value: true }, secretRef: { name: true } },
        model: { storageUri: true, env: { name: true, value: true }, secretRef: { name: true } },
      },
      trainer: {
        image: true,
        command: true,
        args: true,
        env: { name: true, value: true },
        numNodes: true,
        resourcesPerNode: { requests: 'map', limits: 'map' },
        numProcPerNode: true,
      },
      runtimePatches: {
        manager: true,
        time: true,
        trainingRuntimeSpec: {
          template: {
            metadata: { labels: 'map', annotations: 'map' },
            spec: {
              replicatedJobs: {
                name: true,
                template: {
                  metadata: { labels: 'map', annotations: 'map' },
                  spec: {
                    template: {
                      metadata: { labels: 'map', annotations: 'map' },
                      spec: {
                        serviceAccountName: true,
                        volumes: { name: true, emptyDir: true },
                        initContainers: true,
                        containers: {
                          name: true,
                          env: true,
                          volumeMounts: { name: true, mountPath: true },
                          securityContext: SECURITY,
                        },
                        imagePullSecrets: true,
                        securityContext: {
                          runAsNonRoot: true,
                          runAsUser: true,
                          runAsGroup: true,
                          fsGroup: true,
                          fsGroupChangePolicy: true,
                          seccompProfile: { type: true },
                        },
                        nodeSelector: 'map',
                        affinity: true,
                        tolerations: {
                          key: true,
                          operator: true,
                          value: true,
                          effect: true,
                          tolerationSeconds: true,
                        },
                        schedulingGates: true,
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      suspend: true,
      activeDeadlineSeconds: true,
      managedBy: true,
    },
  },
} as const;

/** Fields that Trainer v2.1 had and v2.2 removed (the same file at v2.1.0). */
const REMOVED_IN_2_2 = ['podTemplateOverrides', 'labels', 'annotations'];

function unknownFields(value: unknown, tree: Tree, path = ''): string[] {
  if (tree === true || tree === 'map') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, tree, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [`${path} (not an object)`];
  return Object.entries(value).flatMap(([k, v]) =>
    k in tree ? unknownFields(v, tree[k], path ? `${path}.${k}` : k) : [`${path}.${k}`],
  );
}

const BASE: TrainJobProps = {
  namespace: 'team-a',
  name: 'mnist-train',
  runtime: 'torch-distributed',
};

function build(props: Partial<TrainJobProps>): { job: Obj; images: string[] } {
  const { chart, synth } = testChart();
  new TrainJob(chart, 'Job', { ...BASE, ...props });
  const [job] = synth();
  return { job, images: BillOfMaterials.of(chart).images() };
}

function errorOf(props: Partial<TrainJobProps>): string {
  try {
    build(props);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('TrainJob (Trainer v2.2.0, construct for teams)', () => {
  test('with only a runtime: a v1alpha1 TrainJob whose node pods are restricted', () => {
    const { job } = build({});
    expect(job.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(job.kind).toBe('TrainJob');
    expect(job.metadata).toMatchObject({ name: 'mnist-train', namespace: 'team-a' });
    expect(job.metadata.annotations).toBeUndefined();
    expect(job.spec.runtimeRef).toEqual({
      name: 'torch-distributed',
      kind: 'ClusterTrainingRuntime',
    });
    expect(job.spec.trainer).toBeUndefined();
    expect(job.spec.suspend).toBeUndefined();
    const [patch] = job.spec.runtimePatches;
    expect(patch.manager).toBe('mlops-blueprint.dev/train-job');
    const [node] = patch.trainingRuntimeSpec.template.spec.replicatedJobs;
    expect(node.name).toBe('node');
    const pod = node.template.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toEqual([
      {
        name: 'node',
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('renders the trainer, initializers and per-job patches in the 2.2 shape', () => {
    const { job, images } = build({
      runtime: TrainingRuntimeRef.namespaced('team-torch'),
      trainer: {
        image: 'ghcr.io/example/mnist:1.0.0',
        command: ['torchrun', '/app/train.py'],
        args: ['--epochs=3'],
        env: { HF_HOME: '/tmp/hf' },
        numNodes: 2,
        numProcPerNode: 1,
        resourcesPerNode: {
          cpu: { request: '2', limit: '4' },
          memory: { request: '8Gi', limit: '8Gi' },
          gpu: { count: 1 },
        },
      },
      initializer: {
        dataset: { storageUri: 'hf://ylecun/mnist', secretName: 'hf-token' },
        model: { storageUri: 's3://models/team-a/base/', env: { AWS_REGION: 'us-east-1' } },
      },
      labels: { team: 'a' },
      annotations: { 'example.com/owner': 'alice' },
      suspend: true,
      activeDeadlineSeconds: 3600,
      runtimePatches: {
        node: {
          serviceAccountName: 'trainer',
          nodeSelector: { 'nvidia.com/gpu.present': 'true' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
        'dataset-initializer': { annotations: { 'example.com/cache': 'on' } },
      },
    });
    expect(images).toEqual(['ghcr.io/example/mnist:1.0.0']);
    const spec = job.spec;
    expect(spec.runtimeRef).toEqual({ name: 'team-torch', kind: 'TrainingRuntime' });
    expect(spec.trainer).toEqual({
      image: 'ghcr.io/example/mnist:1.0.0',
      command: ['torchrun', '/app/train.py'],
      args: ['--epochs=3'],
      env: [{ name: 'HF_HOME', value: '/tmp/hf' }],
      numNodes: 2,
      numProcPerNode: 1,
      resourcesPerNode: {
        requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' },
        limits: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' },
      },
    });
    expect(spec.initializer).toEqual({
      dataset: { storageUri: 'hf://ylecun/mnist', secretRef: { name: 'hf-token' } },
      model: {
        storageUri: 's3://models/team-a/base/',
        env: [{ name: 'AWS_REGION', value: 'us-east-1' }],
      },
    });
    expect(spec.suspend).toBe(true);
    expect(spec.activeDeadlineSeconds).toBe(3600);
    expect(job.metadata.labels).toMatchObject({ team: 'a' });
    expect(job.metadata.annotations).toEqual({ 'example.com/owner': 'alice' });
    const jobs = spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
    expect(jobs.map((j: Obj) => j.name)).toEqual(['dataset-initializer', 'node']);
    expect(jobs[0].template.spec.template).toEqual({
      metadata: { annotations: { 'example.com/cache': 'on' } },
    });
    expect(jobs[1].template.spec.template.spec).toMatchObject({
      serviceAccountName: 'trainer',
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(unknownFields(job, TRAINER_FIELDS.trainJob)).toEqual([]);
    for (const removed of REMOVED_IN_2_2) expect(spec[removed]).toBeUndefined();
  });

  test('restricted: false leaves the runtime pods as the runtime has them', () => {
    const { job } = build({ restricted: false });
    expect(job.spec.runtimePatches).toBeUndefined();
  });

  test('every invalid combination is reported at once, with the prop and a fix', () => {
    const message = errorOf({
      name: '2-train',
      runtime: 'torch-distribute',
      knownRuntimes: ['torch-distributed', 'deepspeed-distributed'],
      trainer: {
        image: 'pytorch/pytorch',
        numNodes: 0,
        numProcPerNode: 1.5,
        env: { PET_NNODES: '2', 'BAD NAME': 'x' },
        resourcesPerNode: {
          cpu: { request: '4', limit: '2' },
          memory: { request: '8Gi', limit: '4Gi' },
          gpu: { count: 0 },
        },
      },
      initializer: {
        dataset: { storageUri: 'gs://bucket/data' },
        model: { storageUri: 'cache://models' },
      },
      activeDeadlineSeconds: 0,
      runtimePatches: {
        node: {
          tolerations: [
            { key: 'gpu', operator: 'Exists', value: 'yes' },
            { operator: 'Equal', tolerationSeconds: 60 },
          ],
          nodeSelector: { 'bad key!': 'x' },
        },
      },
    });
    expect(message).toMatch(/^TrainJob team-a\/2-train: \n- /);
    for (const expected of [
      '`name` is not an RFC 1035 label',
      '`runtime` is not a training runtime the platform installs (got "torch-distribute"). Use one of torch-distributed, deepspeed-distributed.',
      '`trainer.image` is not a pinned image reference (got "pytorch/pytorch")',
      '`trainer.numNodes` is not a whole number of at least 1 (got 0)',
      '`trainer.numProcPerNode` is not a whole number of at least 1 (got 1.5)',
      '`trainer.resourcesPerNode.cpu.limit` is below its request 4 (got "2")',
      '`trainer.resourcesPerNode.memory.limit` is below its request 8Gi (got "4Gi")',
      '`trainer.resourcesPerNode.gpu.count` is not a whole number of at least 1 (got 0)',
      '`trainer.env.BAD NAME` is not an environment variable name',
      '`trainer.env` sets variables the runtime sets itself, which Trainer refuses (got PET_NNODES)',
      '`initializer.dataset.storageUri` is not a URI this initializer reads (got "gs://bucket/data"). Give hf://..., s3://..., cache://....',
      '`initializer.model.storageUri` is not a URI this initializer reads (got "cache://models")',
      '`activeDeadlineSeconds` is not a whole number of at least 1 (got 0)',
      '`runtimePatches.node.tolerations[0].value` is set with operator Exists',
      '`runtimePatches.node.tolerations[1].key` is empty',
      '`runtimePatches.node.tolerations[1].tolerationSeconds` is set without effect NoExecute',
      '`runtimePatches.node.nodeSelector` has a key that is not a label key (got "bad key!")',
    ]) {
      expect(message).toContain(expected);
    }
  });

  test('trainJobProblems is pure; knownRuntimes is checked only when given', () => {
    expect(trainJobProblems(BASE)).toEqual([]);
    expect(trainJobProblems({ ...BASE, runtime: 'anything' })).toEqual([]);
    expect(trainJobProblems({ ...BASE, knownRuntimes: TRAINER_V220_CLUSTER_RUNTIMES })).toEqual([]);
    expect(trainJobProblems({ ...BASE, knownRuntimes: [] })).toEqual([
      '`runtime` is not a training runtime the platform installs (got "torch-distributed"). Use one of (none installed).',
    ]);
    expect(TRAINER_FIELDS.source).toContain('v2.2.0');
  });

  test('the field checker catches a v2.1 field', () => {
    expect(unknownFields({ spec: { podTemplateOverrides: [] } }, TRAINER_FIELDS.trainJob)).toEqual([
      'spec.podTemplateOverrides',
    ]);
  });
});
