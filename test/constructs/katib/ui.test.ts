import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import { KatibDbManager } from '../../../constructs/katib/db-manager';
import {
  KATIB_UI_DEFAULT_RESOURCES,
  KATIB_UI_MENU_ITEM,
  KATIB_UI_RULES,
  KATIB_UI_UPSTREAM_RULES,
  KatibUi,
  KatibUiProps,
} from '../../../constructs/katib/ui';
import { FakeGateway, FakeNamespace, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, KATIB_APPS_FACTS } from './facts-apps';

const NS = 'kubeflow';
const F = KATIB_APPS_FACTS.ui;
const DB_MANAGER = {
  serviceHost: 'katib-db-manager.kubeflow.svc.cluster.local',
  servicePort: 6789,
};

function build(props: Partial<KatibUiProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const ui = new KatibUi(chart, 'Ui', { namespace, gateway, dbManager: DB_MANAGER, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, F.name);
  const container = deployment.spec.template.spec.containers[0] as Manifest;
  const env = new Map<string, Manifest>(
    (container.env as Manifest[]).map((e) => [e.name as string, e]),
  );
  return { chart, namespace, gateway, ui, objects, deployment, container, env };
}

const built = build();
const { objects, deployment, container, env } = built;

describe('KatibUi', () => {
  test('image, command, args, port and Service as upstream', () => {
    expect(container.image).toBe(F.image);
    expect(BillOfMaterials.of(built.chart).images()).toContain(F.image);
    expect(container.command).toEqual(F.command);
    expect(container.args).toEqual([
      ...F.args,
      `${F.dbManagerFlag}=katib-db-manager.kubeflow.svc.cluster.local:6789`,
    ]);
    expect(container.ports).toEqual([
      { name: F.portName, containerPort: F.containerPort, protocol: 'TCP' },
    ]);
    const svc = objects.find('Service', NS, F.name);
    expect(svc.spec.ports).toEqual([
      {
        name: F.portName,
        port: F.servicePort,
        targetPort: F.portName,
        protocol: 'TCP',
        appProtocol: 'http',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.selector.matchLabels).toMatchObject(F.podLabel);
  });

  test('env: Kubeflow enables the authz checks; header and prefix from props', () => {
    expect(env.get('APP_DISABLE_AUTH')?.value).toBe(F.appDisableAuth);
    expect(env.get('USERID_HEADER')?.value).toBe('kubeflow-userid');
    expect(env.get('USERID_PREFIX')?.value).toBe('');
    expect(env.get('KATIB_CORE_NAMESPACE')?.valueFrom).toEqual({
      fieldRef: { fieldPath: 'metadata.namespace' },
    });
    for (const name of F.env) expect(env.has(name)).toBe(true);
    const other = build({ userIdHeader: 'x-user', userIdPrefix: 'accounts.example.com:' });
    expect(other.env.get('USERID_HEADER')?.value).toBe('x-user');
    expect(other.env.get('USERID_PREFIX')?.value).toBe('accounts.example.com:');
    const deny = other.objects.find('AuthorizationPolicy', NS, 'katib-ui-require-user');
    expect(deny.spec.rules[0].when).toEqual([{ key: 'request.headers[x-user]', notValues: ['*'] }]);
  });

  test('sidecar as Kubeflow patches it, held until the proxy starts', () => {
    const meta = deployment.spec.template.metadata;
    expect(meta.labels['sidecar.istio.io/inject']).toBe(F.sidecarInject);
    expect(meta.annotations['proxy.istio.io/config']).toBe(
      '{"holdApplicationUntilProxyStarts":true}',
    );
  });

  test('gateway route: /katib/ rewritten to itself, to the Service port', () => {
    expect(built.gateway.routes).toHaveLength(1);
    const { id, route } = built.gateway.routes[0];
    expect(id).toBe('katib-ui');
    expect(route).toEqual({
      namespace: NS,
      prefix: F.prefix,
      rewrite: F.rewrite,
      destination: { host: 'katib-ui.kubeflow.svc.cluster.local', port: F.servicePort },
    });
  });

  test('AuthorizationPolicy: only the gateway on 8080; DENY without the user header', () => {
    const allow = objects.find('AuthorizationPolicy', NS, 'katib-ui');
    expect(allow.spec.action).toBe('ALLOW');
    expect(allow.spec.selector.matchLabels).toEqual(built.ui.podLabels);
    expect(allow.spec.rules).toEqual([
      {
        from: [
          { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
        ],
        to: [{ operation: { ports: ['8080'] } }],
      },
    ]);
    const deny = objects.find('AuthorizationPolicy', NS, 'katib-ui-require-user');
    expect(deny.spec.action).toBe('DENY');
    expect(deny.spec.rules).toEqual([
      {
        to: [{ operation: { ports: ['8080'] } }],
        when: [{ key: 'request.headers[kubeflow-userid]', notValues: ['*'] }],
      },
    ]);
  });

  test('network: the gateway reaches the pod port', () => {
    const allow = built.namespace.allows.find((a) => a.id === 'katib-ui-from-gateway');
    expect(allow?.allow.ports).toEqual([{ port: F.containerPort }]);
    expect(allow?.allow.podLabels).toEqual(built.ui.podLabels);
    expect(allow?.allow.from).toEqual([built.gateway.peer]);
  });

  test('with a KatibDbManager: dials its Service and is admitted to its gRPC port', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'Test');
    const namespace = new FakeNamespace(NS);
    const gateway = new FakeGateway(chart, 'Gateway');
    const dbManager = new KatibDbManager(chart, 'Db', { namespace, database: new FakeDatabase() });
    const ui = new KatibUi(chart, 'Ui', { namespace, gateway, dbManager });
    expect(ui.dbManagerAddress).toBe('katib-db-manager.kubeflow.svc.cluster.local:6789');
    const allow = namespace.allows.find((a) => a.id === 'katib-db-manager-from-ui');
    expect(allow?.allow.podLabels).toEqual(dbManager.podLabels);
    expect(allow?.allow.ports).toEqual([{ port: 6789 }]);
    expect(allow?.allow.from[0].toPeer()).toEqual({ podSelector: { matchLabels: ui.podLabels } });
  });

  test('ClusterRole: upstream facts kept; rendered rules are the calls the backend makes', () => {
    expect(KATIB_UI_UPSTREAM_RULES).toEqual(F.upstreamRules);
    const role = objects.find('ClusterRole', undefined, 'katib-ui');
    expect(role.rules).toEqual(KATIB_UI_RULES);
    // Nothing beyond what upstream grants, and no wildcard.
    for (const rule of role.rules as Manifest[]) {
      expect(rule.verbs).not.toContain('*');
      for (const resource of rule.resources as string[]) {
        const upstream = F.upstreamRules.find(
          (u) =>
            u.apiGroups?.includes(rule.apiGroups[0] as string) && u.resources?.includes(resource),
        );
        expect(upstream).toBeDefined();
        if (!upstream?.verbs.includes('*')) {
          for (const verb of rule.verbs as string[]) expect(upstream?.verbs).toContain(verb);
        }
      }
    }
    expect(role.rules).toContainEqual({
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
    });
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['namespaces'],
      verbs: ['list'],
    });
    const binding = objects.find('ClusterRoleBinding', undefined, 'katib-ui');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'katib-ui',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'katib-ui', namespace: NS }]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('katib-ui');
  });

  test('defaults, probes and a restricted security context', () => {
    expect(built.ui.replicas).toBe(1);
    expect(built.ui.resources).toEqual(KATIB_UI_DEFAULT_RESOURCES);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/katib/', port: F.portName });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/katib/', port: F.portName });
    const spec = deployment.spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: F.runAsUser });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test("the dashboard's menu entry, Kubeflow's", () => {
    expect(KATIB_UI_MENU_ITEM).toEqual({
      link: '/katib/',
      text: 'Katib Experiments',
      icon: 'kubeflow:katib',
    });
  });

  test('every problem at once', () => {
    expect(() =>
      build({
        userIdHeader: 'bad header',
        dbManager: { serviceHost: 'Not A Host', servicePort: 0 },
        replicas: 0,
      }),
    ).toThrow(
      [
        'KatibUi: ',
        '- `userIdHeader` is not an HTTP header name (got "bad header"). Use the header the gateway sets, such as kubeflow-userid.',
        '- `dbManager.servicePort` is not a port number (got 0). Use a port from 1 to 65535, such as 6789.',
        '- `dbManager.serviceHost` is not a host name (got "Not A Host"). Use the Service host, such as katib-db-manager.kubeflow.svc.cluster.local.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });
});
