import {
  Experiment,
  ExperimentProps,
  KATIB_V0190_ALGORITHMS,
  experimentProblems,
} from '../../../constructs/katib/experiment';
import { BillOfMaterials } from '../../../constructs/core/images';
import { Obj, testChart } from '../../helpers';

/**
 * The JSON fields of the upstream Go types at katib v0.19.0, as nested trees (`true`: a leaf or a
 * subtree we do not descend; `'map'`: string keys of the user's choosing). Arrays are checked per
 * element.
 */
const KATIB_FIELDS = {
  source:
    'kubeflow/katib v0.19.0 pkg/apis/controller/experiments/v1beta1/experiment_types.go, common/v1beta1/common_types.go',
  experiment: {
    apiVersion: true,
    kind: true,
    metadata: { name: true, namespace: true, labels: 'map', annotations: 'map' },
    spec: {
      parameters: {
        name: true,
        parameterType: true,
        feasibleSpace: { max: true, min: true, list: true, step: true, distribution: true },
      },
      objective: {
        type: true,
        goal: true,
        objectiveMetricName: true,
        additionalMetricNames: true,
        metricStrategies: { name: true, value: true },
      },
      algorithm: { algorithmName: true, algorithmSettings: { name: true, value: true } },
      earlyStopping: { algorithmName: true, algorithmSettings: { name: true, value: true } },
      trialTemplate: {
        retain: true,
        trialSpec: true, // unstructured: checked against the Job / TrainJob trees below
        configMap: true,
        trialParameters: { name: true, description: true, reference: true },
        primaryPodLabels: 'map',
        primaryContainerName: true,
        successCondition: true,
        failureCondition: true,
      },
      parallelTrialCount: true,
      maxTrialCount: true,
      maxFailedTrialCount: true,
      metricsCollectorSpec: {
        source: {
          httpGet: true,
          fileSystemPath: { path: true, kind: true, format: true },
          filter: { metricsFormat: true },
        },
        collector: { kind: true, customCollector: true },
      },
      nasConfig: true,
      resumePolicy: true,
    },
  },
} as const;

/** The batch/v1 Job fields a trial uses (k8s.io/api batch/v1 and core/v1 types.go). */
const CONTAINER = {
  name: true,
  image: true,
  command: true,
  args: true,
  env: { name: true, value: true },
  resources: { requests: 'map', limits: 'map' },
  securityContext: {
    allowPrivilegeEscalation: true,
    capabilities: { drop: true },
    privileged: true,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: true },
  },
  volumeMounts: { name: true, mountPath: true },
} as const;
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: true,
  runAsGroup: true,
  fsGroup: true,
  fsGroupChangePolicy: true,
  seccompProfile: { type: true },
} as const;
const JOB_FIELDS = {
  apiVersion: true,
  kind: true,
  spec: {
    template: {
      metadata: { labels: 'map', annotations: 'map' },
      spec: {
        serviceAccountName: true,
        restartPolicy: true,
        securityContext: POD_SECURITY,
        containers: CONTAINER,
        volumes: { name: true, emptyDir: true },
      },
    },
  },
} as const;

/**
 * TrainJob fields (kubeflow/trainer v2.2.0 pkg/apis/trainer/v1alpha1/trainjob_types.go: RuntimeRef,
 * Trainer, RuntimePatch down to PodSpecPatch and ContainerPatch).
 */
