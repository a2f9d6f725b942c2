import { Chart, Testing } from 'cdk8s';
import {
  GatewayExposureProps,
  exposeThroughGateway,
  gatewayHostProblem,
} from '../../../constructs/core/gateway-exposure';
import { IGateway } from '../../../constructs/core/mesh';
import { ExternalGateway } from '../../../constructs/istio/external';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Objects } from '../../helpers';

const GATEWAY_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } },
  podSelector: { matchLabels: { istio: 'ingressgateway' } },
};
const PRINCIPAL = 'cluster.local/ns/ingress/sa/istio-ingressgateway';
const POD_LABELS = { 'app.kubernetes.io/name': 'dashboard' };

/** A web app's chart with its namespace, and a gateway that lives in a chart of its own. */
function build(props: Partial<GatewayExposureProps> = {}, serviceAccount = 'istio-ingressgateway') {
  const app = Testing.app();
  const gatewayChart = new Chart(app, 'Gateway');
  const chart = new Chart(app, 'App');
  const gateway = new ExternalGateway(gatewayChart, 'Gateway', {
    namespace: 'ingress',
    selector: { istio: 'ingressgateway' },
    hosts: ['kubeflow.example.com'],
    gatewayName: 'public',
    ...(serviceAccount ? { serviceAccount } : {}),
  });
  const namespace = new PlatformNamespace(chart, 'Namespace', { name: 'kubeflow' });
  const make = () =>
    exposeThroughGateway(chart, {
      gateway,
      namespace,
      id: 'dashboard',
      prefix: '/',
      service: { host: 'dashboard.kubeflow.svc.cluster.local', port: 80 },
      podPort: 8082,
      podLabels: POD_LABELS,
      description: 'The central dashboard through the ingress gateway',
      component: 'Central dashboard',
      labels: { 'app.kubernetes.io/component': 'mesh-policy' },
      ...props,
    });
  return {
    make,
    objects: () => new Objects(Testing.synth(chart)),
    gatewayObjects: () => new Objects(Testing.synth(gatewayChart)),
  };
}

