import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { z } from 'zod';
import { run } from '../../apps/cdk8s/bin';
import { installScript } from '../../apps/cdk8s/install-script';
import { AnyComponent, defineComponent } from '../../constructs/core/component';
import { ConfigError } from '../../constructs/core/config/problems';
import { configGroup } from '../../constructs/core/config/rules';
import { DASHBOARD_2_UPGRADE } from '../../constructs/kubeflow-dashboard/component';
import { BUILT_IN_COMPONENTS } from '../../stacks/components';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { validateEnvironment } from '../../stacks/config/validate';
import { MlopsPlatform } from '../../stacks/platform';
import { Obj, allObjects, findObject, readEnvironment, renderEnv } from '../helpers';

const DEV = readEnvironment('stacks/dev.yaml');
const PROD = readEnvironment('stacks/prod.yaml');

type Kubeflow = Record<string, unknown>;
/**
 * `env` with these Kubeflow switches. Pipelines, serving, training, AutoML and the model registry
 * need the dashboard too (asserted on their own below), so they are switched off with the
 * dashboard here.
 */
const withKubeflow = (env: EnvironmentConfig, kubeflow: Kubeflow): EnvironmentConfig =>
  ({
    ...env,
    ...((kubeflow as { dashboard?: { enabled?: boolean } }).dashboard?.enabled === false
      ? {
          kubeflow: { ...kubeflow, katib: { enabled: false }, training: { enabled: false } },
          pipelines: { enabled: false },
          serving: { enabled: false },
          registry: { hub: { enabled: false } },
        }
      : { kubeflow }),
  }) as EnvironmentConfig;

