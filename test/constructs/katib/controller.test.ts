import { parse } from 'yaml';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  KATIB_CERT_GENERATOR_RULES,
  KATIB_CONTROLLER_RULES,
  KATIB_UPSTREAM_CONTROLLER_RULES,
} from '../../../constructs/katib/rbac';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import {
  CERT_GENERATOR_ONLY,
  CONTROLLER_FACTS as F,
  SERVICE_PORTS,
  UPSTREAM_RULES,
  WEBHOOK_FACTS as W,
} from './facts';
import { Manifest, NS, buildController } from './helpers';

/** `group/resource: verbs` of a rule list, as the facts write upstream's. */
function ruleTable(
  rules: readonly { apiGroups?: string[]; resources?: string[]; verbs: string[] }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) {
    for (const g of r.apiGroups ?? []) {
      for (const res of r.resources ?? []) {
        out[`${g}/${res}`] = [...r.verbs].sort().join(' ');
      }
    }
  }
  return out;
}

describe('KatibController', () => {
  const built = buildController();
  const objects = built.objects();
  const deployment = objects.find('Deployment', NS, F.name);
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0] as Manifest;

  it('runs upstream image, command, args and env', () => {
    expect(container.name).toBe(F.name);
    expect(container.image).toBe(F.image);
    expect(container.command).toEqual(F.command);
    expect(container.args).toEqual(F.args);
    expect(container.env).toEqual([
      {
        name: 'KATIB_CORE_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      { name: 'KATIB_DB_MANAGER_SERVICE_NAMESPACE', value: '' },
      { name: 'KATIB_DB_MANAGER_SERVICE_IP', value: 'katib-db-manager.kubeflow' },
      { name: 'KATIB_DB_MANAGER_SERVICE_PORT', value: '6789' },
    ]);
    expect(built.controller.dbManagerAddress).toBe('katib-db-manager.kubeflow:6789');
  });

  it('has upstream ports, probes and mounts', () => {
    expect((container.ports as Manifest[]).map((p) => [p.name, p.containerPort])).toEqual(F.ports);
    expect(container.readinessProbe.httpGet).toEqual({ path: F.readiness, port: 'healthz' });
    expect(container.livenessProbe.httpGet).toEqual({ path: F.liveness, port: 'healthz' });
    expect(container.volumeMounts).toEqual([
      { name: 'cert', mountPath: F.certMount, readOnly: true },
      { name: 'katib-config', mountPath: F.configMount, subPath: F.configKey, readOnly: true },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'cert', secret: { secretName: F.certSecret, defaultMode: 0o444 } },
      { name: 'katib-config', configMap: { name: F.configMap } },
    ]);
  });

  it('stays out of the mesh and carries upstream label and scrape annotations', () => {
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe(F.sidecarInject);
    expect(pod.metadata.labels[F.podLabel[0]]).toBe(F.podLabel[1]);
    expect(deployment.spec.selector.matchLabels[F.podLabel[0]]).toBe(F.podLabel[1]);
    expect(pod.metadata.annotations['prometheus.io/port']).toBe('8080');
  });

  it('is restricted with requests and limits', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: F.runAsUser });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources.requests).toEqual({ cpu: '50m', memory: '128Mi' });
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
  });

  it('has the Service upstream has', () => {
    const svc = objects.find('Service', NS, 'katib-controller');
    expect((svc.spec.ports as Manifest[]).map((p) => [p.name, p.port, p.targetPort])).toEqual(
      SERVICE_PORTS,
    );
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it("has upstream's rules without the cert generator's", () => {
    const role = objects.find('ClusterRole', undefined, 'katib-controller');
    const ours = ruleTable(role.rules as Parameters<typeof ruleTable>[0]);
    // Upstream's `*` on Katib's own kinds is written out as the verbs the controller uses.
    const upstream = Object.fromEntries(
      Object.entries(UPSTREAM_RULES)
        .filter(([k]) => !CERT_GENERATOR_ONLY.includes(k))
        .map(([k, v]) => [k, v === '*' ? 'create delete get list patch update watch' : v]),
    );
    expect(Object.values(UPSTREAM_RULES).filter((v) => v === '*')).toHaveLength(9);
    expect(ours).toEqual(upstream);
    expect(Object.values(ours)).not.toContain('*');
    const upstreamOnly = ruleTable(KATIB_UPSTREAM_CONTROLLER_RULES);
    expect(Object.keys(upstreamOnly).sort()).toEqual(Object.keys(UPSTREAM_RULES).sort());
    expect(ruleTable(KATIB_CERT_GENERATOR_RULES)).not.toHaveProperty('/pods');
    expect(KATIB_CONTROLLER_RULES.length + KATIB_CERT_GENERATOR_RULES.length).toBe(
      KATIB_UPSTREAM_CONTROLLER_RULES.length,
    );
    const binding = objects.find('ClusterRoleBinding', undefined, 'katib-controller');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'katib-controller', namespace: NS },
    ]);
    expect(objects.ofKind('Role')).toHaveLength(0);
  });

  it('has upstream webhooks on the Service port 443 with cainjector', () => {
    const v = objects.find('ValidatingWebhookConfiguration', undefined, W.configurationName);
    const m = objects.find('MutatingWebhookConfiguration', undefined, W.configurationName);
    const hooks = (c: Manifest): string[][] =>
      (c.webhooks as Manifest[]).map((h) => [h.name, h.clientConfig.service.path]);
    expect(hooks(v)).toEqual(W.validating);
    expect(hooks(m)).toEqual(W.mutating);
    for (const c of [v, m]) {
      expect(c.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(
        `${NS}/katib-webhook-cert`,
      );
      for (const h of c.webhooks as Manifest[]) {
        expect(h.clientConfig.service).toMatchObject({
          name: 'katib-controller',
          namespace: NS,
          port: 443,
        });
        expect([h.failurePolicy, h.sideEffects, h.admissionReviewVersions]).toEqual([
          'Fail',
          'None',
          ['v1'],
        ]);
      }
    }
    expect(v.webhooks[0].rules).toEqual([
      {
        apiGroups: ['kubeflow.org'],
        apiVersions: ['v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['experiments'],
      },
    ]);
    const podHook = m.webhooks[1] as Manifest;
    expect(podHook.namespaceSelector).toEqual({
      matchLabels: { [W.injectionLabel[0]]: W.injectionLabel[1] },
    });
    expect(podHook.matchConditions).toEqual([
      { name: 'exclude-katib-controller', expression: W.matchCondition },
    ]);
    expect(podHook.rules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
    ]);
  });

  it('gets its serving certificate from the issuer in the Secret it mounts', () => {
    const cert = objects.find('Certificate', NS, 'katib-webhook-cert');
    expect(cert.spec.secretName).toBe(F.certSecret);
    expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
    expect(cert.spec.dnsNames).toEqual([
      'katib-controller.kubeflow.svc',
      'katib-controller.kubeflow.svc.cluster.local',
    ]);
  });

  it('lets the API server reach the webhook port only', () => {
    expect(built.namespace.allows).toHaveLength(1);
    const allow = built.namespace.allows[0];
    expect(allow.id).toBe('katib-controller-from-apiserver');
    expect(allow.allow.ports).toEqual([{ port: 8443 }]);
    expect(allow.allow.podLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  it('writes katib-config under the key the controller reads', () => {
    const cm = objects.find('ConfigMap', NS, F.configMap);
    expect(Object.keys(cm.data)).toEqual([F.configKey]);
    const doc = parse(cm.data[F.configKey] as string) as Manifest;
    expect([doc.apiVersion, doc.kind]).toEqual(['config.kubeflow.org/v1beta1', 'KatibConfig']);
    expect(doc.init.controller).toMatchObject({
      webhookPort: 8443,
      metricsAddr: ':8080',
      healthzAddr: ':18080',
      enableLeaderElection: false,
    });
  });

  it('uses the registry mirror and lists every image in the bill of materials', () => {
    const b = buildController({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com' });
    const objs = b.objects();
    const c = objs.find('Deployment', NS, F.name).spec.template.spec.containers[0] as Manifest;
    expect(c.image).toBe('mirror.example.com/kubeflow/katib/katib-controller:v0.19.0');
    const bom = BillOfMaterials.of(b.controller).images();
    expect(bom).toContain('mirror.example.com/kubeflow/katib/suggestion-pbt:v0.19.0');
    expect(bom).toHaveLength(12);
  });

  it('elects a leader with several replicas', () => {
    const objs = buildController({ replicas: 2 }).objects();
    const doc = parse(
      objs.find('ConfigMap', NS, 'katib-config').data['katib-config.yaml'],
    ) as Manifest;
    expect(doc.init.controller.enableLeaderElection).toBe(true);
    expect(objs.find('Role', NS, 'katib-controller-leader-election').rules).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'create', 'update'],
      },
    ]);
    expect(objs.has('PodDisruptionBudget', NS, 'katib-controller')).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(() =>
      buildController({
        replicas: 2,
        issuer: { ...CLUSTER_ISSUER, solvesHttp01: true },
        injectionNamespaceLabels: {},
        config: {
          controller: { enableLeaderElection: false, trialResources: ['job'] },
          suggestions: [
            { algorithmName: 'random', image: { registry: 'r', repository: 'a', tag: '1' } },
            { algorithmName: 'random', image: { registry: 'r', repository: 'a', tag: '1' } },
          ],
        },
      }),
    ).toThrow(
      [
        'KatibController: ',
        '- `config.suggestions` names an algorithm twice (got "random"). Keep one entry.',
        '- `config.controller.trialResources[0]` is not Kind.version.group (got "job"). Write it as e.g. Job.v1.batch or PyTorchJob.v1.kubeflow.org.',
        '- `config.controller.enableLeaderElection` is false with several replicas (got replicas 2). Turn leader election on or run one replica: two active controllers reconcile every experiment twice.',
        '- `injectionNamespaceLabels` is empty (got {}). Name the labels of the namespaces that run experiments; an empty selector sends every pod of the cluster to the webhook.',
        '- `issuer` is an ACME issuer (got HTTP-01 for katib-controller.kubeflow.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ].join('\n'),
    );
  });

  it('dials the DB manager it is given and asks it to admit the controller', () => {
    const asked: { id: string; labels: Readonly<Record<string, string>> }[] = [];
    const b = buildController({
      dbManager: {
        serviceHost: 'katib-db-manager.kubeflow.svc.cluster.local',
        servicePort: 6789,
        allowFrom: (id, labels) => asked.push({ id, labels }),
      },
    });
    const c = b.objects().find('Deployment', NS, F.name).spec.template.spec
      .containers[0] as Manifest;
    expect(c.env.find((e: Manifest) => e.name === 'KATIB_DB_MANAGER_SERVICE_IP').value).toBe(
      'katib-db-manager.kubeflow.svc.cluster.local',
    );
    expect(b.controller.dbManagerAddress).toBe('katib-db-manager.kubeflow.svc.cluster.local:6789');
    expect(asked).toEqual([{ id: 'katib-controller', labels: b.controller.podSelector }]);
  });

  it('follows the namespace it is given', () => {
    const ns = new FakeNamespace('katib');
    const objs = buildController({ namespace: ns }).objects();
    const m = objs.find('MutatingWebhookConfiguration', undefined, W.configurationName);
    expect(m.webhooks[1].matchConditions[0].expression).toBe(
      'request.userInfo.username != "system:serviceaccount:katib:katib-controller"',
    );
    expect(objs.find('Deployment', 'katib', F.name)).toBeDefined();
  });
});
