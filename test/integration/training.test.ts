import Ajv from 'ajv';
import { installScript } from '../../apps/cdk8s/install-script';
import { ConfigError } from '../../constructs/core/config/problems';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { validateEnvironment } from '../../stacks/config/validate';
import { Obj, allObjects, findObject, readEnvironment, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';

const FIXTURE = readEnvironment('test/fixtures/config/valid/training-experiments.yaml');

const key = (o: Obj) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function problemsOf(env: unknown): { path: string; rule?: string; message: string }[] {
  try {
    validateEnvironment(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

/** The schema of a CRD's served version, as an ajv validator. */
function validatorOf(objects: Obj[], crd: string, version: string) {
  const def = findObject(objects, 'CustomResourceDefinition', undefined, crd);
  const v = (def.spec.versions as Obj[]).find((x) => x.name === version);
  return new Ajv({ strict: false, allErrors: true }).compile(v?.schema.openAPIV3Schema as object);
}

/** The fixture's team-a with its experiments and train jobs replaced. */
const withTeamA = (teamA: Record<string, unknown>, env: Record<string, unknown> = {}) =>
  ({
    ...FIXTURE,
    ...env,
    tenants: [{ name: 'team-a', owner: 'ana@example.com', ...teamA }],
  }) as EnvironmentConfig;

const JOB_TRIAL = {
  kind: 'Job',
  image: 'ghcr.io/example/train:1.0.0',
  command: ['python', 'train.py'],
  args: ['--lr=${trialParameters.lr}'],
  reports: ['accuracy'],
};
const EXPERIMENT = {
  name: 'search',
  objective: { type: 'maximize', metric: 'accuracy' },
  algorithm: { name: 'random' },
  parameters: [{ name: 'lr', type: 'double', min: 0.01, max: 0.1 }],
  parallelTrials: 2,
  maxTrials: 4,
  trial: JOB_TRIAL,
};

describe('training and AutoML in a tenant (test/fixtures/config/valid/training-experiments.yaml)', () => {
  const rendered = renderEnv(FIXTURE);
  const objects = allObjects(rendered);
  const layerOf = (o: Obj) =>
    rendered.layers.find((l) => l.objects.includes(o as never))?.info.id ?? '';

  test('the platform holds together', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });

  test("the tenant's experiments and train jobs are in the tenants layer, after every controller and webhook", () => {
    const declared = objects.filter((o) => ['Experiment', 'TrainJob'].includes(o.kind));
    expect(declared.map(key).sort()).toEqual([
      'Experiment team-a/bert-tune',
      'Experiment team-a/churn-xgb',
      'TrainJob team-a/resnet50',
    ]);
    for (const o of declared) expect(layerOf(o)).toBe('08-tenants');
    for (const name of ['katib-controller', 'katib-db-manager']) {
      expect(layerOf(findObject(objects, 'Deployment', 'kubeflow', name))).toBe(
        '06-platform-controllers',
      );
    }
    for (const name of ['kubeflow-trainer-controller-manager', 'jobset-controller-manager']) {
      expect(layerOf(findObject(objects, 'Deployment', 'kubeflow-system', name))).toBe(
        '06-platform-controllers',
      );
    }
    // the runtimes are admitted by the Trainer's webhook, so they come after it
    const runtimes = objects.filter((o) => o.kind === 'ClusterTrainingRuntime');
    expect(runtimes.map((r) => r.metadata.name as string).sort()).toEqual([
      'deepspeed-distributed',
      'jax-distributed',
      'mlx-distributed',
      'torch-distributed',
      'torchtune-llama3.2-1b',
      'torchtune-llama3.2-3b',
      'torchtune-qwen2.5-1.5b',
      'xgboost-distributed',
    ]);
    for (const r of runtimes) expect(layerOf(r)).toBe('07-platform-resources');
  });

  test('experiments, train jobs and the runtimes validate against the CRDs the platform installs', () => {
    const experiment = validatorOf(objects, 'experiments.kubeflow.org', 'v1beta1');
    const trainJob = validatorOf(objects, 'trainjobs.trainer.kubeflow.org', 'v1alpha1');
    const runtime = validatorOf(
      objects,
      'clustertrainingruntimes.trainer.kubeflow.org',
      'v1alpha1',
    );
    const checks: [Obj, typeof experiment][] = [
      ...objects
        .filter((o) => o.kind === 'Experiment')
        .map((o) => [o, experiment] as [Obj, typeof experiment]),
      ...objects
        .filter((o) => o.kind === 'TrainJob')
        .map((o) => [o, trainJob] as [Obj, typeof experiment]),
      ...objects
        .filter((o) => o.kind === 'ClusterTrainingRuntime')
        .map((o) => [o, runtime] as [Obj, typeof experiment]),
    ];
    expect(checks).toHaveLength(11);
    for (const [o, validate] of checks) {
      expect([key(o), validate(o), validate.errors ?? []]).toEqual([key(o), true, []]);
    }
    // a TrainJob trial is a TrainJob too
    const bert = findObject(objects, 'Experiment', 'team-a', 'bert-tune');
    const trial = {
      ...bert.spec.trialTemplate.trialSpec,
      metadata: { name: 'trial', namespace: 'team-a' },
    };
    expect([trainJob(trial), trainJob.errors ?? []]).toEqual([true, []]);
  });

  test('Katib watches Jobs and TrainJobs, and its DB manager keeps its table in the platform database', () => {
    const config = findObject(objects, 'ConfigMap', 'kubeflow', 'katib-config');
    const text = config.data['katib-config.yaml'] as string;
    expect(text).toMatch(
      /trialResources:\n\s+- Job\.v1\.batch\n\s+- TrainJob\.v1alpha1\.trainer\.kubeflow\.org\n/,
    );
    const dbManager = findObject(objects, 'Deployment', 'kubeflow', 'katib-db-manager');
    const env = new Map(
      (dbManager.spec.template.spec.containers[0].env as Obj[]).map((e) => [e.name as string, e]),
    );
    expect(env.get('DB_NAME')?.value).toBe('mysql');
    expect(env.get('KATIB_MYSQL_DB_HOST')?.value).toBe('mysql.kubeflow.svc.cluster.local');
    expect(env.get('KATIB_MYSQL_DB_DATABASE')?.value).toBe('katib');
    // the platform's MySQL creates `katib` for the application user, and backs it up
    const init = findObject(objects, 'ConfigMap', 'kubeflow', 'mysql-init');
    expect(init.data['create-databases.sh']).toContain('CREATE DATABASE IF NOT EXISTS \\`katib\\`');
    // the DB manager reads the application user's Secret and MySQL admits it
    expect(env.get('DB_USER')?.valueFrom?.secretKeyRef?.name).toBe(
      env.get('DB_PASSWORD')?.valueFrom?.secretKeyRef?.name,
    );
    const mysqlAllow = findObject(objects, 'NetworkPolicy', 'kubeflow', 'allow-katib-db-manager');
    expect(mysqlAllow.spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('mysql');
    expect(mysqlAllow.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } },
            podSelector: { matchLabels: dbManager.spec.selector.matchLabels },
          },
        ],
        ports: [{ port: 3306, protocol: 'TCP' }],
      },
    ]);
  });

  test("tenants reach Katib's DB manager, and Katib's controller reaches the tenants' suggestions, on their gRPC ports only", () => {
    const fromTenants = findObject(
      objects,
      'NetworkPolicy',
      'kubeflow',
      'allow-katib-db-manager-from-tenants',
    );
    expect(fromTenants.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { 'katib.kubeflow.org/metrics-collector-injection': 'enabled' },
            },
          },
        ],
        ports: [{ port: 6789, protocol: 'TCP' }],
      },
    ]);
    for (const tenant of ['team-a', 'team-b']) {
      const allow = findObject(
        objects,
        'NetworkPolicy',
        tenant,
        'allow-katib-suggestions-from-controller',
      );
      expect(allow.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' },
              },
              podSelector: {
                matchLabels: expect.objectContaining({
                  'katib.kubeflow.org/component': 'controller',
                }),
              },
            },
          ],
          ports: [
            { port: 6789, protocol: 'TCP' },
            { port: 6788, protocol: 'TCP' },
          ],
        },
      ]);
      // Katib's pod webhook injects metrics collectors only in namespaces with this label
      const ns = findObject(objects, 'Namespace', undefined, tenant);
      expect(ns.metadata.labels?.['katib.kubeflow.org/metrics-collector-injection']).toBe(
        'enabled',
      );
    }
  });

  test("MySQL takes the DB manager's plain connection on 3306 only; training pods stay outside the mesh", () => {
    const peer = findObject(
      objects,
      'PeerAuthentication',
      'kubeflow',
      'mysql-clients-without-mesh',
    );
    expect(peer.spec.portLevelMtls).toEqual({ '3306': { mode: 'PERMISSIVE' } });
    expect(peer.spec.mtls).toBeUndefined();
    expect(peer.spec.selector.matchLabels).toEqual(
      findObject(objects, 'StatefulSet', 'kubeflow', 'mysql').spec.selector.matchLabels,
    );
    expect(peer.metadata.annotations?.['mlops-blueprint.dev/reason']).toMatch(/Katib's DB manager/);
    const dbManager = findObject(objects, 'Deployment', 'kubeflow', 'katib-db-manager');
    expect(dbManager.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    for (const runtime of objects.filter((o) => o.kind === 'ClusterTrainingRuntime')) {
      const jobs = runtime.spec.template.spec.replicatedJobs as Obj[];
      for (const job of jobs) {
        const meta = job.template.spec.template.metadata ?? {};
        expect([
          runtime.metadata.name,
          job.name,
          meta.annotations?.['sidecar.istio.io/inject'],
        ]).toEqual([runtime.metadata.name, job.name, 'false']);
      }
    }
  });

  test("trials run outside the mesh, restricted, on the tenant's quota; train jobs get the restricted context", () => {
    const churn = findObject(objects, 'Experiment', 'team-a', 'churn-xgb');
    const pod = churn.spec.trialTemplate.trialSpec.spec.template;
    expect(pod.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.spec.containers[0].resources).toEqual({
      requests: { cpu: '1', memory: '2Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    const resnet = findObject(objects, 'TrainJob', 'team-a', 'resnet50');
    expect(resnet.spec.trainer.resourcesPerNode.limits['nvidia.com/gpu']).toBe('1');
    const patch = resnet.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0];
    expect(patch.name).toBe('node');
    expect(patch.template.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    // the metrics collector Katib injects carries a security context too
    expect(
      findObject(objects, 'ConfigMap', 'kubeflow', 'katib-config').data['katib-config.yaml'],
    ).toContain('injectSecurityContext: true');
  });

  test('every image a tenant declared, Katib names or a runtime pulls is in the bill of materials', () => {
    for (const image of [
      'ghcr.io/example/churn-train:2.1.0',
      'ghcr.io/example/bert-train:1.0.0',
      'ghcr.io/example/resnet-train:3.2.0',
      'ghcr.io/kubeflow/katib/katib-controller:v0.19.0',
      'ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0',
      'ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0',
      'ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.2.0',
      'registry.k8s.io/jobset/jobset:v0.11.0',
      'docker.io/pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime',
    ]) {
      expect(rendered.images).toContain(image);
    }
  });

  test("JobSet's selector change is an upgrade step install.sh runs before applying", () => {
    const script = installScript(rendered);
    const step = script.indexOf(
      'kc -n kubeflow-system delete deployment jobset-controller-manager --ignore-not-found --wait=true',
    );
    expect(step).toBeGreaterThan(0);
    expect(script.slice(0, step)).toContain('if older_than "$(installed training)" v0.11.0; then');
    expect(step).toBeLessThan(script.indexOf('==> 01-crds'));
  });
});

describe('invalid experiments and train jobs are errors with paths, before anything is built', () => {
  test('an objective nobody reports, min above max, an undeclared parameter and an unknown runtime, all at once', () => {
    const problems = problemsOf(
      withTeamA({
        experiments: [
          {
            ...EXPERIMENT,
            objective: { type: 'maximize', metric: 'f1' },
            parameters: [{ name: 'lr', type: 'double', min: 0.5, max: 0.1 }],
            trial: {
              ...JOB_TRIAL,
              args: ['--lr=${trialParameters.lr}', '--m=${trialParameters.momentum}'],
            },
          },
        ],
        trainJobs: [{ name: 'big', runtime: 'torch-distributd' }],
      }),
    );
    const at = (path: string) => problems.filter((p) => p.path.startsWith(path));
    expect(at('tenants[0].experiments[0].objective').map((p) => p.rule)).toContain(
      'KATIB-EXPERIMENT',
    );
    expect(at('tenants[0].experiments[0].objective')[0].message).toMatch(/f1/);
    expect(at('tenants[0].experiments[0].parameters[0]')[0].message).toMatch(/min|max/);
    expect(
      at('tenants[0].experiments[0].trial')
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/momentum/);
    const runtime = at('tenants[0].trainJobs[0].runtime');
    expect(runtime).toHaveLength(1);
    expect(runtime[0]).toMatchObject({ rule: 'TRAINING-JOB' });
    expect(runtime[0].message).toMatch(/torch-distributed/);
  });

  test('a runtime the platform does not install (training.runtimes) is refused', () => {
    const problems = problemsOf(
      withTeamA(
        { trainJobs: [{ name: 'tune', runtime: 'jax-distributed' }] },
        { kubeflow: { training: { runtimes: ['torch-distributed'] } } },
      ),
    );
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ['tenants[0].trainJobs[0].runtime', 'TRAINING-JOB'],
    ]);
  });

  test('two experiments of one name and an unknown algorithm', () => {
    const problems = problemsOf(
      withTeamA({
        experiments: [EXPERIMENT, { ...EXPERIMENT, algorithm: { name: 'gradient-magic' } }],
      }),
    );
    expect(problems.map((p) => [p.path, p.rule])).toEqual(
      expect.arrayContaining([
        ['tenants[0].experiments[1].name', 'KATIB-EXPERIMENT-NAMES'],
        ['tenants[0].experiments[1].algorithm.name', 'KATIB-EXPERIMENT'],
      ]),
    );
  });

  test("an external Katib database that requires TLS is refused: Katib's DB manager cannot use it", () => {
    const problems = problemsOf({
      ...FIXTURE,
      kubeflow: {
        katib: {
          database: {
            type: 'external',
            host: 'katib-db.example.com',
            credentials: { secretName: 'katib-db' },
          },
        },
      },
    });
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ['kubeflow.katib.database.tls.required', 'KATIB-DATABASE-TLS'],
    ]);
  });

  test('Katib on the platform database needs Pipelines (which runs it), or a database of its own', () => {
    const problems = problemsOf({ ...FIXTURE, pipelines: { enabled: false } });
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ['pipelines.enabled', 'COMPONENT-TOGGLES'],
    ]);
    const own = renderEnv({
      ...FIXTURE,
      pipelines: { enabled: false },
      kubeflow: {
        katib: {
          database: {
            type: 'external',
            host: 'katib-db.example.com',
            tls: { required: false },
            credentials: { secretName: 'katib-db' },
          },
        },
      },
    } as EnvironmentConfig);
    const dbManager = findObject(allObjects(own), 'Deployment', 'kubeflow', 'katib-db-manager');
    const env = dbManager.spec.template.spec.containers[0].env as Obj[];
    expect(env.find((e) => e.name === 'KATIB_MYSQL_DB_HOST')?.value).toBe('katib-db.example.com');
    expect(own.requiredSecrets.map((s) => `${s.namespace}/${s.name}`)).toContain(
      'kubeflow/katib-db',
    );
  });
});