/** The problems of the ConfigError that validating `kubeflow` in the dev environment throws. */
function problemsOf(
  kubeflow: Kubeflow,
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): { path: string; message: string; rule?: string }[] {
  try {
    validateEnvironment(withKubeflow(DEV, kubeflow), 'stacks/dev.yaml', components);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const key = (o: Obj) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const keysOf = (objects: readonly Obj[]) => objects.map(key);

function menuTexts(objects: readonly Obj[]): string[] {
  const config = findObject(objects, 'ConfigMap', 'kubeflow', 'dashboard-config');
  return (
    JSON.parse(config.data.links as string) as { menuLinks: { text: string }[] }
  ).menuLinks.map((m) => m.text);
}

/**
 * The NetworkPolicies in a tenant namespace that admit the gateway into profiles, with their
 * ports: `<name> <port>,<port>`.
 */
const tenantAllows = (objects: readonly Obj[], tenant: string) =>
  objects
    .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === tenant)
    .filter((o) => (o.metadata.name as string).endsWith('-from-gateway'))
    .map(
      (o) =>
        `${o.metadata.name as string} ${((o.spec.ingress as Obj[])[0].ports as Obj[]).map((p) => String(p.port)).join(',')}`,
    )
    .sort();

/**
 * Objects of Kubeflow: anything in `kubeflow`, the `kubeflow` namespace itself, kinds and CRDs
 * of `*.kubeflow.org`, Kubeflow's ClusterRoles and the bindings to them, Kubeflow's webhooks, and
 * namespaces labelled as profiles.
 */
function kubeflowObjects(objects: readonly Obj[]): string[] {
  return objects
    .filter((o) => {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      const labels = (o.metadata.labels ?? {}) as Record<string, string>;
      return (
        o.metadata.namespace === 'kubeflow' ||
        (o.kind === 'Namespace' && o.metadata.name === 'kubeflow') ||
        group.endsWith('kubeflow.org') ||
        (o.kind === 'CustomResourceDefinition' && /kubeflow\.org$/.test(o.metadata.name)) ||
        (o.kind === 'ClusterRole' && /^kubeflow-/.test(o.metadata.name)) ||
        (['RoleBinding', 'ClusterRoleBinding'].includes(o.kind) &&
          /^kubeflow-/.test((o as Obj).roleRef?.name as string)) ||
        /^(kubeflow-dashboard|kubeflow-notebooks|poddefaults-webhook)$/.test(
          labels['app.kubernetes.io/name'] ?? '',
        ) ||
        labels['app.kubernetes.io/part-of'] === 'kubeflow-profile'
      );
    })
    .map(key);
}

describe('switching parts of Kubeflow off (stacks/dev.yaml)', () => {
  const full = allObjects(renderEnv(DEV));
  const render = (kubeflow: Kubeflow) => allObjects(renderEnv(withKubeflow(DEV, kubeflow)));
  const diff = (objects: readonly Obj[]) => ({
    removed: keysOf(full).filter((k) => !keysOf(objects).includes(k)),
    added: keysOf(objects).filter((k) => !keysOf(full).includes(k)),
  });
  /** What each switch removes, by the upstream names of its objects. */
  const named = (pattern: RegExp) =>
    keysOf(full).filter((k) => pattern.test(k.slice(k.indexOf(' ') + 1)));

  test('the full environment has every part, with its menu entries and tenant allows', () => {
    expect(menuTexts(full)).toEqual([
      'Notebooks',
      'Volumes',
      'TensorBoards',
      'Pipelines',
      'Model Registry',
      'KServe Endpoints',
      'Katib Experiments',
    ]);
    // one allow for every web app's pods, by port: notebooks, PVC viewers, TensorBoards
    expect(tenantAllows(full, 'team-demo')).toEqual([
      'allow-notebooks-from-gateway 8888,8080,6006',
    ]);
    for (const crd of [
      'notebooks.kubeflow.org',
      'pvcviewers.kubeflow.org',
      'tensorboards.tensorboard.kubeflow.org',
      'poddefaults.kubeflow.org',
      'profiles.kubeflow.org',
    ]) {
      expect(keysOf(full)).toContain(`CustomResourceDefinition /${crd}`);
    }
  });

  test('notebooks.enabled: false removes every notebooks object, menu entry and tenant allow', () => {
    const objects = render({ notebooks: { enabled: false } });
    const { removed, added } = diff(objects);
    const notebooks = named(/notebook|jupyter|volume|pvc|tensorboard/);
    expect(notebooks).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition /notebooks.kubeflow.org',
        'CustomResourceDefinition /pvcviewers.kubeflow.org',
        'CustomResourceDefinition /tensorboards.tensorboard.kubeflow.org',
        'Deployment kubeflow/notebook-controller-deployment',
        'Deployment kubeflow/pvcviewer-controller-manager',
        'Deployment kubeflow/tensorboard-controller-deployment',
        'Deployment kubeflow/jupyter-web-app-deployment',
        'Deployment kubeflow/volumes-web-app-deployment',
        'Deployment kubeflow/tensorboards-web-app-deployment',
        'VirtualService kubeflow/jupyter-web-app',
        'VirtualService kubeflow/volumes-web-app',
        'VirtualService kubeflow/tensorboards-web-app',
        'MutatingWebhookConfiguration /pvcviewer-mutating-webhook-configuration',
        'ValidatingWebhookConfiguration /pvcviewer-validating-webhook-configuration',
        'Certificate kubeflow/pvcviewer-serving-cert',
      ]),
    );
    expect(removed).toEqual(notebooks);
    expect(added).toEqual([]);
    // nothing left of notebooks, by label either
    expect(
      objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'kubeflow-notebooks'),
    ).toEqual([]);
    expect(menuTexts(objects)).toEqual([
      'Pipelines',
      'Model Registry',
      'KServe Endpoints',
      'Katib Experiments',
    ]);
    expect(tenantAllows(objects, 'team-demo')).toEqual([]);
    // the dashboard, profiles and PodDefaults stay
    expect(keysOf(objects)).toEqual(
      expect.arrayContaining([
        'Deployment kubeflow/dashboard',
        'Profile /team-demo',
        'Deployment kubeflow/poddefaults-webhook-deployment',
      ]),
    );
  });

  test('notebooks.volumes.enabled: false removes just the volumes web app and the PVC viewer', () => {
    const objects = render({ notebooks: { volumes: { enabled: false } } });
    const volumes = named(/volume|pvc/);
    expect(volumes).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition /pvcviewers.kubeflow.org',
        'Deployment kubeflow/volumes-web-app-deployment',
        'Deployment kubeflow/pvcviewer-controller-manager',
        'VirtualService kubeflow/volumes-web-app',
      ]),
    );
    expect(diff(objects)).toEqual({ removed: volumes, added: [] });
    expect(menuTexts(objects)).toEqual([
      'Notebooks',
      'TensorBoards',
      'Pipelines',
      'Model Registry',
      'KServe Endpoints',
      'Katib Experiments',
    ]);
    expect(tenantAllows(objects, 'team-demo')).toEqual(['allow-notebooks-from-gateway 8888,6006']);
  });

  test('notebooks.tensorboards.enabled: false removes just the tensorboards web app and controller', () => {
    const objects = render({ notebooks: { tensorboards: { enabled: false } } });
    const tensorboards = named(/tensorboard/);
    expect(tensorboards).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition /tensorboards.tensorboard.kubeflow.org',
        'Deployment kubeflow/tensorboards-web-app-deployment',
        'Deployment kubeflow/tensorboard-controller-deployment',
        'VirtualService kubeflow/tensorboards-web-app',
      ]),
    );
    expect(diff(objects)).toEqual({ removed: tensorboards, added: [] });
    expect(menuTexts(objects)).toEqual([
      'Notebooks',
      'Volumes',
      'Pipelines',
      'Model Registry',
      'KServe Endpoints',
      'Katib Experiments',
    ]);
    expect(tenantAllows(objects, 'team-demo')).toEqual(['allow-notebooks-from-gateway 8888,8080']);
  });
});