describe('exposeThroughGateway', () => {
  test('routes the prefix to the Service port, in the scope of the exposed service', () => {
    const { make, objects, gatewayObjects } = build({ rewrite: '/app/', timeoutSeconds: 30 });
    make();
    expect(gatewayObjects().ofKind('VirtualService')).toEqual([]);
    const vs = objects().find('VirtualService', 'kubeflow', 'dashboard');
    expect(vs.spec).toEqual({
      hosts: ['kubeflow.example.com'],
      gateways: ['ingress/public'],
      http: [
        {
          name: 'dashboard',
          match: [{ uri: { prefix: '/' } }],
          rewrite: { uri: '/app/' },
          route: [
            {
              destination: { host: 'dashboard.kubeflow.svc.cluster.local', port: { number: 80 } },
            },
          ],
          timeout: '30s',
        },
      ],
    });
  });

  test('lets the gateway pods reach the pods on their port, and nobody else', () => {
    const { make, objects } = build();
    make();
    const o = objects();
    expect(
      o
        .ofKind('NetworkPolicy')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['allow-dashboard-from-gateway', 'default-deny-ingress']);
    const allow = o.find('NetworkPolicy', 'kubeflow', 'allow-dashboard-from-gateway');
    expect(allow.spec.podSelector).toEqual({ matchLabels: POD_LABELS });
    expect(allow.spec.ingress).toEqual([
      { from: [GATEWAY_PEER], ports: [{ port: 8082, protocol: 'TCP' }] },
    ]);
    expect(allow.metadata.annotations['mlops-blueprint.dev/description']).toBe(
      'The central dashboard through the ingress gateway (from namespace ingress)',
    );
  });

  test('admits only the gateway identity over mutual TLS on the pod port', () => {
    const { make, objects } = build();
    const exposure = make();
    expect(exposure.podPort).toBe(8082);
    const policy = objects().find('AuthorizationPolicy', 'kubeflow', 'dashboard');
    expect(policy.apiVersion).toBe('security.istio.io/v1');
    expect(policy.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'mesh-policy' });
    expect(policy.spec).toEqual({
      selector: { matchLabels: POD_LABELS },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: [PRINCIPAL] } }],
          to: [{ operation: { ports: ['8082'] } }],
        },
      ],
    });
  });

  test('the pod port defaults to the Service port; the policy name to the id', () => {
    const { make, objects } = build({ podPort: undefined, authorizationPolicyName: 'web' });
    make();
    const o = objects();
    expect(o.find('AuthorizationPolicy', 'kubeflow', 'web').spec.rules[0].to).toEqual([
      { operation: { ports: ['80'] } },
    ]);
    expect(
      o.find('NetworkPolicy', 'kubeflow', 'allow-dashboard-from-gateway').spec.ingress[0].ports,
    ).toEqual([{ port: 80, protocol: 'TCP' }]);
  });

  test('further namespaces are admitted once each, over the network and mutual TLS', () => {
    const { make, objects } = build();
    const exposure = make();
    exposure.allowFromNamespace('pipelines', { description: 'the pipelines UI proxies to it' });
    exposure.allowFromNamespace('kubeflow', { description: 'its own namespace' });
    exposure.allowFromNamespace('pipelines', { description: 'again, ignored' });
    exposure.allowFromNamespace('notebooks', { description: 'notebooks', allowId: 'nb' });
    const o = objects();
    expect(
      o
        .ofKind('NetworkPolicy')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual([
      'allow-dashboard-from-gateway',
      'allow-dashboard-from-kubeflow',
      'allow-dashboard-from-pipelines',
      'allow-nb',
      'default-deny-ingress',
    ]);
    const pipelines = o.find('NetworkPolicy', 'kubeflow', 'allow-dashboard-from-pipelines');
    expect(pipelines.metadata.annotations['mlops-blueprint.dev/description']).toBe(
      'the pipelines UI proxies to it (from namespace pipelines)',
    );
    expect(pipelines.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pipelines' } } },
        ],
        ports: [{ port: 8082, protocol: 'TCP' }],
      },
    ]);
    expect(
      o.find('NetworkPolicy', 'kubeflow', 'allow-dashboard-from-kubeflow').spec.ingress[0].from,
    ).toEqual([{ podSelector: { matchLabels: {} } }]);
    expect(o.find('AuthorizationPolicy', 'kubeflow', 'dashboard').spec.rules[1]).toEqual({
      from: [{ source: { namespaces: ['kubeflow', 'notebooks', 'pipelines'] } }],
      to: [{ operation: { ports: ['8082'] } }],
    });
  });

  test('paths can be opened to GET without a mesh identity, after the identity rules', () => {
    const { make, objects } = build();
    const exposure = make();
    exposure.allowUnauthenticatedGet(['/keys', '/.well-known/openid-configuration']);
    exposure.allowUnauthenticatedGet(['/keys']);
    exposure.allowFromNamespace('pipelines', { description: 'pipelines' });
    const rules = objects().find('AuthorizationPolicy', 'kubeflow', 'dashboard').spec.rules;
    expect(rules).toHaveLength(3);
    expect(rules[1].from).toEqual([{ source: { namespaces: ['pipelines'] } }]);
    expect(rules[2]).toEqual({
      to: [
        {
          operation: {
            ports: ['8082'],
            methods: ['GET'],
            paths: ['/keys', '/.well-known/openid-configuration'],
          },
        },
      ],
    });
  });

  test('mistakes are reported together, in the house template', () => {
    const { make } = build({
      id: 'Dash_Board',
      podLabels: {},
      podPort: 0,
      description: ' ',
      authorizationPolicyName: 'Web',
    });
    expect(make).toThrow(
      [
        'Gateway exposure "Dash_Board": ',
        '- `id` is not a DNS label of at most 50 characters (got "Dash_Board"). Use lower-case letters, digits and \'-\', such as dex.',
        '- `authorizationPolicyName` is not a DNS label (got "Web"). Use lower-case letters, digits and \'-\', such as dex.',
        '- `podLabels` is empty (got {}). Select the pods behind the Service; an empty selector would admit the gateway to every pod of the namespace.',
        '- `podPort` is not a port number (got 0). Use a port from 1 to 65535.',
        '- `description` is empty. Say what users reach through the gateway; it documents the network allow.',
      ].join('\n'),
    );
  });

  test('a bad Service port is reported once when the pods use it too', () => {
    const { make } = build({
      podPort: undefined,
      service: { host: 'dashboard.kubeflow.svc.cluster.local', port: 70000 },
    });
    expect(make).toThrow(
      new Error(
        'Gateway exposure "dashboard": `service.port` is not a port number (got 70000). Use a port from 1 to 65535.',
      ),
    );
  });

  test('extra rules are checked too', () => {
    const { make } = build();
    const exposure = make();
    expect(() => exposure.allowUnauthenticatedGet(['keys'])).toThrow(
      'Gateway exposure "dashboard": `paths[0]` is not an absolute path (got "keys"). Use a path such as /dex/keys.',
    );
    expect(() => exposure.allowUnauthenticatedGet([])).toThrow(
      'Gateway exposure "dashboard": `paths` is empty (got []). Name the paths to open.',
    );
    expect(() => exposure.allowFromNamespace('Team A', { description: 'x' })).toThrow(
      'Gateway exposure "dashboard": `namespace` is not a namespace name (got "Team A"). Name the namespace of the calling pods.',
    );
  });

  test('a gateway of unknown identity cannot be the only one admitted', () => {
    const { make } = build({}, '');
    expect(make).toThrow(
      'Central dashboard admits only the ingress gateway, but the identity of gateway ingress/public is unknown. Name its service account (mesh.istio.gateway.serviceAccount).',
    );
  });
});

describe('gatewayHostProblem', () => {
  const gateway = { hosts: ['kubeflow.example.com', 'ml.example.org'] } as unknown as IGateway;

  test('a host the gateway serves is fine, with or without a port', () => {
    expect(gatewayHostProblem('host', 'ml.example.org', gateway)).toBeUndefined();
    expect(gatewayHostProblem('host', 'kubeflow.example.com:8443', gateway)).toBeUndefined();
  });

  test('another host, or no host name at all, is reported with the hosts the gateway serves', () => {
    expect(gatewayHostProblem('host', 'other.example.com', gateway)).toBe(
      '`host` is not one of the gateway\'s hosts (got "other.example.com"; the gateway serves kubeflow.example.com, ml.example.org). Use a host the gateway routes.',
    );
    expect(gatewayHostProblem('dex.host', 'https://kubeflow.example.com', gateway)).toMatch(
      /^`dex.host` is not one of the gateway's hosts \(got "https:\/\/kubeflow.example.com"; /,
    );
    expect(
      gatewayHostProblem('host', 'a.example.com', { hosts: [] } as unknown as IGateway),
    ).toContain('the gateway serves none)');
  });
});
