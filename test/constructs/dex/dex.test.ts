import { Chart, Duration, Testing } from 'cdk8s';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { SecretSource } from '../../../constructs/core/secrets';
import {
  DEX_DEFAULT_RESOURCES,
  DEX_IMAGES,
  Dex,
  DexConnector,
  StaticUser,
} from '../../../constructs/dex';
import { imageReference } from '../../../constructs/core/images';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { FakeGateway, FakeMesh, GATEWAY_NS, HOST } from '../../fakes';
import {
  CORPORATE_SSO,
  DEX_NS,
  Manifest,
  Objects,
  PROXY_NS,
  buildDex,
  dexConfigOf,
} from './helpers';

const deployment = (o: Objects): Manifest => o.find('Deployment', DEX_NS, 'dex');
const container = (o: Objects): Manifest => deployment(o).spec.template.spec.containers[0];
const envNames = (o: Objects): string[] => container(o).env.map((e: Manifest) => e.name);

const PROXY_REQUEST = {
  clientId: 'oauth2-proxy',
  name: 'Kubeflow',
  redirectUris: [`https://${HOST}/oauth2/callback`],
  namespace: PROXY_NS,
};

describe('Dex', () => {
  test('with only the required props (and one connector): the documented defaults', () => {
    const { dex, objects } = buildDex();
    expect(dex.issuerUrl).toBe(`https://${HOST}/dex`);
    expect(dex.host).toBe(HOST);
    expect(dex.namespace).toBe(DEX_NS);
    expect(dex.serviceHost).toBe('dex.auth.svc.cluster.local');
    expect(dex.jwksUri).toBe('http://dex.auth.svc.cluster.local:5556/dex/keys');
    expect(dex.endpoints).toEqual({
      authorization: `https://${HOST}/dex/auth`,
      token: 'http://dex.auth.svc.cluster.local:5556/dex/token',
      jwks: 'http://dex.auth.svc.cluster.local:5556/dex/keys',
    });
    expect(dex.replicas).toBe(2);
    expect(dex.resources).toEqual(DEX_DEFAULT_RESOURCES);
    expect(dex.clients).toEqual([]);
    expect(dex.generatedPasswords).toEqual([]);

    const o = objects();
    const config = dexConfigOf(o);
    expect(config.issuer).toBe(`https://${HOST}/dex`);
    expect(config.storage).toEqual({
      type: 'kubernetes',
      config: { inCluster: true, crdHandling: 'check' },
    });
    expect(config.web.http).toBe('0.0.0.0:5556');
    expect(config.telemetry).toEqual({ http: '0.0.0.0:5558' });
    expect(config.logger).toEqual({ level: 'info', format: 'json' });
    expect(config.oauth2).toEqual({ skipApprovalScreen: true });
    expect(config.expiry).toEqual({ idTokens: '24h', authRequests: '24h', deviceRequests: '5m' });
    expect(config.signer).toEqual({ type: 'local', config: { keysRotationPeriod: '6h' } });
    expect(config.enablePasswordDB).toBe(false);
    expect(config.staticPasswords).toBeUndefined();
    expect(config.staticClients).toEqual([]);

    const d = deployment(o);
    expect(d.spec.replicas).toBe(2);
    expect(o.find('PodDisruptionBudget', DEX_NS, 'dex').spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: d.spec.selector.matchLabels },
    });
    const c = container(o);
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    // The image's entrypoint runs: it renders the config with gomplate before `dex serve`.
    expect(c.command).toBeUndefined();
    expect(c.args).toEqual(['dex', 'serve', '/etc/dex/cfg/config.yaml']);
    expect(c.livenessProbe.httpGet).toEqual({
      path: '/healthz/live',
      port: 'telemetry',
      scheme: 'HTTP',
    });
    expect(c.readinessProbe.httpGet.path).toBe('/healthz/ready');
  });

  test('the issuer, the OIDC client and every redirect URI agree with the gateway host', () => {
    const { dex, objects } = buildDex(
      { connectors: [CORPORATE_SSO], host: 'ml.example.org' },
      { hosts: [HOST, 'ml.example.org'] },
    );
    dex.registerClient('oauth2-proxy', {
      ...PROXY_REQUEST,
      redirectUris: ['https://ml.example.org/oauth2/callback'],
    });
    const config = dexConfigOf(objects());
    const issuer = new URL(config.issuer);
    expect(issuer.origin).toBe('https://ml.example.org');
    expect(issuer.pathname).toBe('/dex');
    expect(config.staticClients).toEqual([
      {
        id: 'oauth2-proxy',
        name: 'Kubeflow',
        redirectURIs: ['https://ml.example.org/oauth2/callback'],
        secretEnv: 'DEX_CLIENT_OAUTH2_PROXY_SECRET',
      },
    ]);
    for (const c of config.connectors) {
      expect(c.config.redirectURI).toBe(`${config.issuer}/callback`);
    }
  });

  test('the route sends /dex/ on the gateway to the Dex Service port', () => {
    const { gateway, objects } = buildDex();
    expect(gateway.routes).toEqual([
      {
        id: 'dex',
        route: {
          namespace: DEX_NS,
          prefix: '/dex/',
          destination: { host: 'dex.auth.svc.cluster.local', port: 5556 },
        },
      },
    ]);
    const service = objects().find('Service', DEX_NS, 'dex');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 5556, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(container(objects()).ports).toContainEqual({
      name: 'http',
      containerPort: 5556,
      protocol: 'TCP',
    });
    const d = deployment(objects());
    expect(service.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('runs restricted: non-root user 1001, no privilege, read-only root, /tmp in memory', () => {
    const o = buildDex().objects();
    const spec = deployment(o).spec.template.spec;
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(o).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.volumes).toContainEqual({
      name: 'tmp',
      emptyDir: { medium: 'Memory', sizeLimit: '16Mi' },
    });
    // Dex's storage talks to the API server; only the pod mounts the token.
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(o.find('ServiceAccount', DEX_NS, 'dex').automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('dex');
  });

  test('RBAC: a namespaced Role on the ten storage resources, nothing on CRDs, no wildcards', () => {
    const o = buildDex().objects();
    expect(o.ofKind('ClusterRole')).toEqual([]);
    expect(o.ofKind('ClusterRoleBinding')).toEqual([]);
    const role = o.find('Role', DEX_NS, 'dex');
    expect(role.rules).toEqual([
      {
        apiGroups: ['dex.coreos.com'],
        resources: [
          'authcodes',
          'authrequests',
          'oauth2clients',
          'signingkeies',
          'refreshtokens',
          'passwords',
          'offlinesessionses',
          'connectors',
          'devicerequests',
          'devicetokens',
        ],
        verbs: ['get', 'list', 'create', 'update', 'delete'],
      },
    ]);
    const binding = o.find('RoleBinding', DEX_NS, 'dex');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'dex',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'dex', namespace: DEX_NS }]);
  });

  test('the image is the pinned distroless release; a mirror rewrites it and the bill lists it', () => {
    expect(imageReference(DEX_IMAGES.dex)).toBe('ghcr.io/dexidp/dex:v2.45.1-distroless');
    expect(container(buildDex().objects()).image).toBe('ghcr.io/dexidp/dex:v2.45.1-distroless');

    const app = buildDex({
      connectors: [CORPORATE_SSO],
      staticUsers: [StaticUser.generatedPassword('admin@example.com')],
    });
    expect(BillOfMaterials.of(app.chart).images()).toEqual([
      'ghcr.io/dexidp/dex:v2.45.1-distroless',
      'registry.k8s.io/kubectl:v1.34.1',
    ]);
  });

  test('every container of every pod is pinned and restricted', () => {
    const { dex, objects } = buildDex({
      connectors: [CORPORATE_SSO],
      staticUsers: [StaticUser.generatedPassword('admin@example.com')],
    });
    dex.registerClient('oauth2-proxy', PROXY_REQUEST);
    const pods = objects()
      .all.filter((x) => ['Deployment', 'Job'].includes(x.kind))
      .map((x) => x.spec.template.spec);
    expect(pods.length).toBeGreaterThanOrEqual(3);
    for (const spec of pods) {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(c.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+:v[0-9][^:]*$/);
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.resources.limits.memory).toBeDefined();
      }
    }
  });

  test('a mirror in the construct context rewrites the Dex image', () => {
    const { chart, objects } = buildDex(
      { connectors: [CORPORATE_SSO] },
      { context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.local:5000' } },
    );
    expect(container(objects()).image).toBe('mirror.local:5000/dexidp/dex:v2.45.1-distroless');
    expect(BillOfMaterials.of(chart).images()).toEqual([
      'mirror.local:5000/dexidp/dex:v2.45.1-distroless',
    ]);
  });

  test('replicas, resources, log level, expiry and key rotation are passed on', () => {
    const { objects } = buildDex({
      connectors: [CORPORATE_SSO],
      replicas: 1,
      resources: { cpu: { request: '100m' }, memory: { request: '128Mi', limit: '512Mi' } },
      logLevel: 'debug',
      expiry: {
        idTokens: Duration.hours(8),
        authRequests: Duration.minutes(30),
        deviceRequests: Duration.minutes(10),
        refreshTokens: {
          disableRotation: false,
          reuseInterval: Duration.seconds(3),
          validIfNotUsedFor: Duration.days(7),
          absoluteLifetime: Duration.days(30),
        },
      },
      keysRotationPeriod: Duration.hours(12),
    });
    const o = objects();
    expect(deployment(o).spec.replicas).toBe(1);
    expect(o.ofKind('PodDisruptionBudget')).toEqual([]);
    expect(container(o).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
    const config = dexConfigOf(o);
    expect(config.logger.level).toBe('debug');
    expect(config.expiry).toEqual({
      idTokens: '8h',
      authRequests: '30m',
      deviceRequests: '10m',
      refreshTokens: {
        disableRotation: false,
        reuseInterval: '3s',
        validIfNotUsedFor: '168h',
        absoluteLifetime: '720h',
      },
    });
    expect(config.signer.config.keysRotationPeriod).toBe('12h');
  });

  test('a changed config changes the pod template, so the pods roll', () => {
    const a = buildDex().objects();
    const b = buildDex({ connectors: [CORPORATE_SSO], logLevel: 'debug' }).objects();
    const checksum = (o: Objects): string =>
      deployment(o).spec.template.metadata.annotations['checksum/config'];
    expect(checksum(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(a)).not.toBe(checksum(b));
    expect(checksum(a)).toBe(checksum(buildDex().objects()));
  });

  describe('registerClient', () => {
    test('generates the client secret once in Dex namespace, shared with the client namespace', () => {
      const { dex, objects } = buildDex();
      const client = dex.registerClient('oauth2-proxy', PROXY_REQUEST);
      expect(client.clientId).toBe('oauth2-proxy');
      expect(client.secret.origin).toBe('generated');
      expect(client.secret.secretName).toBe('dex-client-oauth2-proxy');
      expect(client.secret.keyRef('clientSecret')).toEqual({
        name: 'dex-client-oauth2-proxy',
        key: 'clientSecret',
      });
      const o = objects();
      const job = o.find('Job', DEX_NS, 'dex-client-oauth2-proxy-generator');
      const env = Object.fromEntries(
        job.spec.template.spec.containers[0].env
          .filter((e: Manifest) => 'value' in e)
          .map((e: Manifest) => [e.name, e.value]),
      );
      expect(env.SECRET_NAME).toBe('dex-client-oauth2-proxy');
      expect(env.SHARED_WITH).toBe(PROXY_NS);
      // The generator may create the Secret in the client's namespace.
      expect(o.has('Role', PROXY_NS, 'dex-client-oauth2-proxy-generator')).toBe(true);
      // Dex reads the same Secret through secretEnv.
      expect(container(o).env).toContainEqual({
        name: 'DEX_CLIENT_OAUTH2_PROXY_SECRET',
        valueFrom: { secretKeyRef: { name: 'dex-client-oauth2-proxy', key: 'clientSecret' } },
      });
      expect(dexConfigOf(o).staticClients[0].secretEnv).toBe('DEX_CLIENT_OAUTH2_PROXY_SECRET');
      expect(dex.clients.map((c) => [c.id, c.namespace])).toEqual([['oauth2-proxy', PROXY_NS]]);
    });

    test('takes an existing Secret when given, recorded as a prerequisite in both namespaces', () => {
      const { app, dex } = buildDex();
      const client = dex.registerClient(
        'oauth2-proxy',
        PROXY_REQUEST,
        SecretSource.existing('kubeflow-oidc', { clientSecret: 'secret' }),
      );
      expect(client.secret.keyRef('clientSecret')).toEqual({
        name: 'kubeflow-oidc',
        key: 'secret',
      });
      expect(
        Prerequisites.of(app)
          .secrets()
          .filter((s) => s.name === 'kubeflow-oidc')
          .map((s) => [s.namespace, s.keys]),
      ).toEqual([
        [DEX_NS, ['secret']],
        [PROXY_NS, ['secret']],
      ]);
    });

    test('lets the client namespace reach Dex (network and mesh)', () => {
      const { dex, objects } = buildDex();
      dex.registerClient('oauth2-proxy', PROXY_REQUEST);
      const o = objects();
      const allow = o.find('NetworkPolicy', DEX_NS, 'allow-dex-from-oauth2-proxy');
      expect(allow.spec.ingress).toEqual([
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PROXY_NS } } },
          ],
          ports: [{ port: 5556, protocol: 'TCP' }],
        },
      ]);
      const policy = o.find('AuthorizationPolicy', DEX_NS, 'dex');
      expect(policy.spec.rules[1]).toEqual({
        from: [{ source: { namespaces: [PROXY_NS] } }],
        to: [{ operation: { ports: ['5556'] } }],
      });
    });

    test.each([
      [
        'an http redirect URI',
        { ...PROXY_REQUEST, redirectUris: ['http://kubeflow.example.com/oauth2/callback'] },
        'Dex client "oauth2-proxy": `redirectUris[0]` is not an https URL (got "http://kubeflow.example.com/oauth2/callback"). Dex matches redirect URIs exactly; give the full https callback URL.',
      ],
      [
        'a relative redirect URI',
        { ...PROXY_REQUEST, redirectUris: ['/oauth2/callback'] },
        'Dex client "oauth2-proxy": `redirectUris[0]` is not an https URL (got "/oauth2/callback"). Dex matches redirect URIs exactly; give the full https callback URL.',
      ],
      [
        'no redirect URI',
        { ...PROXY_REQUEST, redirectUris: [] },
        'Dex client "oauth2-proxy": `redirectUris` is empty (got []). Give the exact callback URL, such as https://kubeflow.example.com/oauth2/callback.',
      ],
    ])('refuses %s', (_what, request, message) => {
      const { dex } = buildDex();
      expect(() => dex.registerClient('oauth2-proxy', request)).toThrow(message);
    });

    test('refuses the same client twice', () => {
      const { dex } = buildDex();
      dex.registerClient('oauth2-proxy', PROXY_REQUEST);
      expect(() => dex.registerClient('oauth2-proxy', PROXY_REQUEST)).toThrow(
        'Dex client "oauth2-proxy": a client with the id "oauth2-proxy" or clientId "oauth2-proxy" is already registered. Register each client once.',
      );
    });
  });

  test('network: default-deny plus exactly the gateway, istiod (keys) and registered clients', () => {
    const { dex, objects } = buildDex();
    dex.registerClient('oauth2-proxy', PROXY_REQUEST);
    const o = objects();
    expect(
      o
        .ofKind('NetworkPolicy')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual([
      'allow-dex-from-gateway',
      'allow-dex-from-oauth2-proxy',
      'allow-dex-keys-from-istiod',
      'default-deny-ingress',
    ]);
    const selector = deployment(o).spec.selector.matchLabels;
    const gw = o.find('NetworkPolicy', DEX_NS, 'allow-dex-from-gateway');
    expect(gw.spec.podSelector).toEqual({ matchLabels: selector });
    expect(gw.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NS } },
            podSelector: { matchLabels: { istio: 'ingressgateway' } },
          },
        ],
        ports: [{ port: 5556, protocol: 'TCP' }],
      },
    ]);
    const istiod = o.find('NetworkPolicy', DEX_NS, 'allow-dex-keys-from-istiod');
    expect(istiod.spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NS } },
        podSelector: { matchLabels: { app: 'istiod' } },
      },
    ]);
  });

  test('mesh: only the gateway principal and clients over mTLS; plain text only for the keys', () => {
    const o = buildDex({ connectors: [CORPORATE_SSO] }).objects();
    const selector = deployment(o).spec.selector.matchLabels;
    const policy = o.find('AuthorizationPolicy', DEX_NS, 'dex');
    expect(policy.apiVersion).toBe('security.istio.io/v1');
    expect(policy.spec.selector).toEqual({ matchLabels: selector });
    expect(policy.spec.action).toBe('ALLOW');
    expect(policy.spec.rules).toEqual([
      {
        from: [
          { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
        ],
        to: [{ operation: { ports: ['5556'] } }],
      },
      {
        to: [
          {
            operation: {
              ports: ['5556'],
              methods: ['GET'],
              paths: ['/dex/keys', '/dex/.well-known/openid-configuration'],
            },
          },
        ],
      },
    ]);
    const peer = o.find('PeerAuthentication', DEX_NS, 'dex-signing-keys');
    expect(peer.spec).toEqual({
      selector: { matchLabels: selector },
      portLevelMtls: { '5556': { mode: 'PERMISSIVE' } },
    });
    expect(deployment(o).spec.template.metadata.annotations['proxy.istio.io/config']).toBe(
      '{"holdApplicationUntilProxyStarts":true}',
    );
  });

  test('the pod gets its namespace for the storage and no variable it does not need', () => {
    expect(envNames(buildDex().objects())).toEqual([
      'KUBERNETES_POD_NAMESPACE',
      'DEX_CONNECTOR_CORPORATE_SSO_CLIENT_SECRET',
    ]);
  });

  describe('validation', () => {
    const github = DexConnector.github({
      id: 'github',
      name: 'GitHub',
      clientID: 'abc',
      clientSecret: { name: 'github', key: 'secret' },
    });
    // Every row has four cells: jest would take a missing last argument for `done`.
    test.each<[string, Parameters<typeof buildDex>[0], string, { hosts?: string[] }]>([
      [
        'no way to log in',
        {},
        "Dex: `connectors` and `staticUsers` are both empty (got none). Dex refuses to start without a way to log in: add a connector such as DexConnector.oidc(...), or for development StaticUser.generatedPassword('admin@example.com').",
        {},
      ],
      [
        'a host the gateway does not serve',
        { connectors: [github], host: 'other.example.com' },
        'Dex: `host` is not one of the gateway\'s hosts (got "other.example.com"; the gateway serves kubeflow.example.com). Use a host the gateway routes.',
        {},
      ],
      [
        'a gateway without hosts',
        { connectors: [github] },
        'Dex: `gateway.hosts` is empty (got []). The issuer is https://<host>/dex; give the gateway a host such as kubeflow.example.com.',
        { hosts: [] },
      ],
      [
        'two connectors with one ID',
        { connectors: [github, github] },
        'Dex: `connectors[1].id` repeats connectors[0] (got "github"). Give every connector its own ID.',
        {},
      ],
      [
        'zero replicas',
        { connectors: [github], replicas: 0 },
        'Dex: `replicas` is not a whole number of at least 1 (got 0). Use 1, or 2 for availability.',
        {},
      ],
      [
        'a token lifetime of less than a second',
        { connectors: [github], expiry: { idTokens: Duration.millis(10) } },
        'Dex: `expiry.idTokens` is not a positive whole number of seconds (got 0.01s). Use a duration such as Duration.hours(24).',
        {},
      ],
    ])('refuses %s', (_what, props, message, opts) => {
      expect(() => buildDex(props, opts)).toThrow(message);
    });

    test('reports every problem at once', () => {
      expect(() =>
        buildDex({ connectors: [github, github], replicas: -1, host: 'x.example.com' }),
      ).toThrow(
        /^Dex: \n- `host` is not one of .*\n- `connectors\[1\]\.id` repeats .*\n- `replicas` is not /,
      );
    });
  });
});

describe('the gateway identity', () => {
  test('an external gateway without a named service account cannot be admitted by principal', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'Test');
    const namespace = new PlatformNamespace(chart, 'Ns', { name: DEX_NS });
    const gateway = new FakeGateway(chart, 'Gateway', [HOST], null);
    expect(
      () =>
        new Dex(chart, 'Dex', {
          namespace,
          gateway,
          mesh: new FakeMesh(),
          connectors: [CORPORATE_SSO],
        }),
    ).toThrow(
      `Dex admits only the ingress gateway, but the identity of gateway ${GATEWAY_NS}/platform-gateway is unknown. Name its service account (mesh.istio.gateway.serviceAccount).`,
    );
  });
});