describe.each([
  {
    file: 'stacks/dev.yaml',
    env: DEV,
    bindings: {
      'team-demo': ['User admin@kubeflow.localhost: admin'],
    },
  },
  {
    file: 'stacks/prod.yaml',
    env: PROD,
    bindings: {
      'fraud-detection': [
        'Group ml-platform-admins: admin',
        'User audit@example.com: view',
        'User kenji.sato@example.com: edit',
        'User maria.lopez@example.com: admin',
      ],
      recommendations: ['User li.wei@example.com: admin'],
    },
  },
])('without Kubeflow ($file)', ({ env, bindings }) => {
  const tenants = Object.keys(bindings);

  function expectPlainTenants(objects: readonly Obj[]) {
    expect(objects.filter((o) => o.kind === 'Profile')).toEqual([]);
    for (const tenant of tenants) {
      const ns = findObject(objects, 'Namespace', undefined, tenant);
      expect(ns.metadata.labels?.['app.kubernetes.io/part-of']).toBe('mlops-platform');
      const granted = objects
        .filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === tenant)
        .map((o) => {
          expect(o.roleRef).toEqual({
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: expect.stringMatching(/^(admin|edit|view)$/),
          });
          const subjects = o.subjects as Obj[];
          expect(subjects).toHaveLength(1);
          return `${String(subjects[0].kind)} ${String(subjects[0].name)}: ${String(o.roleRef.name)}`;
        })
        .sort();
      expect(granted).toEqual(bindings[tenant as keyof typeof bindings]);
    }
  }

  test('dashboard, notebooks and podDefaults off: no Kubeflow object, tenants are plain namespaces', () => {
    const objects = allObjects(
      renderEnv(
        withKubeflow(env, {
          dashboard: { enabled: false },
          notebooks: { enabled: false },
          podDefaults: { enabled: false },
        }),
      ),
    );
    expect(kubeflowObjects(objects)).toEqual([]);
    expectPlainTenants(objects);
  });

  // PodDefaults acts only in profile namespaces, so it needs the dashboard: switching Kubeflow off
  // is switching off all three.
  test('dashboard, PodDefaults and notebooks off: no Kubeflow object, tenants are plain namespaces', () => {
    const objects = allObjects(
      renderEnv(
        withKubeflow(env, {
          dashboard: { enabled: false },
          podDefaults: { enabled: false },
          notebooks: { enabled: false },
        }),
      ),
    );
    expectPlainTenants(objects);
    expect(kubeflowObjects(objects)).toEqual([]);
  });

  test('the same environment with Kubeflow on makes every tenant a Profile', () => {
    const objects = allObjects(renderEnv(env));
    expect(
      objects
        .filter((o) => o.kind === 'Profile')
        .map((o) => o.metadata.name as string)
        .sort(),
    ).toEqual(tenants);
    expect(kubeflowObjects(objects)).toContain('Namespace /kubeflow');
  });
});