const TRAINJOB_FIELDS = {
  apiVersion: true,
  kind: true,
  spec: {
    runtimeRef: { name: true, apiGroup: true, kind: true },
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
      trainingRuntimeSpec: {
        template: {
          spec: {
            replicatedJobs: {
              name: true,
              template: {
                spec: {
                  template: {
                    metadata: { labels: 'map', annotations: 'map' },
                    spec: {
                      serviceAccountName: true,
                      securityContext: POD_SECURITY,
                      volumes: { name: true, emptyDir: true },
                      containers: {
                        name: true,
                        securityContext: CONTAINER.securityContext,
                        volumeMounts: CONTAINER.volumeMounts,
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

type Tree = true | 'map' | { readonly [k: string]: Tree };

/** Paths of `value` that the tree does not have. */
function unknownFields(value: unknown, tree: Tree, path = ''): string[] {
  if (tree === true || tree === 'map') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, tree, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [`${path} (not an object)`];
  return Object.entries(value).flatMap(([k, v]) =>
    k in tree ? unknownFields(v, tree[k], path ? `${path}.${k}` : k) : [`${path}.${k}`],
  );
}

const BASE: ExperimentProps = {
  namespace: 'team-a',
  name: 'mnist-search',
  objective: { type: 'maximize', metric: 'accuracy', goal: 0.99, additionalMetrics: ['loss'] },
  algorithm: { name: 'tpe', settings: { random_state: '10' } },
  parameters: [
    { name: 'lr', type: 'double', min: 0.001, max: 0.1, distribution: 'logUniform' },
    { name: 'batchSize', type: 'discrete', list: [32, 64] },
    { name: 'optimizer', type: 'categorical', list: ['sgd', 'adam'] },
  ],
  parallelTrials: 2,
  maxTrials: 12,
  maxFailedTrials: 3,
  trial: {
    kind: 'Job',
    image: 'ghcr.io/example/mnist:1.0.0',
    command: ['python3', '/app/train.py'],
    args: ['--lr=${trialParameters.lr}', '--batch-size=${trialParameters.batchSize}'],
    env: { OPTIMIZER: '${trialParameters.optimizer}' },
    reports: ['accuracy', 'loss'],
    serviceAccountName: 'default-editor',
  },
};

function build(props: Partial<ExperimentProps>): { exp: Obj; images: string[] } {
  const { chart, synth } = testChart();
  new Experiment(chart, 'Experiment', { ...BASE, ...props });
  const [exp] = synth();
  return { exp, images: BillOfMaterials.of(chart).images() };
}

function errorOf(props: Partial<ExperimentProps>): string {
  try {
    build(props);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('Experiment (Katib v0.19.0, construct for teams)', () => {
  test('renders a kubeflow.org/v1beta1 Experiment with the spec fields Katib reads', () => {
    const { exp, images } = build({});
    expect(exp.apiVersion).toBe('kubeflow.org/v1beta1');
    expect(exp.kind).toBe('Experiment');
    expect(exp.metadata).toMatchObject({ name: 'mnist-search', namespace: 'team-a' });
    const spec = exp.spec;
    expect(spec.objective).toEqual({
      type: 'maximize',
      objectiveMetricName: 'accuracy',
      goal: 0.99,
      additionalMetricNames: ['loss'],
    });
    expect(spec.algorithm).toEqual({
      algorithmName: 'tpe',
      algorithmSettings: [{ name: 'random_state', value: '10' }],
    });
    expect(spec.parallelTrialCount).toBe(2);
    expect(spec.maxTrialCount).toBe(12);
    expect(spec.maxFailedTrialCount).toBe(3);
    expect(spec.metricsCollectorSpec).toEqual({ collector: { kind: 'StdOut' } });
    expect(spec.parameters).toEqual([
      {
        name: 'lr',
        parameterType: 'double',
        feasibleSpace: { min: '0.001', max: '0.1', distribution: 'logUniform' },
      },
      { name: 'batchSize', parameterType: 'discrete', feasibleSpace: { list: ['32', '64'] } },
      { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
    ]);
    expect(spec.trialTemplate.primaryContainerName).toBe('training-container');
    expect(spec.trialTemplate.trialParameters).toEqual([
      { name: 'lr', reference: 'lr' },
      { name: 'batchSize', reference: 'batchSize' },
      { name: 'optimizer', reference: 'optimizer' },
    ]);
    expect(images).toEqual(['ghcr.io/example/mnist:1.0.0']);
  });

  test('the Job trial is a restricted pod outside the mesh, with the parameters in place', () => {
    const job = build({}).exp.spec.trialTemplate.trialSpec;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata).toBeUndefined(); // Katib refuses a trial template with a name
    const pod = job.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(pod.metadata.labels).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.serviceAccountName).toBe('default-editor');
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const [c] = pod.spec.containers;
    expect(c.name).toBe('training-container');
    expect(c.command).toEqual(['python3', '/app/train.py']);
    expect(c.args).toEqual([
      '--lr=${trialParameters.lr}',
      '--batch-size=${trialParameters.batchSize}',
    ]);
    expect(c.env).toEqual([{ name: 'OPTIMIZER', value: '${trialParameters.optimizer}' }]);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('collectors render their source as Katib defaults them', () => {
    expect(
      build({ metricsCollector: { kind: 'File', format: 'JSON' } }).exp.spec.metricsCollectorSpec,
    ).toEqual({
      collector: { kind: 'File' },
      source: {
        fileSystemPath: { path: '/var/log/katib/metrics.log', kind: 'File', format: 'JSON' },
      },
    });
    expect(
      build({ metricsCollector: { kind: 'TensorFlowEvent', path: '/tmp/tfevents' } }).exp.spec
        .metricsCollectorSpec,
    ).toEqual({
      collector: { kind: 'TensorFlowEvent' },
      source: { fileSystemPath: { path: '/tmp/tfevents', kind: 'Directory' } },
    });
    expect(build({ metricsCollector: { kind: 'Push' } }).exp.spec.metricsCollectorSpec).toEqual({
      collector: { kind: 'Push' },
    });
  });

  test('a TrainJob trial runs on a runtime, its node pods patched outside the mesh and restricted', () => {
    const { exp } = build({
      trial: {
        kind: 'TrainJob',
        runtime: 'torch-distributed',
        image: 'ghcr.io/example/mnist:1.0.0',
        command: ['torchrun', '/app/train.py', '--lr=${trialParameters.lr}'],
        args: ['--bs=${trialParameters.batchSize}', '--opt=${trialParameters.optimizer}'],
        numNodes: 2,
        reports: ['accuracy', 'loss'],
      },
    });
    const tt = exp.spec.trialTemplate;
    expect(tt.primaryContainerName).toBe('node');
    expect(tt.trialSpec.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(tt.trialSpec.kind).toBe('TrainJob');
    expect(tt.trialSpec.spec.runtimeRef).toEqual({ name: 'torch-distributed' });
    expect(tt.trialSpec.spec.trainer.numNodes).toBe(2);
    const [patch] = tt.trialSpec.spec.runtimePatches;
    expect(patch.manager).toBe('mlops-blueprint.dev/experiment');
    const [rjob] = patch.trainingRuntimeSpec.template.spec.replicatedJobs;
    expect(rjob.name).toBe('node');
    const pod = rjob.template.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'node',
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true },
    });
    expect(unknownFields(tt.trialSpec, TRAINJOB_FIELDS)).toEqual([]);
  });

  test('every invalid combination is reported at once, with the prop and a fix', () => {
    const message = errorOf({
      name: '1-Search',
      objective: { type: 'minimize', metric: 'val_loss', additionalMetrics: ['loss', 'val_loss'] },
      algorithm: { name: 'grid', settings: { n_startup_trials: '5' } },
      earlyStopping: { name: 'hyperband' },
      metricsCollector: { kind: 'TensorFlowEvent', path: '' },
      parameters: [
        { name: 'lr', type: 'double', min: 0.1, max: 0.01 },
        { name: 'layers', type: 'int', min: 1, max: 4, step: 0 },
        { name: 'act', type: 'categorical', list: [] },
        { name: 'unused', type: 'discrete', list: [1, 2] },
      ],
      parallelTrials: 5,
      maxTrials: 3,
      maxFailedTrials: 4,
      trial: {
        kind: 'Job',
        image: 'example/trainer:latest',
        command: ['python3', '/app/train.py', '--lr=${trialParameters.lr}'],
        args: [
          '--layers=${trialParameters.layers}',
          '--act=${trialParameters.act}',
          '--momentum=${trialParameters.momentum}',
          'two words',
        ],
        reports: ['loss'],
        resources: {
          cpu: { request: '2', limit: '1' },
          memory: { request: '1Gi', limit: '512Mi' },
        },
      },
    });
    expect(message).toMatch(/^Experiment team-a\/1-Search: \n- /);
    for (const expected of [
      '`name` is not a Katib experiment name',
      '`maxTrials` is below parallelTrials (5) (got 3)',
      '`maxFailedTrials` is above maxTrials (3) (got 4)',
      '`objective.additionalMetrics` repeats the objective metric (got "val_loss")',
      '`objective.metric` is not a metric the trial reports, so the TensorFlowEvent collector cannot report it (got "val_loss")',
      '`parameters[0].min` is above max (0.01) (got 0.1)',
      '`parameters[1].step` is not positive (got 0)',
      '`parameters[2].list` is empty',
      '`parameters[3]` is never used by the trial',
      '`parameters[0].step` is missing, which grid search needs for a double parameter',
      '`algorithm.settings.n_startup_trials` is not a setting of grid (got "n_startup_trials"). Use random_state.',
      '`earlyStopping.name` is not an early-stopping algorithm of the installed Katib (got "hyperband"). Use one of medianstop.',
      '`metricsCollector.path` is required: the collector needs the directory the trial writes',
      '`trial.image` is not a pinned image reference (got "example/trainer:latest")',
      '`trial.resources.cpu.limit` is below its request 2 (got "1")',
      '`trial.resources.memory.limit` is below its request 1Gi (got "512Mi")',
      '`trial.args[2]` uses ${trialParameters.momentum}, which is not a declared parameter',
      '`trial.args[3]` holds a space or quote',
    ]) {
      expect(message).toContain(expected);
    }
  });

  test('experimentProblems is pure and empty for valid props', () => {
    expect(experimentProblems(BASE)).toEqual([]);
    expect(experimentProblems({ ...BASE, maxTrials: 1, maxFailedTrials: 0 })).toEqual([
      '`maxTrials` is below parallelTrials (2) (got 1). Katib refuses it; raise maxTrials or lower parallelTrials.',
    ]);
  });

  test('algorithms come from the installed katib-config, unless the platform passes its own', () => {
    expect(KATIB_V0190_ALGORITHMS).toEqual([
      'random',
      'tpe',
      'grid',
      'hyperband',
      'bayesianoptimization',
      'cmaes',
      'sobol',
      'multivariate-tpe',
      'enas',
      'darts',
      'pbt',
    ]);
    expect(experimentProblems({ ...BASE, algorithms: ['random'] })).toEqual([
      '`algorithm.name` is not an algorithm of the installed Katib (got "tpe"). Use one of random.',
    ]);
    expect(experimentProblems({ ...BASE, algorithm: { name: 'enas' } })[0]).toContain(
      'neural architecture search',
    );
    expect(
      experimentProblems({ ...BASE, algorithm: { name: 'hyperband', settings: { r_l: '9' } } }),
    ).toEqual([
      '`algorithm.settings.resource_name` is required by hyperband. Set r_l, resource_name.',
    ]);
  });

  test('metrics the collector cannot read are refused', () => {
    const trial = { ...BASE.trial, reports: ['accuracy', 'loss', 'val acc'] };
    expect(experimentProblems({ ...BASE, trial })).toEqual([
      '`trial.reports[2]` is not a name Katib\'s default StdOut filter reads (letters, digits, _, | and -) (got "val acc"). Rename the metric, or give metricsCollector.filter.',
    ]);
    expect(
      experimentProblems({
        ...BASE,
        trial,
        metricsCollector: { kind: 'StdOut', filter: ['([\\w ]+):\\s*([0-9.]+)'] },
      }),
    ).toEqual([]);
    expect(
      experimentProblems({
        ...BASE,
        earlyStopping: { name: 'medianstop' },
        metricsCollector: { kind: 'Push' },
      })[0],
    ).toContain('cannot stop a trial whose metrics are pushed');
    expect(
      experimentProblems({
        ...BASE,
        trial: { ...BASE.trial, kind: 'TrainJob', runtime: 'torch-distributed' },
        trialResources: ['Job.v1.batch'],
      })[0],
    ).toContain("`trial.kind` is not among the installed Katib's trialResources");
  });

  test('a sh -c command may carry one script with spaces', () => {
    expect(
      experimentProblems({
        ...BASE,
        trial: {
          ...BASE.trial,
          command: ['sh', '-c'],
          args: [
            'python3 /app/train.py --lr=${trialParameters.lr} --bs=${trialParameters.batchSize}',
          ],
        },
      }),
    ).toEqual([]);
  });

  test('the rendered Experiment has only fields of the upstream Go types', () => {
    const { exp } = build({
      earlyStopping: { name: 'medianstop', settings: { min_trials_required: '3' } },
      metricsCollector: { kind: 'File', filter: ['(\\w+)=([0-9.]+)'] },
      objective: { ...BASE.objective, metricStrategies: { loss: 'latest' } },
      resumePolicy: 'LongRunning',
      trial: { ...BASE.trial, retain: true },
    });
    expect(KATIB_FIELDS.source).toContain('v0.19.0');
    expect(unknownFields(exp, KATIB_FIELDS.experiment)).toEqual([]);
    expect(unknownFields(exp.spec.trialTemplate.trialSpec, JOB_FIELDS)).toEqual([]);
    expect(exp.spec.resumePolicy).toBe('LongRunning');
    expect(exp.spec.earlyStopping).toEqual({
      algorithmName: 'medianstop',
      algorithmSettings: [{ name: 'min_trials_required', value: '3' }],
    });
    expect(exp.spec.objective.metricStrategies).toEqual([{ name: 'loss', value: 'latest' }]);
    // the checker itself catches a stray field
    expect(unknownFields({ spec: { bogus: 1 } }, KATIB_FIELDS.experiment)).toEqual(['spec.bogus']);
  });
});
