import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DASHBOARD_DEFAULT_RESOURCES,
  DEFAULT_DOCUMENTATION_ITEMS,
  DEFAULT_PROFILE_NAMESPACE_LABELS,
  KFAM_DEFAULT_RESOURCES,
  MenuEntry,
  PROFILE_CONTROLLER_DEFAULT_RESOURCES,
  kubeflowDashboardVersionTable,
} from '../../../constructs/kubeflow-dashboard';
import { REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import { Testing, Chart } from 'cdk8s';
import { KubeflowDashboard } from '../../../constructs/kubeflow-dashboard';
import { FakeGateway, FakeMesh, FakeNamespace } from '../../fakes';
import { REPO_ROOT } from '../../helpers';
import { Manifest, NS, build, containerOf } from './helpers';

const NOTEBOOKS = MenuEntry.item({ link: '/jupyter/', text: 'Notebooks', icon: 'book' });
const PIPELINES = MenuEntry.section({
  text: 'Pipelines',
  icon: 'kubeflow:pipeline-centered',
  items: [
    { link: '/pipeline/#/pipelines', text: 'Pipelines' },
    { link: '/pipeline/#/runs', text: 'Runs' },
  ],
});

describe('KubeflowDashboard with only what it needs', () => {
  const built = build();
  const objects = built.objects();
  const d = built.dashboard;

  test('documented defaults', () => {
    expect(d.namespace).toBe(NS);
    expect(d.userIdHeader).toBe('kubeflow-userid');
    expect(d.userIdPrefix).toBe('');
    expect(d.registrationFlow).toBe(false);
    expect(d.logoutUrl).toBe('/oauth2/sign_out');
    expect(d.menu).toEqual([]);
    expect(d.profileNamespaceLabels).toEqual({
      ...DEFAULT_PROFILE_NAMESPACE_LABELS,
      'istio-injection': 'enabled',
    });
    expect(d.dashboardPrincipal).toBe('cluster.local/ns/kubeflow/sa/dashboard');
    const res = (name: string) => containerOf(objects, name).resources;
    expect(res('dashboard')).toEqual({
      requests: {
        cpu: DASHBOARD_DEFAULT_RESOURCES.cpu.request,
        memory: DASHBOARD_DEFAULT_RESOURCES.memory.request,
      },
      limits: {
        cpu: DASHBOARD_DEFAULT_RESOURCES.cpu.limit,
        memory: DASHBOARD_DEFAULT_RESOURCES.memory.limit,
      },
    });
    expect(res('profiles-deployment').limits.memory).toBe(
      PROFILE_CONTROLLER_DEFAULT_RESOURCES.memory.limit,
    );
    expect(res('profiles-kfam').limits.memory).toBe(KFAM_DEFAULT_RESOURCES.memory.limit);
  });

  test('dashboard-config: an empty menu, the Kubeflow website, upstream settings', () => {
    const data = objects.find('ConfigMap', NS, 'dashboard-config').data;
    expect(JSON.parse(data.links)).toEqual({
      menuLinks: [],
      externalLinks: [],
      documentationItems: DEFAULT_DOCUMENTATION_ITEMS,
      quickLinks: [],
    });
    expect(JSON.parse(data.settings)).toEqual({ DASHBOARD_FORCE_IFRAME: true });
  });

  test('the dashboard owns / on the gateway, admitting only the gateway', () => {
    expect(built.gateway.routes).toEqual([
      {
        id: 'dashboard',
        route: {
          namespace: NS,
          prefix: '/',
          rewrite: '/',
          destination: { host: 'dashboard.kubeflow.svc.cluster.local', port: 80 },
        },
      },
    ]);
    const policy = objects.find('AuthorizationPolicy', NS, 'dashboard');
    expect(policy.spec.rules).toEqual([
      {
        from: [
          { source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway'] } },
        ],
        to: [{ operation: { ports: ['8082'] } }],
      },
    ]);
    expect(policy.spec.selector.matchLabels).toEqual(
      objects.find('Deployment', NS, 'dashboard').spec.selector.matchLabels,
    );
  });

  test('KFAM: no route; its AuthorizationPolicy admits exactly the dashboard on 8081', () => {
    expect(built.gateway.routes.map((r) => r.route.prefix)).not.toContain('/kfam/');
    expect(objects.ofKind('VirtualService')).toEqual([]);
    const policy = objects.find('AuthorizationPolicy', NS, 'profiles-kfam');
    expect(policy.spec).toEqual({
      selector: {
        matchLabels: objects.find('Deployment', NS, 'profiles-kfam').spec.selector.matchLabels,
      },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/kubeflow/sa/dashboard'] } }],
          to: [{ operation: { ports: ['8081'] } }],
        },
      ],
    });
    // the principal is the dashboard pods' account
    expect(objects.find('Deployment', NS, 'dashboard').spec.template.spec.serviceAccountName).toBe(
      'dashboard',
    );
  });

  test('network allows: gateway to the dashboard on 8082, dashboard pods to KFAM on 8081, nothing else', () => {
    const allows = built.namespace.allows.map(({ id, allow }) => ({
      id,
      podLabels: allow.podLabels,
      from: allow.from.map((p) => p.toPeer()),
      ports: allow.ports,
    }));
    const dashboardPods = objects.find('Deployment', NS, 'dashboard').spec.selector
      .matchLabels as Manifest;
    const kfamPods = objects.find('Deployment', NS, 'profiles-kfam').spec.selector
      .matchLabels as Manifest;
    expect(allows).toEqual([
      {
        id: 'dashboard-from-gateway',
        podLabels: dashboardPods,
        from: [built.gateway.peer.toPeer()],
        ports: [{ port: 8082 }],
      },
      {
        id: 'profiles-kfam-from-dashboard',
        podLabels: kfamPods,
        from: [{ podSelector: { matchLabels: dashboardPods } }],
        ports: [{ port: 8081 }],
      },
    ]);
  });

  test('every object outside the CRD layer is in the given namespace or cluster-scoped RBAC', () => {
    for (const o of objects.all) {
      if (o.metadata.namespace === undefined)
        expect(['ClusterRole', 'ClusterRoleBinding']).toContain(o.kind);
      else expect(o.metadata.namespace).toBe(NS);
    }
  });
});