describe('switches that cannot work (rule COMPONENT-TOGGLES)', () => {
  const DASHBOARD_OFF =
    '`kubeflow.dashboard.enabled` is false, but kubeflow-notebooks (kubeflow.notebooks.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set kubeflow.notebooks.enabled: false.';
  const DASHBOARD_OFF_FOR_PODDEFAULTS =
    '`kubeflow.dashboard.enabled` is false, but poddefaults (kubeflow.podDefaults.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set kubeflow.podDefaults.enabled: false.';
  const PODDEFAULTS_OFF =
    '`kubeflow.podDefaults.enabled` is false, but kubeflow-notebooks (kubeflow.notebooks.enabled) is on and needs the PodDefaults admission webhook of profile namespaces, which poddefaults offers (got boolean false). Switch poddefaults on, or set kubeflow.notebooks.enabled: false.';

  test.each([
    [
      { dashboard: { enabled: false } },
      [
        ['kubeflow.dashboard.enabled', DASHBOARD_OFF_FOR_PODDEFAULTS],
        ['kubeflow.dashboard.enabled', DASHBOARD_OFF],
      ],
    ],
    [{ podDefaults: { enabled: false } }, [['kubeflow.podDefaults.enabled', PODDEFAULTS_OFF]]],
    [
      { dashboard: { enabled: false }, podDefaults: { enabled: false } },
      [
        ['kubeflow.dashboard.enabled', DASHBOARD_OFF],
        ['kubeflow.podDefaults.enabled', PODDEFAULTS_OFF],
      ],
    ],
  ])('%j with notebooks on is an error at the switch that is off', (kubeflow, expected) => {
    expect(problemsOf(kubeflow)).toEqual(
      expected.map(([p, message]) => ({ path: p, message, rule: 'COMPONENT-TOGGLES' })),
    );
  });

  test('the same switches with notebooks off are valid', () => {
    for (const kubeflow of [
      {
        dashboard: { enabled: false },
        podDefaults: { enabled: false },
        notebooks: { enabled: false },
      },
      { podDefaults: { enabled: false }, notebooks: { enabled: false } },
    ]) {
      expect(validateEnvironment(withKubeflow(DEV, kubeflow)).kubeflow.notebooks.enabled).toBe(
        false,
      );
    }
  });

  describe('through mlops-blueprint synth', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeflow-toggles-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test.each([
      [
        'dashboard',
        { dashboard: { enabled: false } },
        [DASHBOARD_OFF_FOR_PODDEFAULTS, DASHBOARD_OFF],
      ],
      ['podDefaults', { podDefaults: { enabled: false } }, [PODDEFAULTS_OFF]],
    ])(
      '%s off: exit code 1, the problems, nothing written, no stack trace',
      async (_, kubeflow, messages) => {
        const config = path.join(dir, 'env.yaml');
        fs.writeFileSync(config, stringify(withKubeflow(DEV, kubeflow)));
        const out = path.join(dir, 'out');
        const stdout: string[] = [];
        const stderr: string[] = [];
        const code = await run(['synth', '--config', config, '--out', out], {
          stdout: (s) => stdout.push(s),
          stderr: (s) => stderr.push(s),
        });
        expect(code).toBe(1);
        expect(stdout.join('')).toBe('');
        expect(stderr.join('')).toBe(
          `${config} is not a valid environment (${messages.length} problem${messages.length > 1 ? 's' : ''}):\n${messages.map((m) => `  - ${m} [COMPONENT-TOGGLES]\n`).join('')}Nothing was written.\n`,
        );
        expect(stderr.join('')).not.toMatch(/^\s+at /m);
        expect(fs.existsSync(out)).toBe(false);
        expect(fs.readdirSync(dir)).toEqual(['env.yaml']);
      },
    );
  });
});

test('selfRegistration defaults to the preset: on in dev, off in prod', () => {
  const registrationFlow = (env: EnvironmentConfig) => {
    const dashboard = findObject(allObjects(renderEnv(env)), 'Deployment', 'kubeflow', 'dashboard');
    const container = (dashboard.spec.template.spec.containers as Obj[]).find(
      (c) => c.name === 'dashboard',
    );
    return (container?.env as Obj[]).filter((e) => e.name === 'REGISTRATION_FLOW');
  };
  expect(registrationFlow(DEV)).toEqual([{ name: 'REGISTRATION_FLOW', value: 'true' }]);
  expect(registrationFlow(PROD)).toEqual([{ name: 'REGISTRATION_FLOW', value: 'false' }]);
  expect(registrationFlow(withKubeflow(PROD, { dashboard: { selfRegistration: true } }))).toEqual([
    { name: 'REGISTRATION_FLOW', value: 'true' },
  ]);
});

