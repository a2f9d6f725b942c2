import { Chart, Testing } from 'cdk8s';
import {
  MODEL_REGISTRY_UI_DEFAULT_RESOURCES,
  MODEL_REGISTRY_UI_TENANT_ACCESS,
  ModelRegistryUi,
} from '../../../constructs/model-registry';
import { Manifest, Objects } from '../../helpers';
import { HUB_FACTS } from './facts';

const F = HUB_FACTS.ui;
const app = Testing.app();
const chart = new Chart(app, 'Test');
const ui = new ModelRegistryUi(chart, 'Ui');
const objects = new Objects(Testing.synth(chart) as Manifest[]);
const deployment = objects.find('Deployment', 'kubeflow', F.deployment);
const container = deployment.spec.template.spec.containers[0] as Manifest;

describe('ModelRegistryUi', () => {
  test('defaults: kubeflow namespace, one replica, default resources', () => {
    expect(ui.namespace).toBe('kubeflow');
    expect(ui.replicas).toBe(1);
    expect(ui.resources).toBe(MODEL_REGISTRY_UI_DEFAULT_RESOURCES);
    expect(deployment.spec.replicas).toBe(1);
  });

  test('image, Kubeflow mode args, port and probes as upstream', () => {
    expect(container.image).toBe(F.image);
    expect(container.args).toEqual(F.args);
    expect(container.ports).toEqual([{ name: 'http', containerPort: F.port, protocol: 'TCP' }]);
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: F.healthPath, port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 30,
      timeoutSeconds: 15,
      periodSeconds: 30,
      failureThreshold: 3,
    });
    expect(container.readinessProbe).toMatchObject({
      httpGet: { path: F.healthPath },
      initialDelaySeconds: 15,
    });
    expect(container.resources.limits.memory).toBe('2Gi');
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(65532);
    expect(deployment.spec.template.metadata.labels).toMatchObject(F.podLabel);
  });

  test('Service on port 80 to the named pod port', () => {
    const svc = objects.find('Service', 'kubeflow', F.service);
    expect(svc.spec.ports).toEqual([
      {
        name: 'http',
        port: F.servicePort,
        targetPort: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(ui.serviceHost).toBe('model-registry-ui-service.kubeflow.svc.cluster.local');
    expect(ui.servicePort).toBe(80);
    expect(ui.port).toBe(8080);
  });

  test('route facts and user headers', () => {
    expect(ui.pathPrefix).toBe(F.prefix);
    expect(ui.rewrite).toBe(F.rewrite);
    expect(ui.userIdHeader).toBe(F.userHeader);
    expect(ui.groupsHeader).toBe(F.groupsHeader);
  });

  test("upstream's three ClusterRoles, without watch, each bound to the UI's account", () => {
    const roles = objects.ofKind('ClusterRole');
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(Object.keys(F.clusterRoles).sort());
    for (const [name, rule] of Object.entries(F.clusterRoles)) {
      const role = objects.find('ClusterRole', undefined, name);
      expect(role.rules).toHaveLength(1);
      expect(role.rules[0]).toMatchObject(rule);
      expect(role.rules[0].verbs).not.toContain('watch');
      const binding = objects
        .ofKind('ClusterRoleBinding')
        .find((b) => b.roleRef.name === name) as Manifest;
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: F.serviceAccount, namespace: 'kubeflow' },
      ]);
    }
    expect(
      objects.find('ClusterRole', undefined, 'model-registry-create-sars').rules[0].verbs,
    ).toEqual(['create']);
    expect(
      objects.find('ClusterRole', undefined, 'model-registry-ui-services-reader').rules[0].verbs,
    ).toEqual(['get', 'list']);
  });
});

test("a tenant member needs services get and list in the namespace, which kubeflow-view's rules give", () => {
  expect(MODEL_REGISTRY_UI_TENANT_ACCESS).toEqual([
    { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
  ]);
});
