import {
  Manifest,
  Obj,
  allObjects,
  findObject,
  objectsOfKind,
  readEnvironment,
  renderEnv,
} from '../helpers';

/**
 * The path a user takes after signing in: the gateway's catch-all route to the central dashboard,
 * the dashboard's menu to each web app, the mesh policies that let exactly the gateway (and for
 * KFAM exactly the dashboard) in, and the gateway's authentication in front of all of it.
 */

interface MenuItem {
  readonly type: 'item';
  readonly link: string;
  readonly text: string;
  readonly icon?: string;
}
interface MenuSection {
  readonly type: 'section';
  readonly text: string;
  readonly items: readonly MenuItem[];
}

const WEB_APPS = [
  'dashboard',
  'jupyter-web-app',
  'volumes-web-app',
  'tensorboards-web-app',
  'ml-pipeline-ui',
  'kserve-models-web-application',
  'katib-ui',
  'model-registry-ui',
];
/** Pipelines' policies, each asserted by its construct's tests (test/constructs/kubeflow-pipelines). */
const PIPELINES_POLICIES = [
  'ml-pipeline',
  'ml-pipeline-visualizationserver',
  'metadata-grpc-service',
  'service-cache-server',
];
/** The Katib UI refuses requests without the user header (test/constructs/katib/ui.test.ts). */
const KATIB_POLICIES = ['katib-ui-require-user'];
/** The registry UI's DENY for requests without the user, the catalog's (gateway and the UI), its database's. */
const HUB_POLICIES = ['model-registry-ui-require-user', 'model-catalog', 'model-catalog-postgres'];

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Pod templates of the workloads in `namespace` that `selector` selects. */
function selectedPods(
  objects: readonly Obj[],
  namespace: string,
  selector: Record<string, string>,
) {
  return objects
    .filter(
      (o) =>
        ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) &&
        o.metadata.namespace === namespace &&
        matches(selector, o.spec.template.metadata?.labels as Record<string, string>),
    )
    .map((o) => ({ owner: `${o.kind} ${o.metadata.name}`, spec: o.spec.template.spec as Obj }));
}

/** The container port a Service port's `targetPort` (a number or a port name) reaches in a pod. */
function containerPortOf(pod: Obj, targetPort: number | string): number | undefined {
  const ports = (pod.containers as Obj[]).flatMap((c) => (c.ports ?? []) as Obj[]);
  const port = ports.find((p) =>
    typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort,
  );
  return port?.containerPort as number | undefined;
}

/**
 * Where a route's destination ends: the Service and port it names, and the container port that
 * port targets in every pod the Service selects. Fails if any link of the chain is missing.
 */
function resolveDestination(objects: readonly Obj[], destination: Obj) {
  const host = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(destination.host as string);
  if (!host) throw new Error(`destination host ${String(destination.host)} is not a Service FQDN`);
  const [, name, namespace] = host;
  const service = findObject(objects, 'Service', namespace, name);
  const ports = service.spec.ports as Obj[];
  const port = ports.find((p) => p.port === destination.port?.number);
  if (!port) {
    throw new Error(
      `Service ${namespace}/${name} has no port ${String(destination.port?.number)} (has ${ports.map((p) => p.port as number).join(', ')})`,
    );
  }
  const pods = selectedPods(objects, namespace, service.spec.selector as Record<string, string>);
  const targets = pods.map((p) => ({
    owner: p.owner,
    containerPort: containerPortOf(p.spec, (port.targetPort ?? port.port) as number | string),
  }));
  return { namespace, name, service, port, pods, targets };
}

/** Every `http` route of every VirtualService bound to `gateway` for `host` with this prefix. */
function routesFor(objects: readonly Obj[], gateway: string, host: string, prefix: string) {
  return objectsOfKind(objects, 'VirtualService')
    .filter(
      (vs) =>
        ((vs.spec.gateways ?? []) as string[]).includes(gateway) &&
        ((vs.spec.hosts ?? []) as string[]).includes(host),
    )
    .flatMap((vs) =>
      ((vs.spec.http ?? []) as Obj[])
        .filter((h) => ((h.match ?? []) as Obj[]).some((m) => m.uri?.prefix === prefix))
        .map((h) => ({ vs, http: h })),
    );
}

/**
 * The route the gateway takes for a browser path: Istio orders the matches of one host by
 * VirtualService, and moves catch-all routes (`/`) last; ours never overlap otherwise, so the
 * longest matching prefix is the one. A link's `#fragment` never reaches the gateway.
 */