describe.each([
  { file: 'stacks/dev.yaml', env: DEV, issuer: 'platform-ca', publicIssuer: 'platform-ca' },
  {
    file: 'stacks/prod.yaml',
    env: PROD,
    issuer: 'platform-service-ca',
    publicIssuer: 'platform-acme',
  },
])('webhook certificates of $file', ({ env, issuer, publicIssuer }) => {
  const objects = allObjects(renderEnv(env));
  const WEBHOOK_CERTIFICATES = ['poddefaults-webhook-cert', 'pvcviewer-serving-cert'];

  test(`come from ${issuer}, a CA issuer, never from ACME`, () => {
    for (const name of WEBHOOK_CERTIFICATES) {
      const cert = findObject(objects, 'Certificate', 'kubeflow', name);
      expect(cert.spec.issuerRef).toEqual({
        group: 'cert-manager.io',
        kind: 'ClusterIssuer',
        name: issuer,
      });
      // in-cluster names only, which an ACME CA could never certify
      expect(
        (cert.spec.dnsNames as string[]).every(
          (d) => d.endsWith('.svc') || d.endsWith('.svc.cluster.local'),
        ),
      ).toBe(true);
    }
    const clusterIssuer = findObject(objects, 'ClusterIssuer', undefined, issuer);
    expect(Object.keys(clusterIssuer.spec as Obj)).toEqual(['ca']);
    const acme = objects
      .filter((o) => o.kind === 'ClusterIssuer' && (o.spec as Obj).acme !== undefined)
      .map((o) => o.metadata.name as string);
    for (const cert of objects.filter(
      (o) => o.kind === 'Certificate' && o.metadata.namespace === 'kubeflow',
    )) {
      expect(acme).not.toContain(cert.spec.issuerRef.name);
    }
    // the gateway's certificate is the public issuer's
    expect(
      findObject(objects, 'Certificate', 'istio-system', 'istio-ingressgateway-tls').spec.issuerRef
        .name,
    ).toBe(publicIssuer);
  });
});

