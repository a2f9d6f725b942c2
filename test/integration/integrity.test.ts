import { ENVIRONMENTS, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';
import { RenderedPlatform } from '../../stacks/render';
import { LAYERS } from '../../constructs/core/layers';

describe.each(ENVIRONMENTS)('$name holds together', ({ env }) => {
  test('selectors, references, ports, namespaces and CRD order are consistent', () => {
    expect(checkIntegrity(renderEnv(env))).toEqual([]);
  });
});

describe('the integrity check fails when it should', () => {
  const layer = (i: number, objects: object[]) =>
    ({ info: LAYERS[i], objects }) as RenderedPlatform['layers'][number];
  const pod = (extra: object) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'other' } },
        spec: {
          serviceAccountName: 'missing-sa',
          containers: [
            {
              name: 'c',
              image: 'x:1',
              ports: [{ name: 'http', containerPort: 80 }],
              env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }],
            },
          ],
          ...extra,
        },
      },
    },
  });

  test('reports each broken reference', () => {
    const rendered: RenderedPlatform = {
      environment: 't',
      images: [],
      requiredSecrets: [],
      requiredCrds: [],
      requiredNamespaces: [],
      requiredMeshProviders: [],
      readiness: [],
      overrides: [],
      versions: [],
      upgrades: [],
      production: false,
      layers: [
        layer(0, [{ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w' } }]),
        layer(1, [
          {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: { name: 'widgets.example.io' },
            spec: {
              group: 'example.io',
              names: { kind: 'Widget' },
              versions: [{ name: 'v1', served: true }],
            },
          },
          pod({}),
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'web', namespace: 'app' },
            spec: {
              selector: { app: 'other' },
              ports: [{ name: 'http', port: 80, targetPort: 'grpc' }],
            },
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'rb', namespace: 'app' },
            roleRef: { kind: 'Role', name: 'ghost' },
            subjects: [],
          },
        ]),
        layer(2, [
          { apiVersion: 'example.io/v2', kind: 'Widget', metadata: { name: 'v2' } },
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingWebhookConfiguration',
            metadata: { name: 'widgets' },
            webhooks: [
              {
                name: 'widgets.example.io',
                clientConfig: { service: { name: 'web', namespace: 'app', port: 8443 } },
                rules: [{ apiGroups: ['example.io'], resources: ['widgets'] }],
              },
            ],
          },
        ]),
      ],
    };
    expect(checkIntegrity(rendered)).toEqual([
      '01-crds Widget /w: no CRD for example.io/v1 Widget in an earlier layer',
      '02-namespaces Deployment app/web: namespace app is not created in this or an earlier layer',
      '02-namespaces Service app/web: namespace app is not created in this or an earlier layer',
      '02-namespaces RoleBinding app/rb: namespace app is not created in this or an earlier layer',
      '03-infrastructure Widget /v2: Widget v2 is not a served version of its CRD',
      'Deployment app/web: selector does not match its pod template',
      'Deployment app/web: ServiceAccount missing-sa does not exist',
      'Deployment app/web: Secret nope (env P) does not exist',
      'Service app/web: port http targets grpc, which no backend container exposes',
      'RoleBinding app/rb: Role ghost does not exist',
      'ValidatingWebhookConfiguration widgets: webhook widgets.example.io calls port 8443, which Service app/web does not expose',
      'Widget /w: admitted by ValidatingWebhookConfiguration widgets, which is not in an earlier layer',
      'Widget /v2: admitted by ValidatingWebhookConfiguration widgets, which is not in an earlier layer',
    ]);
  });
});
