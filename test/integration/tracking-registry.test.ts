import { installScript } from '../../apps/cdk8s/install-script';
import { ConfigError } from '../../constructs/core/config/problems';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { validateEnvironment } from '../../stacks/config/validate';
import { accessReport } from '../../stacks/access';
import { Obj, allObjects, findObject, objectsOfKind, readEnvironment, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';

const FIXTURE = readEnvironment('test/fixtures/config/valid/tracking-registry.yaml');
const GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway';

function problemsOf(env: unknown): { path: string; rule?: string; message: string }[] {
  try {
    validateEnvironment(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

const env = (patch: Record<string, unknown>) => ({ ...FIXTURE, ...patch }) as EnvironmentConfig;
const containerOf = (d: Obj) => d.spec.template.spec.containers[0] as Obj;
const envOf = (c: Obj) =>
  new Map(((c.env ?? []) as Obj[]).map((e) => [e.name as string, e.value as string | undefined]));

describe('MLflow tracking (test/fixtures/config/valid/tracking-registry.yaml)', () => {
  const rendered = renderEnv(FIXTURE);
  const objects = allObjects(rendered);
  const layerOf = (o: Obj) =>
    rendered.layers.find((l) => l.objects.includes(o as never))?.info.id ?? '';

  test('passes the integrity checks (references, selectors, ports)', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });

  test('two servers on one database: the gateway one trusts the user header, the workloads one tokens', () => {
    const people = findObject(objects, 'Deployment', 'kubeflow', 'mlflow');
    const workloads = findObject(objects, 'Deployment', 'kubeflow', 'mlflow-workloads');
    expect(envOf(containerOf(people)).get('MLFLOW_K8S_AUTH_AUTHORIZATION_MODE')).toBe(
      'subject_access_review',
    );
    expect(envOf(containerOf(people)).get('MLFLOW_K8S_AUTH_REMOTE_USER_HEADER')).toBe(
      'kubeflow-userid',
    );
    expect(envOf(containerOf(workloads)).get('MLFLOW_K8S_AUTH_AUTHORIZATION_MODE')).toBe(
      'self_subject_access_review',
    );
    expect(envOf(containerOf(workloads)).has('MLFLOW_K8S_AUTH_REMOTE_USER_HEADER')).toBe(false);
    for (const d of [people, workloads]) {
      const c = containerOf(d);
      expect(c.image).toBe('ghcr.io/kubeflow/mlflow-integration:v1.6.0');
      expect(c.args).toEqual(
        expect.arrayContaining([
          '--enable-workspaces',
          '--workspace-store-uri=kubernetes://',
          '--app-name=kubernetes-auth',
          '--static-prefix=/mlflow',
          '--serve-artifacts',
          '--artifacts-destination=s3://mlpipeline/mlflow',
        ]),
      );
      expect(envOf(c).get('MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR')).toBe(
        'app.kubernetes.io/part-of=kubeflow-profile',
      );
      expect(envOf(c).get('DB_HOST')).toBe('mysql.kubeflow.svc.cluster.local');
      expect(envOf(c).get('DB_NAME')).toBe('mlflow');
      // the servers start after the migration Job, which the install waits for a layer before
      expect(layerOf(d)).toBe('07-platform-resources');
    }
    const job = findObject(objects, 'Job', 'kubeflow', 'mlflow-db-upgrade-3-15-2');
    expect(layerOf(job)).toBe('06-platform-controllers');
  });

  test('the two servers share no pod: no Service, policy or allow selects both', () => {
    const podsOf = (name: string) =>
      findObject(objects, 'Deployment', 'kubeflow', name).spec.template.metadata.labels as Record<
        string,
        string
      >;
    const people = podsOf('mlflow');
    const workloads = podsOf('mlflow-workloads');
    const selects = (sel: Record<string, string> | undefined, labels: Record<string, string>) =>
      sel !== undefined &&
      Object.keys(sel).length > 0 &&
      Object.entries(sel).every(([k, v]) => labels[k] === v);
    const selectors = objects
      .filter((o) => o.metadata.namespace === 'kubeflow')
      .map((o) =>
        o.kind === 'Service'
          ? (o.spec.selector as Record<string, string>)
          : o.kind === 'NetworkPolicy'
            ? (o.spec.podSelector?.matchLabels as Record<string, string>)
            : ['AuthorizationPolicy', 'PeerAuthentication'].includes(o.kind)
              ? (o.spec.selector?.matchLabels as Record<string, string>)
              : undefined,
      );
    expect(selectors.filter((s) => selects(s, people) && selects(s, workloads))).toEqual([]);
    // the header-trusting server is selected by its gateway-only policies
    expect(
      selects(
        findObject(objects, 'AuthorizationPolicy', 'kubeflow', 'mlflow-require-user').spec.selector
          .matchLabels,
        people,
      ),
    ).toBe(true);
  });

  test('only the gateway reaches the people server, and only with a user', () => {
    const allow = findObject(objects, 'AuthorizationPolicy', 'kubeflow', 'mlflow');
    expect((allow.spec.rules as Obj[]).map((r) => r.from as unknown)).toEqual([
      [{ source: { principals: [GATEWAY] } }],
    ]);
    const deny = findObject(objects, 'AuthorizationPolicy', 'kubeflow', 'mlflow-require-user');
    expect(deny.spec.action).toBe('DENY');
    expect(deny.spec.rules[0].when).toEqual([
      { key: 'request.headers[kubeflow-userid]', notValues: ['*'] },
    ]);
    const route = objectsOfKind(objects, 'VirtualService').find(
      (v) => v.metadata.name === 'mlflow',
    ) as Obj;
    expect(route.spec.http[0].match).toEqual([{ uri: { prefix: '/mlflow/' } }]);
    expect(route.spec.http[0].route[0].destination).toEqual({
      host: 'mlflow.kubeflow.svc.cluster.local',
      port: { number: 5000 },
    });
  });

  test('the workloads server admits profile namespaces, with or without a sidecar, on 5000 only', () => {
    const np = findObject(
      objects,
      'NetworkPolicy',
      'kubeflow',
      'allow-mlflow-workloads-from-profiles',
    );
    expect(np.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' } },
          },
        ],
        ports: [{ port: 5000, protocol: 'TCP' }],
      },
    ]);
    const pa = findObject(
      objects,
      'PeerAuthentication',
      'kubeflow',
      'mlflow-workloads-clients-without-mesh',
    );
    expect(pa.spec.portLevelMtls).toEqual({ '5000': { mode: 'PERMISSIVE' } });
    expect(pa.metadata.annotations?.['mlops-blueprint.dev/reason']).toMatch(
      /SelfSubjectAccessReview/,
    );
  });

  test('every tenant gets the access-mlflow PodDefault pointing at the workloads server', () => {
    for (const tenant of ['team-a', 'team-b']) {
      const pd = findObject(objects, 'PodDefault', tenant, 'access-mlflow');
      expect(pd.spec.selector).toEqual({ matchLabels: { 'access-mlflow': 'true' } });
      expect(pd.spec.env).toEqual([
        {
          name: 'MLFLOW_TRACKING_URI',
          value: 'http://mlflow-workloads.kubeflow.svc.cluster.local:5000/mlflow',
        },
        { name: 'MLFLOW_TRACKING_AUTH', value: 'kubernetes' },
        { name: 'MLFLOW_WORKSPACE', value: tenant },
      ]);
    }
  });

  test("the servers' object-store keys reach the MLflow prefix only", () => {
    const mlflowDeployment = findObject(objects, 'Deployment', 'kubeflow', 'mlflow');
    const keyRef = (
      (containerOf(mlflowDeployment).env as Obj[]).find(
        (e) => e.name === 'AWS_ACCESS_KEY_ID',
      ) as Obj
    ).valueFrom.secretKeyRef;
    expect(keyRef.name).toBe('mlflow-artifact-store');
    const text = JSON.stringify(
      objects.filter((o) => JSON.stringify(o).includes('mlflow-artifact-store')),
    );
    expect(text).toContain('mlpipeline/mlflow/');
    expect(text).not.toContain('private-artifacts');
  });

  test('an upgrade stops both servers before the migration, as the upgrade step records', () => {
    const script = installScript(rendered);
    const stop = script.indexOf('kc -n kubeflow delete deployment mlflow --ignore-not-found');
    expect(stop).toBeGreaterThan(0);
    expect(script).toContain(
      'kc -n kubeflow delete deployment mlflow-workloads --ignore-not-found',
    );
    expect(script.indexOf('if older_than "$(installed mlflow)" 3.15.2; then')).toBeLessThan(stop);
    expect(stop).toBeLessThan(script.indexOf('-f 01-crds.k8s.yaml'));
    expect(script.indexOf('job/mlflow-db-upgrade-3-15-2')).toBeLessThan(
      script.indexOf('rollout status deployment/mlflow '),
    );
  });

  test("the access report lists each person's MLflow rights in their tenant's workspace", () => {
    const report = accessReport(rendered);
    const teamA = report.tenants.find((t) => t.tenant === 'team-a');
    const mlflow = teamA?.services.filter((s) => s.service === 'MLflow workspace team-a') ?? [];
    expect(mlflow.map((s) => `${s.who}: ${s.access.split(':')[0]}`).sort()).toEqual([
      'User ana@example.com: read and write',
      'User bo@example.com: read',
    ]);
    // team-b's people have nothing in team-a's workspace
    expect(JSON.stringify(teamA)).not.toContain('cy@example.com');
  });
});