describe('the dashboard 1.x to 2.0 upgrade', () => {
  const rendered = renderEnv(DEV);
  const objects = allObjects(rendered);
  const script = installScript(rendered);

  test('is in rendered.upgrades of kubeflow-dashboard at v2.0.0', () => {
    const dashboard = rendered.upgrades.find((u) => u.component === 'kubeflow-dashboard');
    expect(dashboard?.version).toBe('v2.0.0');
    expect(dashboard?.steps).toEqual([DASHBOARD_2_UPGRADE]);
    expect(DASHBOARD_2_UPGRADE.version).toBe('v2.0.0');
  });

  test('install.sh deletes the profile controller before the apply and the 1.x objects after it', () => {
    const lines = script.split('\n');
    const firstApply = lines.findIndex((l) => l.startsWith('kc apply '));
    const lastApply = lines.map((l) => l.startsWith('kc apply ')).lastIndexOf(true);
    const guard = 'if older_than "$(installed kubeflow_dashboard)" v2.0.0; then';
    const guards = lines.flatMap((l, i) => (l === guard ? [i] : []));
    expect(guards).toHaveLength(2);
    const block = (start: number) => lines.slice(start + 1, lines.indexOf('fi', start));
    const [before, after] = guards.map(block);
    expect(guards[0]).toBeLessThan(firstApply);
    expect(guards[1]).toBeGreaterThan(lastApply);
    expect(before.slice(1)).toEqual([
      '  kc -n kubeflow delete deployment profiles-deployment --ignore-not-found --wait=true',
    ]);
    expect(after.slice(1)).toEqual([
      '  kc -n kubeflow delete deployment centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete service centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete serviceaccount centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete role centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete rolebinding centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete configmap centraldashboard-config --ignore-not-found --wait=true',
      '  kc -n kubeflow delete virtualservice.networking.istio.io centraldashboard --ignore-not-found --wait=true',
      '  kc -n kubeflow delete authorizationpolicy.security.istio.io central-dashboard --ignore-not-found --wait=true',
      '  kc delete clusterrole centraldashboard --ignore-not-found --wait=true',
      '  kc delete clusterrolebinding centraldashboard --ignore-not-found --wait=true',
      '  kc delete clusterrolebinding profiles-cluster-rolebinding --ignore-not-found --wait=true',
      '  kc delete clusterrolebinding profiles-proxy-rolebinding --ignore-not-found --wait=true',
      '  kc delete clusterrole profiles-manager-role --ignore-not-found --wait=true',
      '  kc delete clusterrole profiles-proxy-role --ignore-not-found --wait=true',
      '  kc -n kubeflow delete rolebinding profiles-leader-election-rolebinding --ignore-not-found --wait=true',
      '  kc -n kubeflow delete serviceaccount profiles-controller-manager --ignore-not-found --wait=true',
      '  kc -n kubeflow delete service profiles-controller-manager-metrics-service --ignore-not-found --wait=true',
    ]);
  });

  test('never deletes the Profile CRD or any Profile', () => {
    const deletes = script
      .split('\n')
      .map((l) => /\bkc (?:-n \S+ )?delete (\S+) (\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, resource, name]) => ({ resource: resource.toLowerCase(), name }));
    expect(deletes.length).toBeGreaterThan(0);
    const all = rendered.upgrades.flatMap((u) =>
      u.steps.flatMap((s) => [...(s.deleteBeforeApply ?? []), ...(s.pruneAfterApply ?? [])]),
    );
    for (const ref of [
      ...deletes,
      ...all.map((r) => ({ ...r, resource: r.resource.toLowerCase() })),
    ]) {
      const type = ref.resource.split('.')[0];
      expect(['profile', 'profiles']).not.toContain(type);
      if (['crd', 'crds', 'customresourcedefinition', 'customresourcedefinitions'].includes(type)) {
        expect(ref.name).not.toBe('profiles.kubeflow.org');
      }
    }
  });

  test('prunes nothing that the new version renders', () => {
    const rendersIt = (ref: { resource: string; namespace?: string; name: string }) =>
      objects.some(
        (o) =>
          o.kind.toLowerCase() === ref.resource.split('.')[0] &&
          o.metadata.name === ref.name &&
          o.metadata.namespace === ref.namespace,
      );
    expect((DASHBOARD_2_UPGRADE.pruneAfterApply ?? []).filter(rendersIt)).toEqual([]);
    // the one object deleted before the apply is replaced by the new one of the same name
    expect((DASHBOARD_2_UPGRADE.deleteBeforeApply ?? []).map(rendersIt)).toEqual([true]);
  });
});