function routeServing(objects: readonly Obj[], gateway: string, host: string, link: string) {
  const path = link.split('#')[0];
  const matching = objectsOfKind(objects, 'VirtualService')
    .filter(
      (vs) =>
        ((vs.spec.gateways ?? []) as string[]).includes(gateway) &&
        ((vs.spec.hosts ?? []) as string[]).includes(host),
    )
    .flatMap((vs) =>
      ((vs.spec.http ?? []) as Obj[]).flatMap((h) =>
        ((h.match ?? []) as Obj[])
          .map((m) => m.uri?.prefix as string | undefined)
          .filter((p): p is string => p !== undefined && path.startsWith(p))
          .map((prefix) => ({ vs, http: h, prefix })),
      ),
    )
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return matching.length > 0 && matching[0].prefix !== '/'
    ? matching.filter((m) => m.prefix === matching[0].prefix)
    : [];
}

function menuOf(objects: readonly Obj[]): (MenuItem | MenuSection)[] {
  const config = findObject(objects, 'ConfigMap', 'kubeflow', 'dashboard-config');
  return (JSON.parse(config.data.links as string) as { menuLinks: (MenuItem | MenuSection)[] })
    .menuLinks;
}

const linksOf = (menu: readonly (MenuItem | MenuSection)[]) =>
  menu.flatMap((m) => (m.type === 'item' ? [m.link] : m.items.map((i) => i.link)));

/**
 * Istio's path match of AuthorizationPolicy `paths`/`notPaths`: exact, `prefix*`, `*suffix`, or
 * `*` for any non-empty path.
 */
function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return path !== '';
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return pattern === path;
}

/** Whether one `to` operation of a rule applies to a request for `path` on `port`. */
function operationCovers(operation: Obj | undefined, path: string, port: number): boolean {
  if (!operation) return true;
  const paths = operation.paths as string[] | undefined;
  const notPaths = (operation.notPaths ?? []) as string[];
  const ports = operation.ports as string[] | undefined;
  const notPorts = (operation.notPorts ?? []) as string[];
  return (
    (paths === undefined || paths.some((p) => pathMatches(p, path))) &&
    !notPaths.some((p) => pathMatches(p, path)) &&
    (ports === undefined || ports.includes(String(port))) &&
    !notPorts.includes(String(port))
  );
}

/** Whether a gateway policy's rules apply to a request for `path` on `port`, whatever its source. */
function policyCovers(policy: Manifest, path: string, port: number): boolean {
  return ((policy.spec.rules ?? []) as Obj[]).some((rule) => {
    const to = rule.to as Obj[] | undefined;
    return to === undefined || to.some((t) => operationCovers(t.operation as Obj, path, port));
  });
}