describe('Kubeflow Hub, a registry per tenant', () => {
  const rendered = renderEnv(FIXTURE);
  const objects = allObjects(rendered);

  test('each tenant has its own registry and database, in its namespace', () => {
    for (const tenant of ['team-a', 'team-b']) {
      const d = findObject(objects, 'Deployment', tenant, 'model-registry-deployment');
      expect(containerOf(d).image).toBe('ghcr.io/kubeflow/hub/server:v0.3.9');
      expect(findObject(objects, 'StatefulSet', tenant, 'model-registry-db').kind).toBe(
        'StatefulSet',
      );
      expect(
        findObject(objects, 'Service', tenant, 'model-registry-service').metadata.labels,
      ).toEqual(expect.objectContaining({ component: 'model-registry' }));
    }
  });

  test("a tenant's registry admits its own pods and the UI's backend, nobody else", () => {
    const policy = findObject(objects, 'AuthorizationPolicy', 'team-a', 'model-registry-service');
    expect(policy.spec.selector).toEqual({ matchLabels: { component: 'model-registry-server' } });
    expect((policy.spec.rules as Obj[]).map((r) => r.from as unknown)).toEqual([
      [{ source: { principals: ['cluster.local/ns/kubeflow/sa/model-registry-ui'] } }],
      [{ source: { namespaces: ['team-a'] } }],
    ]);
    const db = findObject(objects, 'AuthorizationPolicy', 'team-a', 'model-registry-db');
    expect((db.spec.rules as Obj[]).map((r) => r.from as unknown)).toEqual([
      [{ source: { principals: ['cluster.local/ns/team-a/sa/model-registry-server'] } }],
    ]);
    const np = findObject(objects, 'NetworkPolicy', 'team-b', 'allow-model-registry-from-ui');
    expect(np.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test('the UI is at /model-registry/ for signed-in users only, on the dashboard menu', () => {
    const route = objectsOfKind(objects, 'VirtualService').find(
      (v) => v.metadata.name === 'model-registry-ui',
    ) as Obj;
    expect(route.spec.http[0].match).toEqual([{ uri: { prefix: '/model-registry/' } }]);
    expect(route.spec.http[0].rewrite).toEqual({ uri: '/' });
    const deny = findObject(
      objects,
      'AuthorizationPolicy',
      'kubeflow',
      'model-registry-ui-require-user',
    );
    expect(deny.spec.action).toBe('DENY');
    const menu = findObject(objects, 'ConfigMap', 'kubeflow', 'dashboard-config');
    expect(JSON.stringify(menu.data)).toContain('/model-registry/');
  });

  test('a registered version is served by reference through the registry storage initializer', () => {
    const isvc = findObject(objects, 'InferenceService', 'team-a', 'iris');
    expect(isvc.spec.predictor.model.storageUri).toBe('model-registry://iris/3?namespace=team-a');
    const csc = findObject(
      objects,
      'ClusterStorageContainer',
      undefined,
      'model-registry-storage-initializer',
    );
    expect(csc.spec.supportedUriFormats).toEqual([{ prefix: 'model-registry://' }]);
    expect(csc.spec.container.image).toBe('ghcr.io/kubeflow/hub/storage-initializer:v0.3.9');
  });

  test('the access report names who reaches each tenant registry', () => {
    const teamB = accessReport(rendered).tenants.find((t) => t.tenant === 'team-b');
    expect(
      teamB?.services.filter((s) => s.service === 'Model registry of team-b').map((s) => s.who),
    ).toEqual([
      'users RBAC lets read Services in team-b, through the registry UI (kubeflow/model-registry-ui)',
      'pods of team-b',
    ]);
  });
});

describe('Kubeflow Hub, one shared registry', () => {
  const rendered = renderEnv(env({ registry: { hub: { mode: 'shared' } } }));
  const objects = allObjects(rendered);

  test('one registry in kubeflow on the platform database, none in the tenants', () => {
    const d = findObject(objects, 'Deployment', 'kubeflow', 'model-registry-deployment');
    expect(JSON.stringify(containerOf(d))).toContain('mysql.kubeflow.svc.cluster.local');
    expect(
      objects.filter(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'model-registry-deployment',
      ),
    ).toHaveLength(1);
    const policy = findObject(objects, 'AuthorizationPolicy', 'kubeflow', 'model-registry-service');
    expect((policy.spec.rules as Obj[]).map((r) => r.from as unknown)).toEqual([
      [{ source: { principals: ['cluster.local/ns/kubeflow/sa/model-registry-ui'] } }],
      [{ source: { namespaces: ['team-a', 'team-b'] } }],
    ]);
    // the UI shows it to each tenant's people: they may read Services in kubeflow
    const binding = findObject(objects, 'RoleBinding', 'kubeflow', 'model-registry-user-team-a');
    expect(binding.subjects.map((s: Obj) => s.name)).toEqual(['ana@example.com', 'bo@example.com']);
    expect(
      findObject(objects, 'InferenceService', 'team-a', 'iris').spec.predictor.model.storageUri,
    ).toBe('model-registry://iris/3');
  });
});

describe('tracking and registry settings that cannot work are errors with paths', () => {
  test('a registry setting of the other mode', () => {
    expect(
      problemsOf(env({ registry: { hub: { mode: 'perTenant', database: { type: 'platform' } } } })),
    ).toEqual([
      expect.objectContaining({ path: 'registry.hub.database', rule: 'HUB-MODE-SETTINGS' }),
    ]);
    expect(
      problemsOf(env({ registry: { hub: { mode: 'shared', tenantDatabase: { storageGiB: 5 } } } })),
    ).toEqual([
      expect.objectContaining({ path: 'registry.hub.tenantDatabase', rule: 'HUB-MODE-SETTINGS' }),
    ]);
  });

  test('a model with both a storageUri and a registered version, or neither', () => {
    const model = (m: Record<string, unknown>) =>
      env({
        tenants: [
          {
            name: 'team-a',
            owner: 'ana@example.com',
            models: [{ name: 'iris', format: { name: 'sklearn' }, ...m }],
          },
        ],
      });
    expect(
      problemsOf(
        model({
          storageUri: 's3://mlpipeline/private/team-a/iris/',
          registeredModel: { name: 'iris', version: '1' },
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'tenants[0].models[0].registeredModel',
        rule: 'SERVING-MODEL-SOURCE',
      }),
    ]);
    expect(problemsOf(model({}))).toEqual([
      expect.objectContaining({
        path: 'tenants[0].models[0].storageUri',
        rule: 'SERVING-MODEL-SOURCE',
      }),
    ]);
  });

  test('a registered version while the registry is off is refused with the switch to turn', () => {
    expect(() => renderEnv(env({ registry: { hub: { enabled: false } } }))).toThrow(
      /model "team-a\/iris" is served by reference to the model registry, which is not installed\. Turn it on \(registry\.hub\.enabled: true\)/,
    );
  });

  test('an artifact bucket the object store does not have', () => {
    expect(() =>
      renderEnv(
        env({ tracking: { mlflow: { enabled: true, artifacts: { bucket: 'nope-bucket' } } } }),
      ),
    ).toThrow(
      /tracking\.mlflow\.artifacts\.bucket "nope-bucket" is not a bucket of the object store/,
    );
  });

  test('tracking is off by default, the registry on, per tenant', () => {
    const dev = validateEnvironment({ name: 'dev', preset: 'dev' });
    expect(dev.tracking.mlflow.enabled).toBe(false);
    expect(dev.registry.hub).toMatchObject({ enabled: true, mode: 'perTenant' });
  });
});