describe('config groups of team components', () => {
  const myApp = z
    .strictObject({
      enabled: z.boolean().default(true),
      replicas: z.number().int().min(1).default(2),
    })
    .prefault({});
  const seen: unknown[] = [];
  const team = defineComponent({
    key: 'team-my-app',
    description: 'a team web app configured under kubeflow.myApp',
    config: { shape: () => ({ kubeflow: configGroup({ myApp }) }) },
    build(ctx) {
      seen.push(ctx.config.kubeflow.myApp);
    },
  });
  const components = [...BUILT_IN_COMPONENTS, team];

  test('a key inside `kubeflow` merges with the built-in ones and is defaulted', () => {
    const env = validateEnvironment(DEV, 'stacks/dev.yaml', components) as unknown as {
      kubeflow: Record<string, unknown>;
    };
    expect(Object.keys(env.kubeflow)).toEqual(
      expect.arrayContaining(['dashboard', 'notebooks', 'podDefaults', 'myApp']),
    );
    expect(env.kubeflow.myApp).toEqual({ enabled: true, replicas: 2 });
    expect(env.kubeflow.notebooks).toMatchObject({ enabled: true, volumes: { enabled: true } });
  });

  test('the component builds with its value, and the built-in keys keep theirs', () => {
    seen.length = 0;
    const platform = new MlopsPlatform(new App(), 'Platform', {
      environment: withKubeflow(DEV, {
        myApp: { replicas: 3 },
        notebooks: { tensorboards: { enabled: false } },
      }),
      components: [team],
    });
    expect(seen).toEqual([{ enabled: true, replicas: 3 }]);
    expect(platform.environment.kubeflow.notebooks.tensorboards.enabled).toBe(false);
    expect(platform.components.map((c) => c.key)).toContain('team-my-app');
  });

  test.each([
    [
      { myApp: { replicas: 0 } },
      '`kubeflow.myApp.replicas` is too small (minimum 1) (got number 0). Give a larger value.',
    ],
    [
      { myApp: { replicas: 'two' } },
      '`kubeflow.myApp.replicas` must be a number (got "two"). Change it to a number.',
    ],
    [
      { myApp: { replica: 2 } },
      '`kubeflow.myApp.replica` is not a known setting. Did you mean `replicas`? Known keys here: enabled, replicas.',
    ],
  ])('%j is validated like any built-in key', (kubeflow, message) => {
    expect(problemsOf(kubeflow, components).map((p) => p.message)).toEqual([message]);
  });

  test('without the component, `kubeflow.myApp` is an unknown key', () => {
    expect(problemsOf({ myApp: {} }).map((p) => p.message)).toEqual([
      '`kubeflow.myApp` is not a known setting. Remove it; known keys here: dashboard, podDefaults, notebooks, training, katib.',
    ]);
  });

  test.each([
    ['notebooks', 'component kubeflow-notebooks'],
    ['dashboard', 'component kubeflow-dashboard'],
    ['podDefaults', 'component poddefaults'],
  ])('declaring `kubeflow.%s` throws, naming its owner', (sub, owner) => {
    const clash = defineComponent({
      key: 'team-clash',
      description: 'claims a key another component owns',
      config: {
        shape: () => ({ kubeflow: configGroup({ [sub]: z.strictObject({}).prefault({}) }) }),
      },
      build() {
        // never built
      },
    });
    const message = `Component team-clash declares the environment key \`kubeflow.${sub}\`, which ${owner} owns. Give the component a key of its own.`;
    expect(() => validateEnvironment(DEV, 'env.yaml', [...BUILT_IN_COMPONENTS, clash])).toThrow(
      new Error(message),
    );
    expect(
      () => new MlopsPlatform(new App(), 'Platform', { environment: DEV, components: [clash] }),
    ).toThrow(new Error(message));
  });
});

test('Pipelines, the model registry, serving, training and AutoML need the dashboard: switching only the dashboard off is an error at its switch', () => {
  let problems: { path: string; message: string; rule?: string }[] = [];
  try {
    validateEnvironment({
      ...DEV,
      kubeflow: {
        dashboard: { enabled: false },
        podDefaults: { enabled: false },
        notebooks: { enabled: false },
      },
    } as EnvironmentConfig);
  } catch (err) {
    if (err instanceof ConfigError) problems = err.problems.map((p) => ({ ...p }));
  }
  expect(problems).toEqual([
    {
      path: 'kubeflow.dashboard.enabled',
      message:
        '`kubeflow.dashboard.enabled` is false, but kubeflow-pipelines (pipelines.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set pipelines.enabled: false.',
      rule: 'COMPONENT-TOGGLES',
    },
    {
      path: 'kubeflow.dashboard.enabled',
      message:
        '`kubeflow.dashboard.enabled` is false, but model-registry (registry.hub.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set registry.hub.enabled: false.',
      rule: 'COMPONENT-TOGGLES',
    },
    {
      path: 'kubeflow.dashboard.enabled',
      message:
        '`kubeflow.dashboard.enabled` is false, but serving (serving.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set serving.enabled: false.',
      rule: 'COMPONENT-TOGGLES',
    },
    ...['training', 'katib'].map((c) => ({
      path: 'kubeflow.dashboard.enabled',
      message: `\`kubeflow.dashboard.enabled\` is false, but ${c} (kubeflow.${c}.enabled) is on and needs Kubeflow profiles, their roles and the central dashboard, which kubeflow-dashboard offers (got boolean false). Switch kubeflow-dashboard on, or set kubeflow.${c}.enabled: false.`,
      rule: 'COMPONENT-TOGGLES',
    })),
  ]);
});