describe.each([
  { file: 'stacks/dev.yaml', domain: 'kubeflow.localhost' },
  { file: 'stacks/prod.yaml', domain: 'kubeflow.example.com' },
])('the Kubeflow login path of $file', ({ file, domain }) => {
  const objects = allObjects(renderEnv(readEnvironment(file)));
  const gatewayObject = findObject(objects, 'Gateway', 'istio-system', 'platform-gateway');
  const gatewayRef = 'istio-system/platform-gateway';
  const gatewayPods = selectedPods(
    objects,
    'istio-system',
    gatewayObject.spec.selector as Record<string, string>,
  );
  const gatewayPrincipal = 'cluster.local/ns/istio-system/sa/istio-ingressgateway';
  const httpsPort = 443;

  test('the gateway serves the domain on 443 from pods running as istio-ingressgateway', () => {
    expect(
      (gatewayObject.spec.servers as Obj[]).map((s) => [s.port.number, s.hosts, s.tls?.mode]),
    ).toEqual([
      [80, [domain], undefined],
      [httpsPort, [domain], 'SIMPLE'],
    ]);
    expect(gatewayPods.map((p) => [p.owner, p.spec.serviceAccountName])).toEqual([
      ['Deployment istio-ingressgateway', 'istio-ingressgateway'],
    ]);
    // the HTTPS server listens on 443 of the gateway pod itself, which the policies below match
    expect(gatewayPods[0].spec.containers[0].ports.map((p: Obj) => p.containerPort)).toContain(
      httpsPort,
    );
  });

  test('`/` routes to Service kubeflow/dashboard on a port that targets the dashboard container', () => {
    const routes = routesFor(objects, gatewayRef, domain, '/');
    expect(routes.map((r) => `${r.vs.metadata.namespace}/${r.vs.metadata.name}`)).toEqual([
      'kubeflow/dashboard',
    ]);
    const destinations = (routes[0].http.route as Obj[]).map((r) => r.destination as Obj);
    expect(destinations).toEqual([
      { host: 'dashboard.kubeflow.svc.cluster.local', port: { number: 80 } },
    ]);
    const resolved = resolveDestination(objects, destinations[0]);
    expect([resolved.namespace, resolved.name, resolved.port.port]).toEqual([
      'kubeflow',
      'dashboard',
      80,
    ]);
    expect(resolved.targets).toEqual([{ owner: 'Deployment dashboard', containerPort: 8082 }]);
  });

  test('every link of the dashboard menu is routed to a Service port that reaches its pods', () => {
    const links = linksOf(menuOf(objects));
    expect(links.length).toBeGreaterThan(0);
    const served = links.map((link) => {
      const routes = routeServing(objects, gatewayRef, domain, link);
      expect(routes.map((r) => r.vs.metadata.name)).toHaveLength(1);
      const destinations = (routes[0].http.route as Obj[]).map((r) => r.destination as Obj);
      expect(destinations).toHaveLength(1);
      const resolved = resolveDestination(objects, destinations[0]);
      // every selected pod listens on the targeted port
      expect(resolved.targets.length).toBeGreaterThan(0);
      for (const t of resolved.targets) expect(t.containerPort).toEqual(expect.any(Number));
      return `${link} -> ${resolved.namespace}/${resolved.name}:${String(resolved.port.port)} -> ${resolved.targets.map((t) => `${t.owner}:${String(t.containerPort)}`).join(', ')}`;
    });
    expect(served).toEqual([
      '/jupyter/ -> kubeflow/jupyter-web-app-service:80 -> Deployment jupyter-web-app-deployment:5000',
      '/volumes/ -> kubeflow/volumes-web-app-service:80 -> Deployment volumes-web-app-deployment:5000',
      '/tensorboards/ -> kubeflow/tensorboards-web-app-service:80 -> Deployment tensorboards-web-app-deployment:5000',
      ...['pipelines', 'experiments', 'runs', 'recurringruns', 'artifacts', 'executions'].map(
        (page) =>
          `/pipeline/#/${page} -> kubeflow/ml-pipeline-ui:80 -> Deployment ml-pipeline-ui:3000`,
      ),
      '/model-registry/ -> kubeflow/model-registry-ui-service:80 -> Deployment model-registry-ui:8080',
      '/kserve-endpoints/ -> kubeflow/kserve-models-web-application:80 -> Deployment kserve-models-web-application:5000',
      '/katib/ -> kubeflow/katib-ui:80 -> Deployment katib-ui:8080',
    ]);
  });

  test('the menu lists exactly Notebooks, Volumes, TensorBoards, the Pipelines pages, Model Registry, KServe Endpoints and Katib Experiments', () => {
    expect(menuOf(objects)).toEqual([
      { type: 'item', link: '/jupyter/', text: 'Notebooks', icon: 'book' },
      { type: 'item', link: '/volumes/', text: 'Volumes', icon: 'device:storage' },
      { type: 'item', link: '/tensorboards/', text: 'TensorBoards', icon: 'assessment' },
      {
        type: 'section',
        text: 'Pipelines',
        icon: 'kubeflow:pipeline-centered',
        items: [
          ['pipelines', 'Pipelines'],
          ['experiments', 'Experiments'],
          ['runs', 'Runs'],
          ['recurringruns', 'Recurring Runs'],
          ['artifacts', 'Artifacts'],
          ['executions', 'Executions'],
        ].map(([page, text]) => ({ type: 'item', link: `/pipeline/#/${page}`, text })),
      },
      { type: 'item', link: '/model-registry/', text: 'Model Registry', icon: 'assignment' },
      {
        type: 'item',
        link: '/kserve-endpoints/',
        text: 'KServe Endpoints',
        icon: 'kubeflow:models',
      },
      { type: 'item', link: '/katib/', text: 'Katib Experiments', icon: 'kubeflow:katib' },
    ]);
  });

  test('the AuthorizationPolicies in kubeflow are the web apps’, KFAM’s, Pipelines’, Katib’s and the Hub’s, nothing else', () => {
    expect(
      objectsOfKind(objects, 'AuthorizationPolicy')
        .filter((p) => p.metadata.namespace === 'kubeflow')
        .map((p) => p.metadata.name as string)
        .sort(),
    ).toEqual(
      [
        ...WEB_APPS,
        'profiles-kfam',
        ...PIPELINES_POLICIES,
        ...KATIB_POLICIES,
        ...HUB_POLICIES,
      ].sort(),
    );
  });

  test.each(WEB_APPS)(
    'the policy of %s admits exactly the gateway, on the port its pods serve',
    (app) => {
      const policy = findObject(objects, 'AuthorizationPolicy', 'kubeflow', app);
      expect(policy.spec.action ?? 'ALLOW').toBe('ALLOW');
      const rules = policy.spec.rules as Obj[];
      // one rule, whose only source is the gateway's principal: no `*`, no namespaces, no
      // notPrincipals, and never a rule without `from` (which would admit any caller)
      expect(rules.map((r) => r.from as unknown)).toEqual([
        [{ source: { principals: [gatewayPrincipal] } }],
      ]);
      // the policy selects the pods that serve the app, on the port they listen on
      const pods = selectedPods(
        objects,
        'kubeflow',
        policy.spec.selector.matchLabels as Record<string, string>,
      );
      expect(pods).toHaveLength(1);
      const listening = (pods[0].spec.containers as Obj[])
        .flatMap((c) => (c.ports ?? []) as Obj[])
        .map((p) => String(p.containerPort));
      expect(rules[0].to).toEqual([{ operation: { ports: [expect.any(String)] } }]);
      expect(listening).toContain(rules[0].to[0].operation.ports[0]);
    },
  );

  test('KFAM admits only the dashboard’s principal', () => {
    const policy = findObject(objects, 'AuthorizationPolicy', 'kubeflow', 'profiles-kfam');
    expect(policy.spec.action ?? 'ALLOW').toBe('ALLOW');
    expect((policy.spec.rules as Obj[]).map((r) => r.from as unknown)).toEqual([
      [{ source: { principals: ['cluster.local/ns/kubeflow/sa/dashboard'] } }],
    ]);
    // that principal is the dashboard pods' account
    const dashboard = findObject(objects, 'Deployment', 'kubeflow', 'dashboard');
    expect(dashboard.spec.template.spec.serviceAccountName).toBe('dashboard');
  });

  test('oauth2-proxy authenticates `/` and every web app at the gateway', () => {
    const gatewayPolicies = objectsOfKind(objects, 'AuthorizationPolicy').filter(
      (p) =>
        p.metadata.namespace === 'istio-system' &&
        matches(
          p.spec.selector?.matchLabels as Record<string, string>,
          gatewayObject.spec.selector as Record<string, string>,
        ),
    );
    const custom = gatewayPolicies.filter((p) => p.spec.action === 'CUSTOM');
    expect(custom.map((p) => [p.metadata.name, p.spec.provider])).toEqual([
      ['oauth2-proxy-ext-authz', { name: 'oauth2-proxy' }],
    ]);
    // A request with an Authorization header skips ext-authz; then a valid JWT is required.
    const requireJwt = gatewayPolicies.filter((p) => p.spec.action === 'DENY');
    expect(requireJwt.map((p) => [p.metadata.name, p.spec.rules[0].from])).toEqual([
      ['oauth2-proxy-require-jwt', [{ source: { notRequestPrincipals: ['*'] } }]],
    ]);
    const paths = [
      '/',
      '/index.html',
      '/api/workgroup/env-info',
      ...linksOf(menuOf(objects)).flatMap((l) => [l, `${l}api/namespaces`]),
    ];
    const uncovered = (policy: Obj) => paths.filter((p) => !policyCovers(policy, p, httpsPort));
    expect(uncovered(custom[0])).toEqual([]);
    expect(uncovered(requireJwt[0])).toEqual([]);
    // what stays open is the sign-in itself and the ACME challenge
    const notPaths = (custom[0].spec.rules as Obj[]).flatMap((r) =>
      ((r.to ?? []) as Obj[]).flatMap((t) => (t.operation?.notPaths ?? []) as string[]),
    );
    expect(notPaths).toEqual(['/oauth2/*', '/dex/*', '/.well-known/acme-challenge/*']);
  });
});

describe('the path matcher of the coverage check', () => {
  test.each([
    ['/*', '/', true],
    ['*', '/', true],
    ['/jupyter/*', '/jupyter/', true],
    ['/jupyter/*', '/', false],
    ['*.html', '/index.html', true],
    ['/', '/', true],
    ['/', '/jupyter/', false],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });

  test('a notPaths entry that matches `/` would leave the dashboard unauthenticated', () => {
    const policy = { spec: { rules: [{ to: [{ operation: { notPaths: ['/*'] } }] }] } };
    expect(policyCovers(policy, '/', 443)).toBe(false);
    expect(policyCovers({ spec: { rules: [{}] } }, '/', 443)).toBe(true);
  });
});
