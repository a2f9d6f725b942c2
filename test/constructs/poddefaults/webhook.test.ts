import { imageReference } from '../../../constructs/core/images';
import {
  POD_DEFAULTS_DEFAULT_RESOURCES,
  POD_DEFAULTS_IMAGES,
  POD_DEFAULTS_VERSION,
} from '../../../constructs/poddefaults';
import { CLUSTER_ISSUER } from '../../fakes';
import { NS, buildWebhook } from './helpers';

const o = buildWebhook().objects();
const deployment = o.find('Deployment', NS, 'poddefaults-webhook-deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const mwc = o.find(
  'MutatingWebhookConfiguration',
  undefined,
  'poddefaults-webhook-mutating-webhook-configuration',
);
const hook = mwc.webhooks[0];

describe('PodDefaultsWebhook against kubeflow/dashboard v2.0.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { webhook } = buildWebhook();
    expect(webhook.namespace).toBe(NS);
    expect(webhook.replicas).toBe(1);
    expect(webhook.resources).toEqual(POD_DEFAULTS_DEFAULT_RESOURCES);
    expect(webhook.namespaceLabels).toEqual({ 'app.kubernetes.io/part-of': 'kubeflow-profile' });
    expect(webhook.serviceHost).toBe('poddefaults-webhook-service.kubeflow.svc');
    expect(webhook.crd?.crdName).toBe('poddefaults.kubeflow.org');
  });

  test('image: the pinned upstream image, through resolveImage', () => {
    expect(POD_DEFAULTS_VERSION).toBe('v2.0.0');
    expect(imageReference(POD_DEFAULTS_IMAGES.webhook)).toBe(
      'ghcr.io/kubeflow/dashboard/poddefaults-webhook:v2.0.0',
    );
    expect(container.image).toBe('ghcr.io/kubeflow/dashboard/poddefaults-webhook:v2.0.0');
    expect(container.name).toBe('poddefaults-webhook');
  });

  test("args, port and certificate mount: upstream's cert-manager overlay", () => {
    expect(container.args).toEqual([
      '--tlsCertFile=/etc/webhook/certs/tls.crt',
      '--tlsKeyFile=/etc/webhook/certs/tls.key',
    ]);
    expect(container.ports).toEqual([
      { name: 'https-webhook', containerPort: 4443, protocol: 'TCP' },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'webhook-cert', mountPath: '/etc/webhook/certs', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      {
        name: 'webhook-cert',
        secret: { secretName: 'poddefaults-webhook-certs', defaultMode: 292 },
      },
    ]);
    expect(container.env).toBeUndefined();
  });

  test('probes: upstream has none and no health path; ready once the TLS port listens', () => {
    expect(container.livenessProbe).toBeUndefined();
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'https-webhook' });
  });

  test('restricted pod as the image user 65532, without sidecar, requests and limits set', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe('poddefaults-webhook-service-account');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    });
    for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) {
      expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    }
  });

  test('Service: port 443 to the named container port', () => {
    const svc = o.find('Service', NS, 'poddefaults-webhook-service');
    expect(svc.spec.ports).toEqual([
      { name: 'https-webhook', port: 443, targetPort: 'https-webhook', protocol: 'TCP' },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('webhook: upstream name, path, review versions, rule, side effects and failure policy', () => {
    expect(hook.name).toBe('poddefaults-webhook-deployment.kubeflow.org');
    expect(hook.admissionReviewVersions).toEqual(['v1beta1', 'v1']);
    expect(hook.clientConfig).toEqual({
      service: {
        name: 'poddefaults-webhook-service',
        namespace: NS,
        path: '/apply-poddefault',
        port: 443,
      },
    });
    expect(hook.clientConfig.caBundle).toBeUndefined();
    expect(hook.rules).toEqual([
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['pods'],
        scope: 'Namespaced',
      },
    ]);
    expect(hook.sideEffects).toBe('None');
    expect(hook.failurePolicy).toBe('Fail');
    expect(hook.timeoutSeconds).toBe(10);
  });

  test('fails closed only for profile namespaces; system namespaces and its own never', () => {
    expect(hook.namespaceSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' },
      matchExpressions: [
        {
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn',
          values: ['kube-node-lease', 'kube-public', 'kube-system', 'kubeflow'],
        },
      ],
    });
    const custom = buildWebhook({ namespaceLabels: { tenant: 'true' } }).objects();
    const customHook = custom.find(
      'MutatingWebhookConfiguration',
      undefined,
      'poddefaults-webhook-mutating-webhook-configuration',
    ).webhooks[0];
    expect(customHook.namespaceSelector.matchLabels).toEqual({ tenant: 'true' });
    expect(customHook.namespaceSelector.matchExpressions[0].values).toContain('kube-system');
  });

  test('the CA comes from a Certificate of the platform issuer, injected by cainjector', () => {
    expect(mwc.metadata.annotations).toEqual({
      'cert-manager.io/inject-ca-from': 'kubeflow/poddefaults-webhook-cert',
    });
    const cert = o.find('Certificate', NS, 'poddefaults-webhook-cert');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
    expect(cert.spec.secretName).toBe('poddefaults-webhook-certs');
    expect(cert.spec.dnsNames).toEqual([
      'poddefaults-webhook-service.kubeflow.svc',
      'poddefaults-webhook-service.kubeflow.svc.cluster.local',
    ]);
    expect(cert.spec.usages).toContain('server auth');
  });

  test('RBAC: read access to PodDefaults only (upstream also grants writes it never uses)', () => {
    const upstreamVerbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
    const role = o.find('ClusterRole', undefined, 'poddefaults-webhook-cluster-role');
    expect(role.rules).toEqual([
      { apiGroups: ['kubeflow.org'], resources: ['poddefaults'], verbs: ['get', 'list', 'watch'] },
    ]);
    for (const v of role.rules[0].verbs) expect(upstreamVerbs).toContain(v);
    const binding = o.find(
      'ClusterRoleBinding',
      undefined,
      'poddefaults-webhook-cluster-role-binding',
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'poddefaults-webhook-cluster-role',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'poddefaults-webhook-service-account', namespace: NS },
    ]);
  });

  test("the aggregated user roles, rule by rule and label by label, as upstream's", () => {
    const agg = 'rbac.authorization.kubeflow.org/aggregate-to-';
    const admin = o.find(
      'ClusterRole',
      undefined,
      'poddefaults-webhook-kubeflow-poddefaults-admin',
    );
    const edit = o.find('ClusterRole', undefined, 'poddefaults-webhook-kubeflow-poddefaults-edit');
    const view = o.find('ClusterRole', undefined, 'poddefaults-webhook-kubeflow-poddefaults-view');
    expect(admin.metadata.labels[`${agg}kubeflow-admin`]).toBe('true');
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { [`${agg}kubeflow-poddefaults-admin`]: 'true' } }],
    });
    expect(admin.rules).toEqual([]);
    expect(edit.metadata.labels).toMatchObject({
      [`${agg}kubeflow-edit`]: 'true',
      [`${agg}kubeflow-poddefaults-admin`]: 'true',
    });
    expect(edit.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { [`${agg}kubeflow-poddefaults-edit`]: 'true' } }],
    });
    expect(edit.rules).toEqual([]);
    expect(view.metadata.labels).toMatchObject({
      [`${agg}kubeflow-view`]: 'true',
      [`${agg}kubeflow-poddefaults-edit`]: 'true',
    });
    expect(view.rules).toEqual([
      { apiGroups: ['kubeflow.org'], resources: ['poddefaults'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('the API server may reach the webhook port, and nothing else is opened', () => {
    const { namespace } = buildWebhook();
    expect(namespace.allows.map((a) => a.id)).toEqual(['poddefaults-webhook-from-apiserver']);
    expect(namespace.allows[0].allow.ports).toEqual([{ port: 4443 }]);
    expect(namespace.allows[0].allow.podLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test('errors: replicas, an empty namespace selector, an ACME issuer, a foreign Issuer', () => {
    expect(() =>
      buildWebhook(
        { replicas: 0, namespaceLabels: {} },
        {
          issuerRef: { name: 'le', kind: 'Issuer', group: 'cert-manager.io' },
          namespace: 'x',
          solvesHttp01: true,
        },
      ),
    ).toThrow(
      [
        'PodDefaultsWebhook: ',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
        '- `namespaceLabels` is empty (got {}). Name the labels of the tenant namespaces; an empty selector would put every namespace behind a webhook that fails closed.',
        '- `issuer` is an ACME issuer (got HTTP-01 for poddefaults-webhook-service.kubeflow.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
        "- `issuer` is an Issuer of namespace x (got a webhook in kubeflow). Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ].join('\n'),
    );
  });

  test('two replicas get a disruption budget; crd: false leaves the CRD out', () => {
    const two = buildWebhook({ replicas: 2, crd: false }).objects();
    expect(two.ofKind('PodDisruptionBudget')).toHaveLength(1);
    expect(two.ofKind('CustomResourceDefinition')).toHaveLength(0);
  });
});
