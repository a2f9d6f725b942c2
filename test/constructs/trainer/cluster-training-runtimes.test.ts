import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import {
  ClusterTrainingRuntimes,
  ClusterTrainingRuntimesProps,
  TRAINING_NODE_DEFAULT_RESOURCES,
  TRAINING_RUNTIME_NAMES,
} from '../../../constructs/trainer';
import { Manifest, Objects } from '../../helpers';
import { MPI_NODE_FACTS, RUNTIME_FACTS } from './facts';

function build(props: ClusterTrainingRuntimesProps = {}): {
  runtimes: ClusterTrainingRuntimes;
  objects: Objects;
  images: string[];
} {
  const chart = new Chart(Testing.app(), 'Test');
  const runtimes = new ClusterTrainingRuntimes(chart, 'Runtimes', props);
  return {
    runtimes,
    objects: new Objects(Testing.synth(chart) as Manifest[]),
    images: BillOfMaterials.of(chart).images(),
  };
}

const jobs = (rt: Manifest): Manifest[] => rt.spec.template.spec.replicatedJobs as Manifest[];
const podOf = (job: Manifest): Manifest => job.template.spec.template as Manifest;
const containers = (rt: Manifest): Manifest[] =>
  jobs(rt).flatMap((j) => podOf(j).spec.containers as Manifest[]);

