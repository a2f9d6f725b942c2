import { imageReference } from '../../../constructs/core/images';
import { SUPPRESSIONS_ANNOTATION } from '../../../constructs/core/policy';
import {
  KUBEFLOW_NOTEBOOKS_IMAGES,
  KUBEFLOW_NOTEBOOKS_VERSION,
  NOTEBOOK_CONTROLLER_DEFAULT_RESOURCES,
} from '../../../constructs/kubeflow-notebooks';
import { NS, buildNotebooks } from './helpers';

const o = buildNotebooks().objects();
const deployment = o.find('Deployment', NS, 'notebook-controller-deployment');
const pod = deployment.spec.template.spec;
const c = pod.containers[0];

/** `config/rbac/role.yaml` at v1.11.0, rule by rule. */
const UPSTREAM_CONTROLLER_RULES = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'patch', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['*'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['*'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['notebooks', 'notebooks/finalizers', 'notebooks/status'],
    verbs: ['*'],
  },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['*'] },
];

describe('NotebookController against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { controller } = buildNotebooks();
    expect(controller.namespace).toBe(NS);
    expect(controller.resources).toEqual(NOTEBOOK_CONTROLLER_DEFAULT_RESOURCES);
    expect(controller.crd?.crdName).toBe('notebooks.kubeflow.org');
    expect(controller.settings).toEqual({
      USE_ISTIO: 'true',
      ISTIO_GATEWAY: 'istio-system/platform-gateway',
      ISTIO_HOST: '*',
      CLUSTER_DOMAIN: 'cluster.local',
      ENABLE_CULLING: 'false',
      CULL_IDLE_TIME: '1440',
      IDLENESS_CHECK_PERIOD: '1',
    });
  });

  test('image and command', () => {
    expect(KUBEFLOW_NOTEBOOKS_VERSION).toBe('v1.11.0');
    expect(imageReference(KUBEFLOW_NOTEBOOKS_IMAGES.notebookController)).toBe(
      'ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0',
    );
    expect(c.name).toBe('manager');
    expect(c.image).toBe('ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0');
    expect(c.command).toEqual(['/manager']);
    expect(c.args).toBeUndefined();
  });

  test("env: upstream's seven keys, each read from the settings ConfigMap", () => {
    const keys = [
      'USE_ISTIO',
      'ISTIO_GATEWAY',
      'ISTIO_HOST',
      'CLUSTER_DOMAIN',
      'ENABLE_CULLING',
      'CULL_IDLE_TIME',
      'IDLENESS_CHECK_PERIOD',
    ];
    expect(c.env).toEqual(
      keys.map((key) => ({
        name: key,
        valueFrom: { configMapKeyRef: { name: 'notebook-controller-config', key } },
      })),
    );
    const config = o.find('ConfigMap', NS, 'notebook-controller-config');
    expect(Object.keys(config.data).sort()).toEqual([...keys].sort());
    expect(config.data.ISTIO_GATEWAY).toBe('istio-system/platform-gateway');
  });

  test('settings: cluster domain, host and culling from props', () => {
    const { controller } = buildNotebooks({
      controller: {
        clusterDomain: 'corp.local',
        istioHost: 'ml.example.com',
        culling: { enabled: true, idleTimeMinutes: 60, checkPeriodMinutes: 5 },
      },
    });
    expect(controller.settings).toMatchObject({
      CLUSTER_DOMAIN: 'corp.local',
      ISTIO_HOST: 'ml.example.com',
      ENABLE_CULLING: 'true',
      CULL_IDLE_TIME: '60',
      IDLENESS_CHECK_PERIOD: '5',
    });
  });

  test('ports and probes: metrics on 8080, /healthz and /readyz on 8081 as upstream', () => {
    expect(c.ports).toEqual([
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'probes', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 8081 },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/readyz', port: 8081 },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    });
    const svc = o.find('Service', NS, 'notebook-controller-service');
    expect(svc.spec.ports).toEqual([
      { name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' },
    ]);
  });

  test('restricted pod as upstream user 1000, with requests and limits', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources.limits.memory).toBe('256Mi');
    expect(pod.serviceAccountName).toBe('notebook-controller-service-account');
  });

  test("ClusterRole: upstream's rules exactly, the verb wildcard suppressed with its reason", () => {
    const role = o.find('ClusterRole', undefined, 'notebook-controller-role');
    expect(role.rules).toEqual(UPSTREAM_CONTROLLER_RULES);
    const suppressions = JSON.parse(role.metadata.annotations[SUPPRESSIONS_ANNOTATION]);
    expect(suppressions.map((s: { rule: string }) => s.rule)).toEqual(['platform/rbac-wildcards']);
    for (const rule of role.rules) {
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('*');
    }
    const binding = o.find('ClusterRoleBinding', undefined, 'notebook-controller-role-binding');
    expect(binding.roleRef.name).toBe('notebook-controller-role');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'notebook-controller-service-account', namespace: NS },
    ]);
  });

  test("user roles: upstream's kubeflow-notebooks-admin/edit/view", () => {
    const agg = 'rbac.authorization.kubeflow.org/aggregate-to-';
    const admin = o.find('ClusterRole', undefined, 'kubeflow-notebooks-admin');
    expect(admin.metadata.labels[`${agg}kubeflow-admin`]).toBe('true');
    expect(admin.aggregationRule.clusterRoleSelectors).toEqual([
      { matchLabels: { [`${agg}kubeflow-notebooks-admin`]: 'true' } },
    ]);
    expect(admin.rules).toEqual([]);
    const edit = o.find('ClusterRole', undefined, 'kubeflow-notebooks-edit');
    expect(edit.metadata.labels).toMatchObject({
      [`${agg}kubeflow-edit`]: 'true',
      [`${agg}kubeflow-notebooks-admin`]: 'true',
    });
    expect(edit.rules).toEqual([
      {
        apiGroups: ['kubeflow.org'],
        resources: ['notebooks', 'notebooks/status'],
        verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'patch', 'update'],
      },
    ]);
    const view = o.find('ClusterRole', undefined, 'kubeflow-notebooks-view');
    expect(view.metadata.labels[`${agg}kubeflow-view`]).toBe('true');
    expect(view.rules).toEqual([
      {
        apiGroups: ['kubeflow.org'],
        resources: ['notebooks', 'notebooks/status'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
  });

  test('errors: culling periods must be whole minutes', () => {
    expect(() =>
      buildNotebooks({ controller: { culling: { idleTimeMinutes: 0, checkPeriodMinutes: 1.5 } } }),
    ).toThrow(
      'NotebookController: \n- `culling.idleTimeMinutes` is not a whole number of minutes of at least 1 (got 0). Use 1 or more.\n- `culling.checkPeriodMinutes` is not a whole number of minutes of at least 1 (got 1.5). Use 1 or more.',
    );
  });
});
