import Ajv from 'ajv';
import { ConfigError } from '../../constructs/core/config/problems';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { validateEnvironment } from '../../stacks/config/validate';
import { Obj, allObjects, findObject, readEnvironment, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';

const FIXTURE = readEnvironment('test/fixtures/config/valid/serving-models.yaml');
const GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway';
const LOCAL_GATEWAY = 'cluster.local/ns/knative-serving/sa/knative-local-gateway';

type Serving = Record<string, unknown>;
const withServing = (serving: Serving, env: EnvironmentConfig = FIXTURE): EnvironmentConfig =>
  ({ ...env, serving: { ...(env.serving ?? {}), ...serving } }) as EnvironmentConfig;

const key = (o: Obj) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const inferenceConfig = (objects: Obj[]): Record<string, Obj> =>
  Object.fromEntries(
    Object.entries(
      findObject(objects, 'ConfigMap', 'kubeflow', 'inferenceservice-config').data as Record<
        string,
        string
      >,
    ).map(([k, v]) => [k, JSON.parse(v) as Obj]),
  );

function problemsOf(env: unknown): { path: string; rule?: string; message: string }[] {
  try {
    validateEnvironment(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

/** A fixture tenant with one model changed. */
const withModel = (model: Record<string, unknown>, serving: Serving = {}): EnvironmentConfig =>
  withServing(serving, {
    ...FIXTURE,
    tenants: [
      {
        name: 'team-a',
        owner: 'ana@example.com',
        models: [
          {
            name: 'iris',
            format: { name: 'sklearn' },
            storageUri: 's3://mlpipeline/private/team-a/iris/',
            ...model,
          },
        ],
      },
    ],
  } as EnvironmentConfig);

describe('Serverless (the default): KServe on Knative with the cluster-local gateway', () => {
  const rendered = renderEnv(FIXTURE);
  const objects = allObjects(rendered);

  test('the platform holds together', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });

  test("KServe's config points at the platform gateway, the local gateway and the tenants' keys", () => {
    const config = inferenceConfig(objects);
    expect(config.deploy.defaultDeploymentMode).toBe('Knative');
    expect(config.ingress).toMatchObject({
      ingressGateway: 'istio-system/platform-gateway',
      ingressDomain: 'kubeflow.localhost',
      localGateway: 'knative-serving/knative-local-gateway',
      localGatewayService: 'knative-local-gateway.knative-serving.svc.cluster.local',
      knativeLocalGatewayService: 'knative-local-gateway.knative-serving.svc.cluster.local',
      pathTemplate: '/serving/{{ .Namespace }}/{{ .Name }}',
      urlScheme: 'https',
      disableIngressCreation: false,
    });
    // the storage initializer reads the tenant's scoped Secret (keys accesskey/secretkey)
    expect(config.credentials.s3).toMatchObject({
      s3AccessKeyIDName: 'accesskey',
      s3SecretAccessKeyName: 'secretkey',
      s3Endpoint: 'minio.minio.svc.cluster.local:9000',
      s3UseHttps: '0',
    });
    // the local gateway Service exists where KServe sends requests
    findObject(objects, 'Service', 'knative-serving', 'knative-local-gateway');
    findObject(objects, 'Deployment', 'knative-serving', 'activator');
    findObject(objects, 'Deployment', 'knative-serving', 'net-istio-controller');
  });

  test("each declared model is an InferenceService read with the tenant's own keys", () => {
    const iris = findObject(objects, 'InferenceService', 'team-a', 'iris');
    expect(iris.metadata.annotations?.['serving.kserve.io/deploymentMode']).toBe('Knative');
    const predictor = iris.spec.predictor;
    expect(predictor).toMatchObject({
      serviceAccountName: 'kserve-models',
      minReplicas: 1,
      maxReplicas: 4,
      scaleMetric: 'concurrency',
      scaleTarget: 20,
      logger: { mode: 'all', url: 'http://drift-sink.monitoring.svc.cluster.local/events' },
      model: {
        modelFormat: { name: 'sklearn', version: '1' },
        storageUri: 's3://mlpipeline/private/team-a/models/iris/2/',
        resources: {
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '2Gi' },
        },
      },
    });
    const sa = findObject(objects, 'ServiceAccount', 'team-a', 'kserve-models');
    expect(sa.secrets).toEqual([{ name: 'mlpipeline-minio-artifact' }]);
    // that Secret holds a MinIO identity limited to team-a's prefixes, never the root keys
    const job = findObject(objects, 'Job', 'minio', 'tenant-access-team-a');
    const env = new Map<string, string>(
      [...(job.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers]
        .flatMap((c) => (c.env ?? []) as Obj[])
        .map((e) => [e.name as string, (e.value ?? '') as string]),
    );
    expect(env.get('TENANT_NAMESPACE')).toBe('team-a');
    expect(JSON.stringify(objects.filter((o) => o.metadata.namespace === 'team-a'))).not.toContain(
      'minio-root-credentials',
    );
    const churn = findObject(objects, 'InferenceService', 'team-a', 'churn');
    expect(churn.spec.transformer.containers[0]).toMatchObject({
      image: 'ghcr.io/example/churn-features:1.4.0',
      args: ['--feature-store', 'http://feast.team-a.svc.cluster.local'],
      securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
    });
    expect(rendered.images).toContain('ghcr.io/example/churn-features:1.4.0');
  });

  test('models validate against the InferenceService CRD the platform installs', () => {
    const crd = findObject(
      objects,
      'CustomResourceDefinition',
      undefined,
      'inferenceservices.serving.kserve.io',
    );
    const v1beta1 = (crd.spec.versions as Obj[]).find((v) => v.name === 'v1beta1');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(
      v1beta1?.schema.openAPIV3Schema as object,
    );
    for (const isvc of objects.filter((o) => o.kind === 'InferenceService')) {
      expect([key(isvc), validate(isvc), validate.errors ?? []]).toEqual([key(isvc), true, []]);
    }
  });

  test("the local gateway admits a tenant's users and machines, and the tenant itself, to the tenant's hosts only", () => {
    const policy = findObject(objects, 'AuthorizationPolicy', 'knative-serving', 'models-team-a');
    expect(policy.spec.selector.matchLabels).toEqual({
      app: 'knative-local-gateway',
      istio: 'knative-local-gateway',
    });
    const [users, own] = policy.spec.rules as Obj[];
    expect(users.from).toEqual([{ source: { principals: [GATEWAY] } }]);
    expect(users.when).toEqual([
      {
        key: 'request.headers[kubeflow-userid]',
        values: ['ana@example.com', 'ben@example.com', 'system:serviceaccount:team-a:*'],
      },
    ]);
    expect(own.from).toEqual([{ source: { namespaces: ['team-a'] } }]);
    for (const rule of [users, own]) {
      const hosts = rule.to[0].operation.hosts as string[];
      expect(hosts.every((h) => /\.team-a(\.svc(\.cluster\.local)?)?(:\*)?$/.test(h))).toBe(true);
    }
    // team-b's policy names only team-b; the model that allows team-b names only its own hosts
    const b = findObject(objects, 'AuthorizationPolicy', 'knative-serving', 'models-team-b');
    expect(JSON.stringify(b.spec)).not.toContain('team-a');
    const allow = findObject(
      objects,
      'AuthorizationPolicy',
      'knative-serving',
      'models-team-a-iris',
    );
    expect(allow.spec.rules).toEqual([
      {
        from: [{ source: { namespaces: ['team-b'] } }],
        to: [
          {
            operation: {
              hosts: expect.arrayContaining([
                'iris.team-a.svc.cluster.local',
                'iris-predictor.team-a.svc.cluster.local',
              ]),
            },
          },
        ],
      },
    ]);
    expect(
      (allow.spec.rules[0].to[0].operation.hosts as string[]).some((h) => h.includes('*.')),
    ).toBe(false);
  });

  test('no serving policy admits every caller', () => {
    const serving = objects.filter(
      (o) =>
        o.kind === 'AuthorizationPolicy' &&
        o.metadata.labels?.['app.kubernetes.io/name'] === 'model-serving',
    );
    expect(serving.length).toBeGreaterThan(3);
    for (const p of serving) {
      for (const rule of (p.spec.rules ?? []) as Obj[]) {
        // every rule names its sources, none of them `*`
        expect([key(p), rule.from]).toEqual([key(p), expect.any(Array)]);
        expect(JSON.stringify(rule.from)).not.toMatch(/"\*"/);
      }
    }
  });

  test("model pods admit the local gateway, Knative and the tenant on queue-proxy's ports; the scraper on metrics only", () => {
    const policy = findObject(objects, 'AuthorizationPolicy', 'team-a', 'model-serving');
    const rules = (policy.spec.rules as Obj[]).map((r) => [
      r.from[0].source,
      r.to[0].operation.ports,
    ]);
    expect(rules).toEqual([
      [
        { principals: [LOCAL_GATEWAY, 'cluster.local/ns/knative-serving/sa/activator'] },
        ['8012', '8013'],
      ],
      [{ principals: ['cluster.local/ns/knative-serving/sa/controller'] }, ['9090']],
      [{ namespaces: ['team-a'] }, ['8012', '8013']],
      [{ namespaces: ['monitoring'] }, ['9091', '9088']],
    ]);
    const allow = findObject(
      objects,
      'NetworkPolicy',
      'team-a',
      'allow-models-from-metrics-scraper',
    );
    expect(allow.spec.ingress[0].ports.map((p: Obj) => p.port)).toEqual([15020, 9091, 9088]);
    expect(
      findObject(
        objects,
        'NetworkPolicy',
        'team-a',
        'allow-knative-revisions',
      ).spec.ingress[0].ports.map((p: Obj) => p.port),
    ).toEqual([8012, 8013, 9090]);
  });

  test('the models web app is on the menu and the rename of 26.03.1 is an upgrade step', () => {
    findObject(objects, 'Deployment', 'kubeflow', 'kserve-models-web-application');
    const menu = JSON.parse(
      (findObject(objects, 'ConfigMap', 'kubeflow', 'dashboard-config').data as Obj)
        .links as string,
    ) as { menuLinks: Obj[] };
    expect(menu.menuLinks.map((l) => l.link)).toContain('/kserve-endpoints/');
    const serving = rendered.upgrades.find((u) => u.component === 'serving');
    expect(serving?.steps.map((s) => s.version)).toEqual(['0.18.0']);
    expect(
      (serving?.steps ?? [])
        .flatMap((u) => u.pruneAfterApply ?? [])
        .map((r) => `${r.resource} ${r.namespace ?? ''}/${r.name}`),
    ).toEqual(
      expect.arrayContaining([
        'deployment kubeflow/kserve-models-web-app',
        'virtualservice.networking.istio.io kubeflow/kserve-models-web-app',
      ]),
    );
  });
});

describe('Standard mode: no Knative at all', () => {
  const serverless = allObjects(renderEnv(FIXTURE));
  // the same models, scaled by the HPA on CPU instead of Knative on concurrency
  const standard = withServing({ deploymentMode: 'Standard' }, {
    ...FIXTURE,
    tenants: (FIXTURE.tenants ?? []).map((t) => ({
      ...t,
      models: ((t as { models?: Obj[] }).models ?? []).map((m) =>
        m.scaleMetric ? { ...m, scaleMetric: 'cpu', scaleTarget: 70 } : m,
      ),
    })),
  } as EnvironmentConfig);
  const rendered = renderEnv(standard);
  const objects = allObjects(rendered);
  const knative = (objs: Obj[]) =>
    objs.filter(
      (o) =>
        o.metadata.namespace === 'knative-serving' ||
        (o.kind === 'Namespace' && o.metadata.name === 'knative-serving') ||
        /knative\.dev/.test(o.apiVersion) ||
        /knative/.test(o.metadata.name as string),
    );

  test('holds together and leaves nothing of Knative behind', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
    expect(knative(objects).map(key)).toEqual([]);
    expect(knative(serverless).length).toBeGreaterThan(20);
    // and the other way round: what Standard adds is only the routes of its models
    const serverlessKeys = new Set(serverless.map(key));
    expect(
      objects
        .map(key)
        .filter((k) => !serverlessKeys.has(k))
        .sort(),
    ).toEqual(
      [
        'NetworkPolicy team-a/allow-model-iris',
        'NetworkPolicy team-a/allow-models-from-gateway',
        'NetworkPolicy team-b/allow-models-from-gateway',
        'VirtualService team-a/model-team-a-churn',
        'VirtualService team-a/model-team-a-iris',
        'AuthorizationPolicy team-a/model-iris',
      ].sort(),
    );
  });

  test('KServe deploys Standard, makes no ingress; the gateway routes to the model Service', () => {
    const config = inferenceConfig(objects);
    expect(config.deploy.defaultDeploymentMode).toBe('Standard');
    expect(config.ingress.disableIngressCreation).toBe(true);
    const iris = findObject(objects, 'InferenceService', 'team-a', 'iris');
    expect(iris.metadata.annotations).toMatchObject({
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': 'hpa',
    });
    const route = findObject(objects, 'VirtualService', 'team-a', 'model-team-a-iris');
    expect(route.spec.gateways).toEqual(['istio-system/platform-gateway']);
    expect(route.spec.http[0].match).toEqual([{ uri: { prefix: '/serving/team-a/iris/' } }]);
    expect(route.spec.http[0].rewrite).toEqual({ uri: '/' });
    expect(route.spec.http[0].route[0].destination).toEqual({
      host: 'iris-predictor.team-a.svc.cluster.local',
      port: { number: 80 },
    });
    // a model with a transformer is entered through it
    expect(
      findObject(objects, 'VirtualService', 'team-a', 'model-team-a-churn').spec.http[0].route[0]
        .destination.host,
    ).toBe('churn-transformer.team-a.svc.cluster.local');
  });

  test("model pods admit the gateway only with a tenant user's header, and the tenant itself", () => {
    const policy = findObject(objects, 'AuthorizationPolicy', 'team-a', 'model-serving');
    const [users, own] = policy.spec.rules as Obj[];
    expect(users).toEqual({
      from: [{ source: { principals: [GATEWAY] } }],
      to: [{ operation: { ports: ['8080', '9081'] } }],
      when: [
        {
          key: 'request.headers[kubeflow-userid]',
          values: ['ana@example.com', 'ben@example.com', 'system:serviceaccount:team-a:*'],
        },
      ],
    });
    expect(own.from).toEqual([{ source: { namespaces: ['team-a'] } }]);
    const allow = findObject(objects, 'AuthorizationPolicy', 'team-a', 'model-iris');
    expect(allow.spec.selector.matchLabels).toEqual({
      'serving.kserve.io/inferenceservice': 'iris',
    });
    expect(allow.spec.rules[0].from).toEqual([{ source: { namespaces: ['team-b'] } }]);
  });
});

describe("serving.namespace: kserve (upstream's next release)", () => {
  const rendered = renderEnv(withServing({ namespace: 'kserve' }));
  const objects = allObjects(rendered);

  test('KServe, its config and the models web app move; the platform holds together', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
    findObject(objects, 'Namespace', undefined, 'kserve');
    findObject(objects, 'Deployment', 'kserve', 'kserve-controller-manager');
    findObject(objects, 'ConfigMap', 'kserve', 'inferenceservice-config');
    findObject(objects, 'Deployment', 'kserve', 'kserve-models-web-application');
    expect(
      objects
        .filter((o) => o.metadata.namespace === 'kubeflow')
        .map(key)
        .filter((k) => /kserve/.test(k)),
    ).toEqual([]);
    // the webhooks call the controller where it now runs
    const hook = findObject(
      objects,
      'MutatingWebhookConfiguration',
      undefined,
      'inferenceservice.serving.kserve.io',
    );
    expect(hook.webhooks[0].clientConfig.service.namespace).toBe('kserve');
  });
});

describe('serving settings are checked with paths', () => {
  test.each([
    [
      'a runtime that does not serve the format',
      withModel({ runtime: 'kserve-xgbserver' }),
      'tenants[0].models[0].runtime',
      'SERVING-MODEL-RUNTIME',
    ],
    [
      'an unknown format',
      withModel({ format: { name: 'scikit' } }),
      'tenants[0].models[0].format.name',
      'SERVING-MODEL-RUNTIME',
    ],
    [
      'scale to zero in Standard mode',
      withModel({ replicas: { min: 0, max: 2 } }, { deploymentMode: 'Standard' }),
      'tenants[0].models[0].replicas.min',
      'SERVING-SCALING',
    ],
    [
      'scale to zero with scaleToZero off',
      withModel({ replicas: { min: 0, max: 2 } }, { autoscaling: { scaleToZero: false } }),
      'tenants[0].models[0].replicas.min',
      'SERVING-SCALING',
    ],
    [
      'an HPA metric on Knative',
      withModel({ scaleMetric: 'cpu' }),
      'tenants[0].models[0].scaleMetric',
      'SERVING-SCALING',
    ],
    [
      'a canary without a previous revision',
      withModel({
        canary: { storageUri: 's3://mlpipeline/private/team-a/iris/', trafficPercent: 10 },
      }),
      'tenants[0].models[0].canary.storageUri',
      'SERVING-CANARY',
    ],
    [
      'a canary in Standard mode',
      withModel(
        { canary: { storageUri: 's3://mlpipeline/private/team-a/iris-2/', trafficPercent: 10 } },
        { deploymentMode: 'Standard' },
      ),
      'tenants[0].models[0].canary',
      'SERVING-CANARY',
    ],
    [
      "a model outside the tenant's prefixes",
      withModel({ storageUri: 's3://mlpipeline/private/team-b/iris/' }),
      'tenants[0].models[0].storageUri',
      'SERVING-MODEL-STORAGE',
    ],
    [
      'payload logging without a sink',
      withModel({ logger: { mode: 'request' } }),
      'tenants[0].models[0].logger',
      'SERVING-PAYLOAD-LOGGING',
    ],
  ])('%s', (_name, env, path, rule) => {
    expect(problemsOf(env).map((p) => [p.path, p.rule])).toEqual([[path, rule]]);
  });

  test('a valid canary rolls out the new version and records the running one', () => {
    const objects = allObjects(
      renderEnv(
        withModel({
          canary: { storageUri: 's3://mlpipeline/private/team-a/iris-2/', trafficPercent: 10 },
        }),
      ),
    );
    const iris = findObject(objects, 'InferenceService', 'team-a', 'iris');
    expect(iris.spec.predictor.canaryTrafficPercent).toBe(10);
    expect(iris.spec.predictor.model.storageUri).toBe('s3://mlpipeline/private/team-a/iris-2/');
    expect(iris.metadata.annotations?.['mlops-blueprint.dev/stable-storage-uri']).toBe(
      's3://mlpipeline/private/team-a/iris/',
    );
  });

  test('serving.enabled: false builds no serving object', () => {
    const objects = allObjects(
      renderEnv({
        ...readEnvironment('stacks/dev.yaml'),
        serving: { enabled: false },
      } as EnvironmentConfig),
    );
    expect(
      objects
        .filter((o) => /kserve|knative|model-serving/.test(JSON.stringify(o.metadata.labels ?? {})))
        .map(key),
    ).toEqual([]);
  });
});

test('models declared while serving is off are an error at the tenant (SERVING-OFF)', () => {
  expect(problemsOf(withServing({ enabled: false })).map((p) => [p.path, p.rule])).toEqual([
    ['tenants[0].models', 'SERVING-OFF'],
  ]);
});
