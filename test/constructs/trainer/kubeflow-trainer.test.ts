import { parse } from 'yaml';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  TRAINER_CERT_ROTATION_RULES,
  TRAINER_MANAGER_DEFAULT_RESOURCES,
  TRAINER_MANAGER_RULES,
} from '../../../constructs/trainer';
import { CLUSTER_ISSUER } from '../../fakes';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  CONFIG_FACTS,
  MANAGER_FACTS,
  MANAGER_IMAGE,
  MANAGER_RULE_FACTS,
  WEBHOOK_FACTS,
} from './facts';
import { Manifest, NS, buildTrainer } from './helpers';

const NAME = 'kubeflow-trainer-controller-manager';

function manager(objects: ReturnType<typeof buildTrainer>['objects']): Manifest {
  return objects.find('Deployment', NS, NAME).spec.template.spec.containers[0] as Manifest;
}

describe('KubeflowTrainer with defaults', () => {
  const { trainer, objects, namespace, chart } = buildTrainer();
  const deployment = objects.find('Deployment', NS, NAME);
  const pod = deployment.spec.template.spec;
  const c = manager(objects);

  test('defaults: one replica, the documented resources, CRDs included', () => {
    expect(trainer.replicas).toBe(1);
    expect(trainer.resources).toEqual(TRAINER_MANAGER_DEFAULT_RESOURCES);
    expect(deployment.spec.replicas).toBe(1);
    expect(trainer.crds).toBeDefined();
    expect(objects.ofKind('PodDisruptionBudget')).toEqual([]);
  });

  test('image as Kubeflow pins it, in the bill of materials', () => {
    expect(c.image).toBe(MANAGER_IMAGE);
    expect(BillOfMaterials.of(chart).images()).toEqual([MANAGER_IMAGE]);
  });

  test('a registry mirror replaces the registry', () => {
    const { objects: o } = buildTrainer({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.local:5000' });
    expect(manager(o).image).toBe(
      'mirror.local:5000/kubeflow/trainer/trainer-controller-manager:v2.2.0',
    );
  });

  test('args, ports and probes as upstream', () => {
    expect(c.name).toBe('manager');
    expect(c.args).toEqual(MANAGER_FACTS.args);
    expect(c.ports.map((p: Manifest) => [p.name, p.containerPort])).toEqual(MANAGER_FACTS.ports);
    const probe = (p: Manifest) => ({
      path: p.httpGet.path,
      port: p.httpGet.port,
      initialDelaySeconds: p.initialDelaySeconds,
      periodSeconds: p.periodSeconds,
      timeoutSeconds: p.timeoutSeconds,
    });
    expect(probe(c.livenessProbe)).toEqual(MANAGER_FACTS.liveness);
    expect(probe(c.readinessProbe)).toEqual(MANAGER_FACTS.readiness);
  });

  test('certificate and config mounts', () => {
    expect(c.volumeMounts).toEqual([
      { name: 'cert', mountPath: MANAGER_FACTS.certMount, readOnly: true },
      {
        name: MANAGER_FACTS.configMap,
        mountPath: '/controller_manager_config.yaml',
        subPath: 'controller_manager_config.yaml',
        readOnly: true,
      },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'cert', secret: { secretName: MANAGER_FACTS.certSecret, defaultMode: 0o644 } },
      { name: MANAGER_FACTS.configMap, configMap: { name: MANAGER_FACTS.configMap } },
    ]);
    expect(pod.serviceAccountName).toBe(NAME);
  });

  test('restricted security, requests and limits', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
  });

  test("Kubeflow's sidecar exclusion of the webhook port", () => {
    expect(
      deployment.spec.template.metadata.annotations['traffic.sidecar.istio.io/excludeInboundPorts'],
    ).toBe(MANAGER_FACTS.excludeInboundPorts);
  });

  test('config file: upstream values with internal certificate management off', () => {
    const cm = objects.find('ConfigMap', NS, MANAGER_FACTS.configMap);
    const cfg = parse(cm.data['controller_manager_config.yaml'] as string) as Manifest;
    expect(cfg.apiVersion).toBe('config.trainer.kubeflow.org/v1alpha1');
    expect(cfg.kind).toBe('Configuration');
    expect(cfg.health).toEqual(CONFIG_FACTS.health);
    expect(cfg.metrics).toEqual(CONFIG_FACTS.metrics);
    expect(cfg.webhook).toEqual(CONFIG_FACTS.webhook);
    expect(cfg.leaderElection).toEqual(CONFIG_FACTS.leaderElection);
    expect(cfg.controller.groupKindConcurrency).toEqual(CONFIG_FACTS.groupKindConcurrency);
    expect(cfg.certManagement).toEqual({
      enable: false,
      webhookServiceName: CONFIG_FACTS.webhookServiceName,
      webhookSecretName: CONFIG_FACTS.webhookSecretName,
    });
    expect(cfg.clientConnection).toEqual(CONFIG_FACTS.clientConnection);
    expect(cfg.statusServer).toEqual(CONFIG_FACTS.statusServer);
    expect(cfg.featureGates).toBeUndefined();
  });

  test('one Service with metrics, webhook and status-server ports', () => {
    const svc = objects.find('Service', NS, NAME);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(svc.spec.ports.map((p: Manifest) => [p.name, p.port, p.targetPort])).toEqual(
      MANAGER_FACTS.servicePorts,
    );
    for (const [name] of MANAGER_FACTS.servicePorts) {
      const target = svc.spec.ports.find((p: Manifest) => p.name === name).targetPort as string;
      expect(c.ports.map((p: Manifest) => p.name)).toContain(target);
    }
  });

  test('the serving certificate from the platform issuer', () => {
    const cert = objects.find('Certificate', NS, 'kubeflow-trainer-webhook-cert');
    expect(cert.spec.secretName).toBe(MANAGER_FACTS.certSecret);
    expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
    expect(cert.spec.dnsNames).toContain(`${NAME}.${NS}.svc`);
  });

  test.each(WEBHOOK_FACTS)(
    '%s %s: webhook %s at %s for %s',
    (kind, config, name, path, resource) => {
      const cfg = objects.find(kind, undefined, config);
      expect(cfg.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(
        `${NS}/kubeflow-trainer-webhook-cert`,
      );
      const hook = (cfg.webhooks as Manifest[]).find((w) => w.name === name);
      expect(hook).toBeDefined();
      expect(hook?.clientConfig.service).toEqual({ name: NAME, namespace: NS, path, port: 443 });
      expect(hook?.failurePolicy).toBe('Fail');
      expect(hook?.sideEffects).toBe('None');
      expect(hook?.admissionReviewVersions).toEqual(['v1']);
      expect(hook?.rules).toEqual([
        {
          apiGroups: ['trainer.kubeflow.org'],
          apiVersions: ['v1alpha1'],
          operations: ['CREATE', 'UPDATE'],
          resources: [resource],
        },
      ]);
    },
  );

  test('webhook configurations hold exactly upstream webhooks', () => {
    expect(
      objects.find('MutatingWebhookConfiguration', undefined, 'defaulter.trainer.kubeflow.org')
        .webhooks,
    ).toHaveLength(1);
    expect(
      objects.find('ValidatingWebhookConfiguration', undefined, 'validator.trainer.kubeflow.org')
        .webhooks,
    ).toHaveLength(3);
  });

  test("ClusterRole: upstream's rules less the certificate rotator's", () => {
    const role = objects.find('ClusterRole', undefined, NAME);
    expect(role.rules.map((r: Manifest) => [r.apiGroups, r.resources, r.verbs])).toEqual(
      MANAGER_RULE_FACTS,
    );
    const all = JSON.stringify(TRAINER_MANAGER_RULES);
    expect(all).not.toContain('admissionregistration');
    expect(TRAINER_CERT_ROTATION_RULES[0].apiGroups).toEqual(['admissionregistration.k8s.io']);
    const binding = objects.find('ClusterRoleBinding', undefined, NAME);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: NAME, namespace: NS }]);
    expect(objects.has('ServiceAccount', NS, NAME)).toBe(true);
  });

  test('the public version ConfigMap, readable by every authenticated user', () => {
    expect(objects.find('ConfigMap', NS, 'kubeflow-trainer-public').data).toEqual({
      kubeflow_trainer_version: 'v2.2.0',
    });
    expect(objects.find('Role', NS, 'kubeflow-trainer-public').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['kubeflow-trainer-public'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    expect(objects.find('RoleBinding', NS, 'kubeflow-trainer-public').subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    ]);
  });

  test('only the webhook port is opened, to any source', () => {
    expect(namespace.allows.map((a) => a.id)).toEqual(['trainer-webhook-from-apiserver']);
    expect(namespace.allows[0].allow.ports).toEqual([{ port: 9443 }]);
    expect(namespace.allows[0].allow.podLabels).toEqual(deployment.spec.selector.matchLabels);
  });
});