describe('KubeflowDashboard with props', () => {
  test('the menu from typed entries, in upstream shape and order', () => {
    const objects = build({
      menu: [NOTEBOOKS, PIPELINES],
      quickLinks: [
        { desc: 'Kubeflow Notebooks', link: '/jupyter/new', text: 'Create a new Notebook' },
      ],
    }).objects();
    const links = JSON.parse(objects.find('ConfigMap', NS, 'dashboard-config').data.links);
    expect(links.menuLinks).toEqual([
      { type: 'item', link: '/jupyter/', text: 'Notebooks', icon: 'book' },
      {
        type: 'section',
        text: 'Pipelines',
        icon: 'kubeflow:pipeline-centered',
        items: [
          { type: 'item', link: '/pipeline/#/pipelines', text: 'Pipelines' },
          { type: 'item', link: '/pipeline/#/runs', text: 'Runs' },
        ],
      },
    ]);
    expect(links.quickLinks).toEqual([
      { desc: 'Kubeflow Notebooks', link: '/jupyter/new', text: 'Create a new Notebook' },
    ]);
  });

  test('user header, prefix, registration and admins reach the controller, KFAM and the dashboard', () => {
    const objects = build({
      userIdHeader: 'x-user',
      userIdPrefix: 'sso:',
      registrationFlow: true,
      clusterAdmins: ['admin@example.com', 'ops@example.com'],
      profileNamespaceLabels: { team: 'ml' },
    }).objects();
    const config = objects.find('ConfigMap', NS, 'profiles-config').data;
    expect([config.USERID_HEADER, config.USERID_PREFIX, config.ADMIN]).toEqual([
      'x-user',
      'sso:',
      'admin@example.com,ops@example.com',
    ]);
    const env = Object.fromEntries(
      (containerOf(objects, 'dashboard').env as Manifest[]).map((e) => [e.name, e.value]),
    );
    expect([env.USERID_HEADER, env.USERID_PREFIX, env.REGISTRATION_FLOW]).toEqual([
      'x-user',
      'sso:',
      'true',
    ]);
    expect(
      objects.find('ConfigMap', NS, 'profiles-namespace-labels-data').data['namespace-labels.yaml'],
    ).toBe('istio-injection: "enabled"\nteam: "ml"\n');
  });

  test('images follow the registry mirror', () => {
    const app = Testing.app();
    app.node.setContext(REGISTRY_MIRROR_CONTEXT, 'registry.internal');
    const chart = new Chart(app, 'Test');
    new KubeflowDashboard(chart, 'D', {
      namespace: new FakeNamespace(NS),
      gateway: new FakeGateway(chart, 'G'),
      mesh: new FakeMesh(),
    });
    const images = (Testing.synth(chart) as Manifest[])
      .filter((o) => o.kind === 'Deployment')
      .map((o) => o.spec.template.spec.containers[0].image as string)
      .sort();
    expect(images).toEqual([
      'registry.internal/kubeflow/dashboard/access-management:v2.0.0',
      'registry.internal/kubeflow/dashboard/dashboard:v2.0.0',
      'registry.internal/kubeflow/dashboard/profile-controller:v2.0.0',
    ]);
  });

  test('every problem of the menu and links at once, with its path', () => {
    expect(() =>
      build({
        menu: [
          MenuEntry.item({ link: 'jupyter', text: 'Notebooks' }),
          MenuEntry.section({ text: '', items: [] }),
          NOTEBOOKS,
          NOTEBOOKS,
        ],
        quickLinks: [{ link: 'http://example.com', text: 'Plain' }],
      }),
    ).toThrow(
      [
        'KubeflowDashboard: ',
        '- `menu[0].link` is neither a path nor an https URL (got "jupyter"). Use a path on the gateway host such as /jupyter/, or https://...',
        '- `menu[1].text` is empty. Name the section.',
        '- `menu[1].items` is empty. Give the section at least one link.',
        '- `menu[3]` links to a path another entry links to (got "/jupyter/"). List each link once.',
        '- `quickLinks[0].link` is neither a path nor an https URL (got "http://example.com"). Use a path on the gateway host such as /jupyter/new, or https://...',
      ].join('\n'),
    );
  });

  test('a profile namespace label that Kubernetes would refuse is an error', () => {
    expect(() => build({ profileNamespaceLabels: { 'bad key!': 'x' } })).toThrow(
      'KubeflowDashboard profile controller: `namespaceLabels.bad key!` is not a label key (got "bad key!"). Use a key such as example.com/team.',
    );
  });

  test('a gateway without a known identity is an error that says what to configure', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'Test');
    expect(
      () =>
        new KubeflowDashboard(chart, 'D', {
          namespace: new FakeNamespace(NS),
          gateway: new FakeGateway(chart, 'G', undefined, null),
          mesh: new FakeMesh(),
        }),
    ).toThrow(/identity of gateway .* is unknown/);
  });

  test('the README version table is generated from versions.ts', () => {
    const readme = fs.readFileSync(
      path.join(REPO_ROOT, 'constructs/kubeflow-dashboard/README.md'),
      'utf8',
    );
    expect(readme).toContain(kubeflowDashboardVersionTable());
  });
});