describe('switching training and AutoML off', () => {
  test('training off: no Trainer, JobSet or runtime object; Katib stops watching TrainJobs and refuses TrainJob trials', () => {
    const env = { ...FIXTURE, kubeflow: { training: { enabled: false } } } as EnvironmentConfig;
    const problems = problemsOf(env);
    // the tenant still declares train jobs: they need training
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ['tenants[0].trainJobs', 'TRAINING-OFF'],
    ]);
    // an experiment whose trials are TrainJobs is refused as Katib is built, with its path
    expect(() =>
      renderEnv({
        ...env,
        tenants: [
          {
            name: 'team-a',
            owner: 'ana@example.com',
            experiments: FIXTURE.tenants?.[0]?.experiments,
          },
        ],
      } as EnvironmentConfig),
    ).toThrow(
      /Experiment team-a\/bert-tune: `trial.kind` is not among the installed Katib.s trialResources \(Job.v1.batch\) \(got "TrainJob"\)/,
    );
    const noTraining = {
      ...env,
      tenants: [{ name: 'team-a', owner: 'ana@example.com', experiments: [EXPERIMENT] }],
    } as EnvironmentConfig;
    const objects = allObjects(renderEnv(noTraining));
    expect(
      objects.filter(
        (o) =>
          o.metadata.namespace === 'kubeflow-system' ||
          ['ClusterTrainingRuntime', 'TrainJob'].includes(o.kind) ||
          (o.kind === 'CustomResourceDefinition' &&
            /trainer|jobset/.test(o.metadata.name as string)),
      ),
    ).toEqual([]);
    const config = findObject(objects, 'ConfigMap', 'kubeflow', 'katib-config').data[
      'katib-config.yaml'
    ] as string;
    expect(config).not.toContain('TrainJob');
  });

  test('AutoML off: no Katib object', () => {
    const objects = allObjects(
      renderEnv({
        ...FIXTURE,
        kubeflow: { katib: { enabled: false } },
        tenants: [{ name: 'team-a', owner: 'ana@example.com' }],
      } as EnvironmentConfig),
    );
    expect(
      objects
        .filter((o) => /katib|experiments\.kubeflow|suggestions|trials\.kubeflow/.test(key(o)))
        .map(key),
    ).toEqual([]);
    expect(
      problemsOf({ ...FIXTURE, kubeflow: { katib: { enabled: false } } }).map((p) => [
        p.path,
        p.rule,
      ]),
    ).toEqual([['tenants[0].experiments', 'KATIB-OFF']]);
  });
});