describe('KubeflowTrainer options', () => {
  test('the status server gate with its clients', () => {
    const { objects, namespace } = buildTrainer({
      featureGates: { TrainJobStatus: true },
      statusClients: NetworkPeer.namespacesWithLabel('app.kubernetes.io/part-of'),
      metricsScrapers: NetworkPeer.namespace('monitoring'),
      replicas: 2,
    });
    const cfg = parse(
      objects.find('ConfigMap', NS, 'kubeflow-trainer-config').data[
        'controller_manager_config.yaml'
      ] as string,
    ) as Manifest;
    expect(cfg.featureGates).toEqual({ TrainJobStatus: true });
    expect(namespace.allows.map((a) => [a.id, a.allow.ports])).toEqual([
      ['trainer-webhook-from-apiserver', [{ port: 9443 }]],
      ['trainer-status-server', [{ port: 10443 }]],
      ['trainer-metrics', [{ port: 8443 }]],
    ]);
    expect(objects.ofKind('PodDisruptionBudget')).toHaveLength(1);
  });

  test('without CRDs', () => {
    const { objects } = buildTrainer({ crds: false });
    expect(objects.ofKind('CustomResourceDefinition')).toEqual([]);
  });

  test('every problem at once', () => {
    expect(() =>
      buildTrainer({
        replicas: 0,
        featureGates: { Elastic: true } as never,
        statusClients: NetworkPeer.namespace('team-a'),
        issuer: { ...CLUSTER_ISSUER, solvesHttp01: true },
      }),
    ).toThrow(
      [
        'KubeflowTrainer: ',
        '- `replicas` must be a whole number of at least 1 (got 0). Use 1 or more.',
        '- `featureGates.Elastic` is not a feature gate of Trainer v2.2.0. Use one of TrainJobStatus.',
        '- `statusClients` is set while the status server is off. Set featureGates.TrainJobStatus to true, or leave statusClients out.',
        `- \`issuer\` is an ACME issuer (got HTTP-01 for ${NAME}.${NS}.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.`,
      ].join('\n'),
    );
  });
});
