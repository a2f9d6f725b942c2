import { Duration } from 'cdk8s';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { SecretSource } from '../../../constructs/core/secrets';
import {
  KUBEFLOW_API_ROUTES,
  OAUTH2_PROXY_DEFAULT_RESOURCES,
} from '../../../constructs/oauth2-proxy';
import { GATEWAY_NS, HOST } from '../../fakes';
import { DEX_NS, Manifest, PROXY_NS } from '../dex/helpers';
import { buildStack, flag, proxyContainer, proxyDeployment } from './helpers';

describe('OAuth2Proxy', () => {
  test('with only the required props (and Dex endpoints): the documented defaults', () => {
    const { proxy } = buildStack();
    expect(proxy.namespace).toBe(PROXY_NS);
    expect(proxy.host).toBe(HOST);
    expect(proxy.serviceHost).toBe('oauth2-proxy.oauth2-proxy.svc.cluster.local');
    expect(proxy.redirectUrl).toBe(`https://${HOST}/oauth2/callback`);
    expect(proxy.logoutUrl).toBe('/oauth2/sign_out?rd=%2F');
    expect(proxy.userIdHeader).toBe('kubeflow-userid');
    expect(proxy.groupsHeader).toBe('kubeflow-groups');
    expect(proxy.replicas).toBe(2);
    expect(proxy.resources).toEqual(OAUTH2_PROXY_DEFAULT_RESOURCES);
    expect(proxy.client.clientId).toBe('oauth2-proxy');
    expect(proxy.cookieSecret.origin).toBe('generated');
    expect(proxy.publicPaths.map((p) => p.path)).toEqual([
      '/oauth2/*',
      '/dex/*',
      '/.well-known/acme-challenge/*',
    ]);
  });

  test('flags: the Dex issuer with in-cluster endpoints, secure cookies, the identity headers', () => {
    const o = buildStack().objects();
    expect(proxyContainer(o).args).toEqual([
      '--http-address=0.0.0.0:4180',
      '--metrics-address=0.0.0.0:44180',
      '--provider=oidc',
      `--oidc-issuer-url=https://${HOST}/dex`,
      '--skip-oidc-discovery=true',
      `--login-url=https://${HOST}/dex/auth`,
      '--redeem-url=http://dex.auth.svc.cluster.local:5556/dex/token',
      '--oidc-jwks-url=http://dex.auth.svc.cluster.local:5556/dex/keys',
      '--client-id=oauth2-proxy',
      `--redirect-url=https://${HOST}/oauth2/callback`,
      '--scope=openid email profile groups',
      '--code-challenge-method=S256',
      '--approval-prompt=auto',
      '--email-domain=*',
      '--upstream=static://200',
      '--cookie-name=oauth2_proxy_kubeflow',
      '--cookie-secure=true',
      '--cookie-httponly=true',
      '--cookie-samesite=lax',
      '--cookie-expire=24h',
      '--cookie-csrf-expire=15m',
      '--set-authorization-header=true',
      '--set-xauthrequest=true',
      ...KUBEFLOW_API_ROUTES.map((r) => `--api-route=${r}`),
      '--silence-ping-logging=true',
    ]);
    // Never the insecure variants Kubeflow's parameters can switch on.
    for (const a of proxyContainer(o).args as string[]) {
      expect(a).not.toMatch(/insecure|ssl-insecure-skip-verify|cookie-secure=false/);
    }
  });

  test('no X-Forwarded-* header is trusted: no --reverse-proxy, so no --trusted-proxy-ip either', () => {
    // v7.15.2: with --reverse-proxy and no --trusted-proxy-ip every address may set X-Forwarded-*
    // (GHSA-7x63-xv5r-3p2x). Behind Istio every request reaches the proxy from its own sidecar,
    // so an address list cannot separate the gateway from a client; the proxy needs none of
    // those headers (the ext-authz check carries the original Host and path, the callback URL
    // is absolute).
    const c = proxyContainer(buildStack().objects());
    expect(flag(c, 'reverse-proxy')).toEqual([]);
    expect(flag(c, 'trusted-proxy-ip')).toEqual([]);
    expect(flag(c, 'redirect-url')).toEqual([`https://${HOST}/oauth2/callback`]);
  });

  test('the client secret comes from the Secret Dex shares; the proxy never sees a literal', () => {
    const o = buildStack().objects();
    expect(proxyContainer(o).env).toEqual([
      {
        name: 'OAUTH2_PROXY_CLIENT_SECRET',
        valueFrom: { secretKeyRef: { name: 'dex-client-oauth2-proxy', key: 'clientSecret' } },
      },
      {
        name: 'OAUTH2_PROXY_COOKIE_SECRET',
        valueFrom: { secretKeyRef: { name: 'oauth2-proxy-cookie-secret', key: 'cookieSecret' } },
      },
    ]);
    // Dex registered the proxy with the exact callback, and shares the secret with its namespace.
    const job = o.find('Job', DEX_NS, 'dex-client-oauth2-proxy-generator');
    expect(job.spec.template.spec.containers[0].env).toContainEqual({
      name: 'SHARED_WITH',
      value: PROXY_NS,
    });
  });

  test('a generated cookie secret is a 43-character key, generated once and read from its Secret', () => {
    const o = buildStack().objects();
    const job = o.find('Job', PROXY_NS, 'oauth2-proxy-cookie-secret-generator');
    expect(job.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'SECRET_NAME', value: 'oauth2-proxy-cookie-secret' },
        { name: 'VALUE_LENGTH', value: '43' },
      ]),
    );
    const spec = proxyDeployment(o).spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(proxyContainer(o).env).toContainEqual({
      name: 'OAUTH2_PROXY_COOKIE_SECRET',
      valueFrom: { secretKeyRef: { name: 'oauth2-proxy-cookie-secret', key: 'cookieSecret' } },
    });
  });

  test('a cookie secret of yours is read directly', () => {
    const { app, objects } = buildStack({
      proxy: { cookieSecret: SecretSource.existing('proxy-cookie', { cookieSecret: 'secret' }) },
    });
    const o = objects();
    const spec = proxyDeployment(o).spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(proxyContainer(o).env).toContainEqual({
      name: 'OAUTH2_PROXY_COOKIE_SECRET',
      valueFrom: { secretKeyRef: { name: 'proxy-cookie', key: 'secret' } },
    });
    expect(o.has('Job', PROXY_NS, 'oauth2-proxy-cookie-secret-generator')).toBe(false);
    expect(
      Prerequisites.of(app)
        .secrets()
        .filter((s) => s.namespace === PROXY_NS)
        .map((s) => [s.name, s.keys]),
    ).toEqual([['proxy-cookie', ['secret']]]);
  });

  test('runs restricted as the distroless nonroot user, without an API token', () => {
    const o = buildStack().objects();
    const spec = proxyDeployment(o).spec.template.spec;
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of spec.containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(o.find('ServiceAccount', PROXY_NS, 'oauth2-proxy').automountServiceAccountToken).toBe(
      false,
    );
    expect(proxyContainer(o).image).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.2');
    expect(proxyContainer(o).livenessProbe.httpGet).toEqual({
      path: '/ping',
      port: 'http',
      scheme: 'HTTP',
    });
    expect(proxyContainer(o).readinessProbe.httpGet.path).toBe('/ready');
    expect(o.find('PodDisruptionBudget', PROXY_NS, 'oauth2-proxy').spec.minAvailable).toBe(1);
  });

  test('the Service and the route lead to the http port', () => {
    const { gateway, objects } = buildStack();
    const o = objects();
    const service = o.find('Service', PROXY_NS, 'oauth2-proxy');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(service.spec.selector).toEqual(proxyDeployment(o).spec.selector.matchLabels);
    expect(proxyContainer(o).ports).toContainEqual({
      name: 'http',
      containerPort: 4180,
      protocol: 'TCP',
    });
    expect(gateway.routes.find((r) => r.id === 'oauth2-proxy')).toEqual({
      id: 'oauth2-proxy',
      route: {
        namespace: PROXY_NS,
        prefix: '/oauth2/',
        destination: { host: 'oauth2-proxy.oauth2-proxy.svc.cluster.local', port: 80 },
      },
    });
  });

  test('network and mesh: only the gateway reaches the proxy', () => {
    const o = buildStack().objects();
    const selector = proxyDeployment(o).spec.selector.matchLabels;
    expect(
      o
        .ofKind('NetworkPolicy')
        .filter((p) => p.metadata.namespace === PROXY_NS)
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['allow-oauth2-proxy-from-gateway', 'default-deny-ingress']);
    const allow = o.find('NetworkPolicy', PROXY_NS, 'allow-oauth2-proxy-from-gateway');
    expect(allow.spec.podSelector).toEqual({ matchLabels: selector });
    expect(allow.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NS } },
            podSelector: { matchLabels: { istio: 'ingressgateway' } },
          },
        ],
        ports: [{ port: 4180, protocol: 'TCP' }],
      },
    ]);
    const policy = o.find('AuthorizationPolicy', PROXY_NS, 'oauth2-proxy');
    expect(policy.spec).toEqual({
      selector: { matchLabels: selector },
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
          ],
          to: [{ operation: { ports: ['4180'] } }],
        },
      ],
    });
    // The proxy reaches Dex: Dex's side allows the proxy's namespace.
    expect(o.has('NetworkPolicy', DEX_NS, 'allow-dex-from-oauth2-proxy')).toBe(true);
  });

  test('cookie, scopes, routes, logout and replicas are passed on', () => {
    const o = buildStack({
      proxy: {
        cookieName: '_kf',
        cookieExpire: Duration.hours(8),
        cookieRefresh: Duration.hours(1),
        cookieCsrfExpire: Duration.minutes(30),
        scopes: ['openid', 'email', 'groups', 'offline_access'],
        emailDomains: ['example.com', 'example.org'],
        apiRoutes: ['^/api/'],
        logoutRedirect: 'https://login.example.com/logout',
        backendLogoutUrl: 'https://login.example.com/logout?id_token_hint={id_token}',
        replicas: 1,
      },
    }).objects();
    const c = proxyContainer(o);
    expect(flag(c, 'cookie-name')).toEqual(['_kf']);
    expect(flag(c, 'cookie-expire')).toEqual(['8h']);
    expect(flag(c, 'cookie-refresh')).toEqual(['1h']);
    expect(flag(c, 'cookie-csrf-expire')).toEqual(['30m']);
    expect(flag(c, 'scope')).toEqual(['openid email groups offline_access']);
    expect(flag(c, 'email-domain')).toEqual(['example.com', 'example.org']);
    expect(flag(c, 'api-route')).toEqual(['^/api/']);
    expect(flag(c, 'whitelist-domain')).toEqual(['login.example.com']);
    expect(flag(c, 'backend-logout-url')).toEqual([
      'https://login.example.com/logout?id_token_hint={id_token}',
    ]);
    expect(proxyDeployment(o).spec.replicas).toBe(1);
    expect(o.has('PodDisruptionBudget', PROXY_NS, 'oauth2-proxy')).toBe(false);
  });

  test('with an external provider: discovery, its client ID and your Secret in the proxy namespace', () => {
    const { app, external, objects } = buildStack({ external: true });
    const o = objects();
    const c = proxyContainer(o);
    expect(flag(c, 'oidc-issuer-url')).toEqual(['https://login.example.com/realms/kubeflow']);
    expect(flag(c, 'skip-oidc-discovery')).toEqual([]);
    expect(flag(c, 'login-url')).toEqual([]);
    expect(flag(c, 'client-id')).toEqual(['kubeflow']);
    expect(c.env[0]).toEqual({
      name: 'OAUTH2_PROXY_CLIENT_SECRET',
      valueFrom: { secretKeyRef: { name: 'kubeflow-oidc', key: 'client-secret' } },
    });
    expect(Prerequisites.of(app).secrets()).toContainEqual({
      namespace: PROXY_NS,
      name: 'kubeflow-oidc',
      keys: ['client-secret'],
      purpose: 'oidc-provider client',
    });
    expect(external?.registeredClients[0].redirectUris).toEqual([
      `https://${HOST}/oauth2/callback`,
    ]);
    // The provider's paths are elsewhere: nothing of it is public on the gateway.
    const policy = o.find('AuthorizationPolicy', GATEWAY_NS, 'oauth2-proxy-ext-authz');
    expect(policy.spec.rules[0].to[0].operation.notPaths).toEqual([
      '/oauth2/*',
      '/.well-known/acme-challenge/*',
    ]);
  });

  describe('validation', () => {
    test.each<[string, Parameters<typeof buildStack>[0], string]>([
      [
        'a host the gateway does not serve',
        { proxy: { host: 'other.example.com' } },
        'OAuth2Proxy: `host` is not one of the gateway\'s hosts (got "other.example.com"; the gateway serves kubeflow.example.com). Use a host the gateway routes.',
      ],
      [
        'scopes without openid',
        { proxy: { scopes: ['email'] } },
        'OAuth2Proxy: `scopes` lacks openid (got email). Without it there is no ID token for the gateway to verify.',
      ],
      [
        'a cookie lifetime of a fraction of a second',
        { proxy: { cookieExpire: Duration.millis(1500) } },
        'OAuth2Proxy: `cookieExpire` is not a positive whole number of seconds (got 1.5s). Use a duration such as Duration.hours(24).',
      ],
      [
        'a CSRF cookie lifetime of a fraction of a second',
        { proxy: { cookieCsrfExpire: Duration.millis(500) } },
        'OAuth2Proxy: `cookieCsrfExpire` is not a positive whole number of seconds (got 0.5s). Use a duration such as Duration.minutes(15).',
      ],
      [
        'a refresh not shorter than the cookie',
        { proxy: { cookieExpire: Duration.hours(1), cookieRefresh: Duration.hours(1) } },
        'OAuth2Proxy: `cookieRefresh` must be a positive whole number of seconds below cookieExpire (got 3600s, cookieExpire 3600s).',
      ],
      [
        'an open redirect after sign-out',
        { proxy: { logoutRedirect: '//evil.example.com' } },
        'OAuth2Proxy: `logoutRedirect` is neither a path nor an https URL (got "//evil.example.com"). Use / or the provider\'s end-session URL.',
      ],
      [
        'a public path Istio cannot match',
        { proxy: { publicPaths: [{ path: '/a/*/b', reason: 'nothing' }] } },
        'OAuth2Proxy: `publicPaths[0].path` is not an Istio path (got "/a/*/b"). Use an exact path, /prefix/* or *suffix.',
      ],
      [
        'a public path without a reason',
        { proxy: { publicPaths: [{ path: '/healthz', reason: ' ' }] } },
        'OAuth2Proxy: `publicPaths[0].reason` is empty (got " "). Say why the path needs no login.',
      ],
    ])('refuses %s', (_what, opts, message) => {
      expect(() => buildStack(opts)).toThrow(message);
    });
  });

  test("the manifest keeps the proxy's pod template stable across syntheses", () => {
    const a = proxyDeployment(buildStack().objects());
    const b = proxyDeployment(buildStack().objects());
    expect(a as Manifest).toEqual(b);
  });
});
