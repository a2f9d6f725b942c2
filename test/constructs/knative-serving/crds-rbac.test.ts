import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { KNATIVE_SERVING_NAMES } from '../../../constructs/knative-serving';
import { CRD_FACTS } from './facts';
import { Manifest, NS, buildServing } from './helpers';

const o = buildServing().objects();
const crds = o.ofKind('CustomResourceDefinition');

describe('Knative Serving CRDs: upstream identity', () => {
  test('exactly the twelve CRDs of config/core at the tag', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(Object.keys(CRD_FACTS).sort());
  });

  test.each(Object.entries(CRD_FACTS))('%s', (name, [kind, version, scope, shortNames, cats]) => {
    const crd = o.find('CustomResourceDefinition', undefined, name);
    expect(() =>
      new CustomResourceDefinition(crd as CustomResourceDefinition).validate(),
    ).not.toThrow();
    const s = crd.spec;
    expect(s.names.kind).toBe(kind);
    expect(s.names.plural).toBe(name.split('.')[0]);
    expect(s.names.singular).toBe(kind.toLowerCase());
    expect(s.names.shortNames ?? []).toEqual(shortNames);
    expect(s.names.categories).toEqual(cats);
    expect(s.scope).toBe(scope);
    expect(s.versions).toHaveLength(1);
    expect(s.versions[0]).toMatchObject({ name: version, served: true, storage: true });
    expect(s.versions[0].subresources).toEqual({ status: {} });
    expect(crd.metadata.labels['knative.dev/crd-install']).toBe('true');
    const schema = s.versions[0].schema.openAPIV3Schema;
    expect(schema.properties.spec['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  test('duck-type labels and required fields as upstream', () => {
    const labels = (n: string) => o.find('CustomResourceDefinition', undefined, n).metadata.labels;
    expect(labels('services.serving.knative.dev')).toMatchObject({
      'duck.knative.dev/addressable': 'true',
      'duck.knative.dev/podspecable': 'true',
    });
    expect(labels('routes.serving.knative.dev')['duck.knative.dev/addressable']).toBe('true');
    const spec = (n: string) =>
      o.find('CustomResourceDefinition', undefined, n).spec.versions[0].schema.openAPIV3Schema
        .properties.spec;
    expect(spec('podautoscalers.autoscaling.internal.knative.dev').required).toEqual([
      'protocolType',
      'scaleTargetRef',
    ]);
    expect(spec('revisions.serving.knative.dev').required).toEqual(['containers']);
    expect(spec('images.caching.internal.knative.dev').required).toEqual(['image']);
  });

  test('printer columns: ksvc URL and readiness', () => {
    const cols = o.find('CustomResourceDefinition', undefined, 'services.serving.knative.dev').spec
      .versions[0].additionalPrinterColumns as Manifest[];
    expect(cols.map((c) => c.name)).toEqual([
      'URL',
      'LatestCreated',
      'LatestReady',
      'Ready',
      'Reason',
    ]);
    expect(cols[3].jsonPath).toBe(".status.conditions[?(@.type=='Ready')].status");
  });
});

describe('Knative Serving RBAC', () => {
  const role = (n: string) => o.find('ClusterRole', undefined, n);
  const R = KNATIVE_SERVING_NAMES.clusterRoles;

  test('knative-serving-admin aggregates the controller label; bound to the controller SA', () => {
    expect(role(R.admin).aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { 'serving.knative.dev/controller': 'true' } }],
    });
    expect(role(R.core).metadata.labels['serving.knative.dev/controller']).toBe('true');
    const b = o.find('ClusterRoleBinding', undefined, 'knative-serving-controller-admin');
    expect(b.roleRef.name).toBe(R.admin);
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'controller', namespace: NS }]);
  });

  test('webhook configurations: read all, update only by name, never create or delete', () => {
    const rules = role(R.core).rules as Manifest[];
    const adm = rules.filter((r) => r.apiGroups.includes('admissionregistration.k8s.io'));
    expect(adm[0]).toEqual({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(adm.slice(1).every((r) => r.resourceNames?.length > 0)).toBe(true);
    expect(adm.flatMap((r) => r.verbs)).not.toContain('create');
    expect(adm.flatMap((r) => r.verbs)).not.toContain('delete');
    const names = adm.flatMap((r) => r.resourceNames ?? []);
    expect(names).toEqual(
      expect.arrayContaining([
        'webhook.serving.knative.dev',
        'validation.webhook.serving.knative.dev',
        'config.webhook.serving.knative.dev',
        'webhook.istio.networking.internal.knative.dev',
        'config.webhook.istio.networking.internal.knative.dev',
      ]),
    );
    const crd = rules.find((r) => r.apiGroups.includes('apiextensions.k8s.io'));
    expect(crd?.verbs).toEqual(['get', 'list', 'watch']);
  });

  test('the activator has its own SA, Role and cluster role', () => {
    const r = o.find('Role', NS, 'knative-serving-activator');
    expect(r.rules[1].resourceNames).toEqual(['routing-serving-certs', 'knative-serving-certs']);
    const b = o.find('ClusterRoleBinding', undefined, 'knative-serving-activator-cluster');
    expect(b.subjects[0].name).toBe('activator');
    expect(o.has('ServiceAccount', NS, 'activator')).toBe(true);
    expect(o.has('ServiceAccount', NS, 'controller')).toBe(true);
  });

  test('namespaced roles aggregate into Kubernetes and Kubeflow roles', () => {
    for (const level of ['admin', 'edit', 'view']) {
      const labels = role(`knative-serving-namespaced-${level}`).metadata.labels;
      expect(labels[`rbac.authorization.k8s.io/aggregate-to-${level}`]).toBe('true');
      expect(labels[`rbac.authorization.kubeflow.org/aggregate-to-kubeflow-${level}`]).toBe('true');
    }
    expect(
      buildServing({ props: { aggregatedRoles: false } })
        .objects()
        .has('ClusterRole', undefined, 'knative-serving-namespaced-edit'),
    ).toBe(false);
  });
});