describe('ClusterTrainingRuntimes with defaults', () => {
  const { runtimes, objects, images } = build();

  test('exactly the runtimes Kubeflow 26.03.1 installs', () => {
    expect(runtimes.runtimeNames).toEqual(RUNTIME_FACTS.map((r) => r.name));
    expect(TRAINING_RUNTIME_NAMES).toEqual(RUNTIME_FACTS.map((r) => r.name));
    expect(objects.ofKind('ClusterTrainingRuntime').map((o) => o.metadata.name)).toEqual(
      RUNTIME_FACTS.map((r) => r.name),
    );
    expect(runtimes.securityProfile).toBe('restricted');
  });

  test.each(RUNTIME_FACTS)('$name: framework, mlPolicy, jobs and images', (f) => {
    const rt = objects.find('ClusterTrainingRuntime', undefined, f.name);
    expect(rt.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(rt.metadata.labels['trainer.kubeflow.org/framework']).toBe(f.framework);
    expect(rt.spec.mlPolicy).toEqual(f.mlPolicy);
    expect(jobs(rt).map((j) => j.name)).toEqual(f.jobs);
    expect([...new Set(containers(rt).map((c) => c.image))].sort()).toEqual([...f.images].sort());
  });

  test('every runtime image is in the bill of materials, and nothing else', () => {
    expect(images).toEqual([...new Set(RUNTIME_FACTS.flatMap((r) => r.images))].sort());
    expect(Object.keys(runtimes.images).sort()).toEqual([
      'datasetInitializer',
      'deepspeed',
      'jax',
      'mlx',
      'modelInitializer',
      'pytorch',
      'torchtune',
      'xgboost',
    ]);
  });

  test('the trainer step label is on the job the TrainJob trainer overrides', () => {
    const step = (name: string) =>
      jobs(objects.find('ClusterTrainingRuntime', undefined, name)).map(
        (j) => j.template.metadata?.labels?.['trainer.kubeflow.org/trainjob-ancestor-step'],
      );
    expect(step('torch-distributed')).toEqual(['trainer']);
    expect(step('deepspeed-distributed')).toEqual(['trainer', undefined]);
    expect(step('torchtune-llama3.2-1b')).toEqual([
      'dataset-initializer',
      'model-initializer',
      'trainer',
    ]);
  });

  test('MPI: sshd node with its probe, launcher success policy, not-ready addresses', () => {
    const rt = objects.find('ClusterTrainingRuntime', undefined, 'deepspeed-distributed');
    expect(rt.spec.template.spec.network).toEqual({ publishNotReadyAddresses: true });
    expect(rt.spec.template.spec.successPolicy).toEqual({
      operator: 'All',
      targetReplicatedJobs: ['launcher'],
    });
    const node = podOf(jobs(rt)[1]).spec.containers[0] as Manifest;
    expect(node.command).toEqual(MPI_NODE_FACTS.command);
    expect(node.args).toEqual(MPI_NODE_FACTS.args);
    expect(node.readinessProbe).toEqual(MPI_NODE_FACTS.readinessProbe);
    expect(node.securityContext.runAsUser).toBe(MPI_NODE_FACTS.runAsUser);
    // sshd carries cap_net_bind_service+eip in the v2.2.0 images.
    expect(node.securityContext.capabilities).toEqual({
      drop: ['ALL'],
      add: ['NET_BIND_SERVICE'],
    });
    const launcher = podOf(jobs(rt)[0]).spec.containers[0] as Manifest;
    expect(launcher.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(launcher.env).toBeUndefined();
  });

  test('TorchTune: initializers, shared claim, dependencies and the tune command', () => {
    const rt = objects.find('ClusterTrainingRuntime', undefined, 'torchtune-qwen2.5-1.5b');
    expect(rt.spec.template.spec.volumeClaimPolicies).toEqual([
      {
        templates: [
          {
            metadata: { name: 'initializer' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
          },
        ],
      },
    ]);
    const [dataset, model, node] = jobs(rt);
    const env = (j: Manifest) => podOf(j).spec.containers[0].env as Manifest[];
    expect(env(dataset)).toContainEqual({ name: 'STORAGE_URI', value: 'hf://tatsu-lab/alpaca' });
    expect(env(model)).toContainEqual({
      name: 'STORAGE_URI',
      value: 'hf://Qwen/Qwen2.5-1.5B-Instruct',
    });
    expect(node.dependsOn).toEqual([
      { name: 'dataset-initializer', status: 'Complete' },
      { name: 'model-initializer', status: 'Complete' },
    ]);
    const c = podOf(node).spec.containers[0] as Manifest;
    expect(c.command.slice(0, 6)).toEqual([
      'tune',
      'run',
      '--rdzv_endpoint=localhost:29500',
      'full_finetune_distributed',
      '--config',
      'qwen2_5/1.5B_full',
    ]);
    expect(c.command).toContain('tokenizer.merges_file=/workspace/model/merges.txt');
    expect(c.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(c.volumeMounts).toEqual([{ name: 'initializer', mountPath: '/workspace' }]);
    expect(podOf(node).spec.securityContext.fsGroup).toBe(1000);
  });

  test.each(RUNTIME_FACTS.map((r) => r.name))(
    '%s: restricted security, requests and limits on every container',
    (name) => {
      const rt = objects.find('ClusterTrainingRuntime', undefined, name);
      for (const job of jobs(rt)) {
        expect(podOf(job).spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(podOf(job).metadata).toBeUndefined();
      }
      for (const c of containers(rt)) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          runAsUser: 1000,
          readOnlyRootFilesystem: false,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        expect(c.resources.requests.memory).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
      }
    },
  );

  test('root-default images get a writable HOME; the MPI images keep theirs', () => {
    const home = (name: string) =>
      containers(objects.find('ClusterTrainingRuntime', undefined, name)).map((c) =>
        (c.env as Manifest[] | undefined)?.find((e) => e.name === 'HOME'),
      );
    expect(home('torch-distributed')).toEqual([{ name: 'HOME', value: '/tmp' }]);
    expect(home('mlx-distributed')).toEqual([undefined, undefined]);
  });

  test('node resources default', () => {
    const c = containers(objects.find('ClusterTrainingRuntime', undefined, 'jax-distributed'))[0];
    expect(c.resources).toEqual({
      requests: {
        cpu: TRAINING_NODE_DEFAULT_RESOURCES.cpu.request,
        memory: TRAINING_NODE_DEFAULT_RESOURCES.memory.request,
      },
      limits: {
        cpu: TRAINING_NODE_DEFAULT_RESOURCES.cpu.limit,
        memory: TRAINING_NODE_DEFAULT_RESOURCES.memory.limit,
      },
    });
  });
});

describe('ClusterTrainingRuntimes options', () => {
  test('a subset, upstream security and no sidecars', () => {
    const { objects, images } = build({
      runtimes: ['mlx-distributed'],
      securityProfile: 'upstream',
      sidecarInjection: 'disabled',
    });
    expect(objects.ofKind('ClusterTrainingRuntime').map((o) => o.metadata.name)).toEqual([
      'mlx-distributed',
    ]);
    expect(images).toEqual(['ghcr.io/kubeflow/trainer/mlx-runtime:v2.2.0']);
    const rt = objects.find('ClusterTrainingRuntime', undefined, 'mlx-distributed');
    for (const c of containers(rt)) expect(c.securityContext).toEqual({ runAsUser: 1000 });
    for (const j of jobs(rt)) {
      expect(podOf(j).metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
      expect(podOf(j).spec.securityContext).toBeUndefined();
    }
  });

  test('an unknown runtime is named in the error', () => {
    expect(() => build({ runtimes: ['torch-distributed', 'tensorflow'] })).toThrow(
      `ClusterTrainingRuntimes: \`runtimes[1]\` is not a runtime of Trainer v2.2.0 as Kubeflow 26.03.1 installs it (got "tensorflow"). Use one of ${TRAINING_RUNTIME_NAMES.join(', ')}.`,
    );
  });
});
