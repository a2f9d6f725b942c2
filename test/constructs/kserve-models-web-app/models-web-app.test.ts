import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { Chart, Testing } from 'cdk8s';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  KServeModelsWebApp,
  KServeModelsWebAppProps,
  MODELS_WEB_APP_DEFAULT_RESOURCES,
  MODELS_WEB_APP_MENU_ITEM,
  MODELS_WEB_APP_POD_LABELS,
  MODELS_WEB_APP_RENAMED_OBJECTS,
  MODELS_WEB_APP_STANDARD_MODE_RULES,
  modelsWebAppRenameUpgrade,
  modelsWebAppRenamedObjects,
} from '../../../constructs/kserve-models-web-app';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { FakeGateway, FakeNamespace, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { MODELS_WEB_APP_FACTS as F, PRE_RENAME_OBJECTS } from './facts';

const NS = 'kubeflow';

function build(
  props: Partial<KServeModelsWebAppProps> = {},
  context: Record<string, unknown> = {},
  namespaceName = NS,
) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(namespaceName);
  const gateway = new FakeGateway(chart, 'Gateway');
  const webApp = new KServeModelsWebApp(chart, 'ModelsWebApp', { namespace, gateway, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { chart, namespace, gateway, webApp, objects };
}

const built = build();
const o = built.objects;
const deployment = o.find('Deployment', NS, F.names.deployment);
const pod = deployment.spec.template.spec;
const c = pod.containers[0];
const envOf = (container: Manifest): Record<string, string> =>
  Object.fromEntries((container.env as Manifest[]).map((e) => [e.name, e.value]));

describe('KServeModelsWebApp against kserve/models-web-app v0.18.0 in Kubeflow 26.03.1', () => {
  test('with only the required props: the documented defaults', () => {
    const { webApp } = built;
    expect(webApp.namespace).toBe(NS);
    expect(webApp.serviceHost).toBe(`${F.names.service}.${NS}.svc.cluster.local`);
    expect(webApp.servicePort).toBe(F.servicePort.port);
    expect(webApp.serviceAccountName).toBe(F.names.serviceAccount);
    expect(webApp.replicas).toBe(F.replicas);
    expect(webApp.resources).toEqual(MODELS_WEB_APP_DEFAULT_RESOURCES);
    expect(webApp.userIdHeader).toBe(F.env.USERID_HEADER);
    expect(webApp.userIdPrefix).toBe(F.env.USERID_PREFIX);
    expect(webApp.podLabels).toEqual(MODELS_WEB_APP_POD_LABELS);
    expect(deployment.spec.replicas).toBe(F.replicas);
    expect(o.ofKind('ClusterRole').map((r) => r.metadata.name)).toEqual([F.names.clusterRole]);
  });

  test("image, port and Kubeflow's environment (auth on, the user header, the prefix)", () => {
    expect(c.name).toBe(F.names.container);
    expect(c.image).toBe(F.image);
    expect(c.ports).toEqual([{ name: 'http', containerPort: F.containerPort, protocol: 'TCP' }]);
    const env = envOf(c);
    expect(env).toMatchObject(F.env);
    // The backend would default the prefix to ':' and keep auth on; both are written out.
    expect(env.USERID_PREFIX).not.toBe(F.backendDefaults.USERID_PREFIX);
    expect(env.APP_DISABLE_AUTH).toBe(F.backendDefaults.APP_DISABLE_AUTH);
    expect(env.APP_SECURE_COOKIES).toBe(F.backendDefaults.APP_SECURE_COOKIES);
    expect(Object.keys(env).sort()).toEqual(
      [...Object.keys(F.env), 'APP_DISABLE_AUTH', 'APP_SECURE_COOKIES'].sort(),
    );
    expect(built.webApp.settings).toEqual(env);
  });

  test("upstream's probes on the backend's unauthenticated health paths", () => {
    expect(c.livenessProbe).toEqual({
      httpGet: { path: F.probes.liveness, port: 'http' },
      ...F.probes.timing,
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: F.probes.readiness, port: 'http' },
      ...F.probes.timing,
    });
  });

  test('restricted pod as upstream user 1000, requests and limits, read-only root with /tmp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: F.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '320Mi' },
      limits: { cpu: '1', memory: '640Mi' },
    });
    expect(pod.serviceAccountName).toBe(F.names.serviceAccount);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.enableServiceLinks).toBe(false);
    const sa = o.find('ServiceAccount', NS, F.names.serviceAccount);
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('route /kserve-endpoints/ rewritten to / on Service port 80, admitted for the gateway only', () => {
    expect(built.gateway.routes).toEqual([
      {
        id: F.names.virtualService,
        route: {
          namespace: NS,
          prefix: F.route.prefix,
          rewrite: F.route.rewrite,
          destination: { host: built.webApp.serviceHost, port: F.route.port },
        },
      },
    ]);
    const svc = o.find('Service', NS, F.names.service);
    expect(svc.spec.ports).toEqual([
      {
        name: F.servicePort.name,
        port: F.servicePort.port,
        targetPort: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    const policy = o.find('AuthorizationPolicy', NS, F.names.authorizationPolicy);
    expect(policy.spec.action).toBe('ALLOW');
    expect(policy.spec.rules).toEqual([
      {
        from: [
          { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
        ],
        to: [{ operation: { ports: [String(F.containerPort)] } }],
      },
    ]);
    expect(policy.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(built.namespace.allows.map((a) => a.id)).toEqual([
      'kserve-models-web-application-from-gateway',
    ]);
    expect(built.namespace.allows[0].allow.ports).toEqual([{ port: F.containerPort }]);
    expect(built.namespace.allows[0].allow.podLabels).toEqual(MODELS_WEB_APP_POD_LABELS);
  });

  test('the menu entry as Kubeflow 26.03.1 writes it in the dashboard config', () => {
    expect(MODELS_WEB_APP_MENU_ITEM).toEqual(F.menu);
    expect(MODELS_WEB_APP_MENU_ITEM.link).toBe(F.route.prefix);
  });

  test("ClusterRole: upstream's rules exactly, bound to the app's ServiceAccount", () => {
    expect(o.find('ClusterRole', undefined, F.names.clusterRole).rules).toEqual(F.rules);
    const binding = o.find('ClusterRoleBinding', undefined, F.names.clusterRoleBinding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: F.names.clusterRole,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: F.names.serviceAccount, namespace: NS },
    ]);
  });

  test('Standard-mode reads only when asked: get by name, no Secrets', () => {
    const widened = build({ readStandardModeObjects: true }).objects;
    const rules = widened.find('ClusterRole', undefined, F.names.clusterRole).rules as Manifest[];
    expect(rules).toEqual([...F.rules, ...MODELS_WEB_APP_STANDARD_MODE_RULES]);
    for (const r of MODELS_WEB_APP_STANDARD_MODE_RULES) {
      expect(r.verbs).toEqual(['get']);
      expect(r.resources).not.toContain('secrets');
    }
  });

  test('profiles, cookies, namespaces and Grafana settings reach the environment', () => {
    const custom = build(
      {
        profiles: { userIdHeader: 'x-auth-user', userIdPrefix: 'oidc:' },
        secureCookies: false,
        allowedNamespaces: ['team-a', 'team-b'],
        grafana: { prefix: '/metrics-ui', cpuMemoryDashboard: 'db/cpu' },
      },
      {},
      'kserve',
    );
    const cc = custom.objects.find('Deployment', 'kserve', F.names.deployment).spec.template.spec
      .containers[0];
    expect(envOf(cc)).toMatchObject({
      USERID_HEADER: 'x-auth-user',
      USERID_PREFIX: 'oidc:',
      APP_SECURE_COOKIES: 'false',
      ALLOWED_NAMESPACES: 'team-a,team-b',
      GRAFANA_PREFIX: '/metrics-ui',
      GRAFANA_CPU_MEMORY_DB: 'db/cpu',
      GRAFANA_HTTP_REQUESTS_DB: F.env.GRAFANA_HTTP_REQUESTS_DB,
    });
    expect(custom.gateway.routes[0].route.destination.host).toBe(
      `${F.names.service}.kserve.svc.cluster.local`,
    );
    const binding = custom.objects.find(
      'ClusterRoleBinding',
      undefined,
      F.names.clusterRoleBinding,
    );
    expect(binding.subjects[0].namespace).toBe('kserve');
  });

  test('the image in the bill of materials; a mirror and an override replace it', () => {
    expect(BillOfMaterials.of(built.chart).images()).toEqual([F.image]);
    const mirrored = build({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.internal:5000' });
    const mc = mirrored.objects.find('Deployment', NS, F.names.deployment).spec.template.spec
      .containers[0];
    expect(mc.image).toBe('mirror.internal:5000/kserve/models-web-app:0.18.0');
    const image = { registry: 'registry.example.com', repository: 'ml/models-web-app', tag: '1.0' };
    const custom = build({ image });
    expect(BillOfMaterials.of(custom.chart).images()).toEqual([
      'registry.example.com/ml/models-web-app:1.0',
    ]);
  });

  test('errors: every problem of the settings at once', () => {
    expect(() =>
      build({
        image: { registry: 'ghcr.io', repository: 'kserve/models-web-app', tag: 'latest' },
        profiles: { userIdHeader: 'kubeflow userid', userIdPrefix: '' },
        allowedNamespaces: ['Team_A'],
        grafana: { prefix: 'grafana' },
        replicas: 0,
      }),
    ).toThrow(
      [
        'KServeModelsWebApp: ',
        '- `image` is not a pinned image (got "ghcr.io/kserve/models-web-app:latest"). Name a registry and a tag other than latest.',
        '- `profiles.userIdHeader` is not an HTTP header name (got "kubeflow userid"). Use the header the gateway sets, such as kubeflow-userid.',
        '- `allowedNamespaces[0]` is not a namespace name (got "Team_A"). Use a DNS label such as team-a.',
        '- `grafana.prefix` is not an absolute path (got "grafana"). Use a path on the gateway such as /grafana.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });

  test('every object validates against its Kubernetes or Istio schema', () => {
    const models: Record<string, (m: Manifest) => void> = {
      Deployment: (m) => new Deployment(m).validate(),
      Service: (m) => new Service(m).validate(),
      ServiceAccount: (m) => new ServiceAccount(m).validate(),
      ClusterRole: (m) => new ClusterRole(m).validate(),
      ClusterRoleBinding: (m) => new ClusterRoleBinding(m as ClusterRoleBinding).validate(),
      AuthorizationPolicy: (m) => new AuthorizationPolicy(m).validate(),
    };
    expect(o.all.map((m) => m.kind as string).sort()).toEqual(Object.keys(models).sort());
    for (const m of o.all) {
      const validate = models[m.kind as string];
      expect(() => validate(m)).not.toThrow();
    }
  });

  test('the policy gate (production): no error, no warning, nothing suppressed', () => {
    const report = evaluate(o.all as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed.map((f) => f.message)).toEqual([]);
  });
});

/** `kubectl delete` resource names of the kinds the old stack had. */
const RESOURCE_OF_KIND: Record<string, string> = {
  ServiceAccount: 'serviceaccount',
  ClusterRole: 'clusterrole',
  ClusterRoleBinding: 'clusterrolebinding',
  ConfigMap: 'configmap',
  Service: 'service',
  Deployment: 'deployment',
  VirtualService: 'virtualservice.networking.istio.io',
  AuthorizationPolicy: 'authorizationpolicy.security.istio.io',
};

describe('the 26.03.1 rename: objects an install from Kubeflow 26.03 leaves behind', () => {
  const key = (r: { resource: string; namespace?: string; name: string }) =>
    `${r.resource} ${r.namespace ?? '(cluster)'}/${r.name}`;

  test('exactly the objects of the 26.03 Kubeflow overlay, each with its source file', () => {
    const expected = PRE_RENAME_OBJECTS.map((p) =>
      key({
        resource: RESOURCE_OF_KIND[p.kind],
        ...('namespace' in p ? { namespace: p.namespace } : {}),
        name: p.name,
      }),
    ).sort();
    expect(MODELS_WEB_APP_RENAMED_OBJECTS.map(key).sort()).toEqual(expected);
    for (const r of MODELS_WEB_APP_RENAMED_OBJECTS) {
      expect([r.name, r.source]).toEqual([
        r.name,
        expect.stringMatching(
          /^kubeflow\/community-distribution@26\.03 applications\/kserve\/models-web-app\/\S+\.yaml/,
        ),
      ]);
    }
  });

  test('none of them is an object the new version installs', () => {
    const ours = new Set(
      o.all.map((m) =>
        key({
          resource: RESOURCE_OF_KIND[m.kind as string] ?? m.kind,
          ...(m.metadata.namespace ? { namespace: m.metadata.namespace as string } : {}),
          name: m.metadata.name as string,
        }),
      ),
    );
    for (const r of MODELS_WEB_APP_RENAMED_OBJECTS)
      expect([key(r), ours.has(key(r))]).toEqual([key(r), false]);
    // The VirtualService is the gateway's to make: the route id is the new name.
    expect(built.gateway.routes.map((r) => r.id)).not.toContain('kserve-models-web-app');
  });

  test('the upgrade step prunes them after the apply and deletes nothing before', () => {
    const step = modelsWebAppRenameUpgrade();
    expect(step.version).toBe('0.18.0');
    expect(step.deleteBeforeApply ?? []).toEqual([]);
    expect(step.pruneAfterApply?.map(key)).toEqual(MODELS_WEB_APP_RENAMED_OBJECTS.map(key));
    expect(step.pruneAfterApply?.every((r) => !('source' in r))).toBe(true);
    const elsewhere = modelsWebAppRenamedObjects('kserve');
    expect(elsewhere.filter((r) => r.namespace !== undefined).map((r) => r.namespace)).toEqual(
      Array(6).fill('kserve'),
    );
    expect(elsewhere.filter((r) => r.namespace === undefined).map((r) => r.resource)).toEqual([
      'clusterrole',
      'clusterrolebinding',
    ]);
  });
});
