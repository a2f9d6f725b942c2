import { MachineToMachine } from '../../../constructs/oauth2-proxy';
import { GATEWAY_NS, GATEWAY_SELECTOR, HOST } from '../../fakes';
import { DEX_NS, Manifest, Objects, PROXY_NS, dexConfigOf } from '../dex/helpers';
import { buildStack, flag, istioMatch, proxyContainer } from './helpers';

/** The Service a cluster-local URL or FQDN points at, and the port it must have. */
function serviceOf(o: Objects, host: string, port: number): Manifest {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  if (!m) throw new Error(`not a Service FQDN: ${host}`);
  const service = o.find('Service', m[2], m[1]);
  expect(service.spec.ports.map((p: Manifest) => p.port)).toContain(port);
  return service;
}

describe('gateway authentication', () => {
  const stack = buildStack();
  const o = stack.objects();
  const extAuthz = o.find('AuthorizationPolicy', GATEWAY_NS, 'oauth2-proxy-ext-authz');
  const requireJwt = o.find('AuthorizationPolicy', GATEWAY_NS, 'oauth2-proxy-require-jwt');
  const requestAuthn = o.find('RequestAuthentication', GATEWAY_NS, 'oauth2-proxy-jwt');

  test('the ext-authz provider is registered in the mesh and points at the proxy Service', () => {
    expect(stack.mesh.providers).toEqual([
      {
        name: 'oauth2-proxy',
        service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
        port: 80,
        includeRequestHeadersInCheck: ['authorization', 'cookie'],
        headersToUpstreamOnAllow: [
          'authorization',
          'path',
          'x-auth-request-email',
          'x-auth-request-groups',
          'x-auth-request-user',
        ],
        headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
      },
    ]);
    const [provider] = stack.mesh.providers;
    const service = serviceOf(o, provider.service, provider.port);
    expect(service.metadata.namespace).toBe(PROXY_NS);
    expect(stack.proxy.extensionProvider).toEqual(provider);
  });

  test('the CUSTOM policy names that provider and selects the gateway pods in their namespace', () => {
    expect(extAuthz.apiVersion).toBe('security.istio.io/v1');
    expect(extAuthz.spec.action).toBe('CUSTOM');
    expect(extAuthz.spec.provider).toEqual({ name: stack.mesh.providers[0].name });
    expect(extAuthz.metadata.namespace).toBe(stack.gateway.namespace);
    expect(extAuthz.spec.selector).toEqual({ matchLabels: GATEWAY_SELECTOR });
    expect(extAuthz.spec.rules).toEqual([
      {
        to: [{ operation: { notPaths: ['/oauth2/*', '/dex/*', '/.well-known/acme-challenge/*'] } }],
        when: [{ key: 'request.headers[authorization]', notValues: ['*'] }],
      },
    ]);
  });

  test('the DENY policy refuses requests without a verified token, on the same paths', () => {
    expect(requireJwt.spec).toEqual({
      selector: { matchLabels: GATEWAY_SELECTOR },
      action: 'DENY',
      rules: [
        {
          from: [{ source: { notRequestPrincipals: ['*'] } }],
          to: [{ operation: { notPaths: extAuthz.spec.rules[0].to[0].operation.notPaths } }],
        },
      ],
    });
  });

  test('the RequestAuthentication accepts the Dex issuer, with keys from the Dex Service', () => {
    expect(requestAuthn.spec.selector).toEqual({ matchLabels: GATEWAY_SELECTOR });
    const [rule] = requestAuthn.spec.jwtRules as Manifest[];
    const config = dexConfigOf(o);
    expect(rule.issuer).toBe(config.issuer);
    expect(rule.issuer).toBe(stack.dex?.issuerUrl);
    const jwks = new URL(rule.jwksUri);
    serviceOf(o, jwks.hostname, Number(jwks.port));
    expect(jwks.pathname).toBe(`${new URL(config.issuer).pathname}/keys`);
    expect(rule.audiences).toEqual([config.staticClients[0].id]);
    expect(rule.forwardOriginalToken).toBe(true);
    expect(rule.outputClaimToHeaders).toEqual([
      { header: 'kubeflow-userid', claim: 'email' },
      { header: 'kubeflow-groups', claim: 'groups' },
    ]);
    expect(rule.fromHeaders).toEqual([{ name: 'Authorization', prefix: 'Bearer ' }]);
  });

  test('the routes lead to existing Services, and the login paths they serve stay public', () => {
    const notPaths = extAuthz.spec.rules[0].to[0].operation.notPaths as string[];
    expect(stack.gateway.routes.map((r) => r.id).sort()).toEqual(['dex', 'oauth2-proxy']);
    for (const { route } of stack.gateway.routes) {
      const service = serviceOf(o, route.destination.host, route.destination.port);
      expect(service.metadata.namespace).toBe(route.namespace);
      const sample = `${route.prefix}callback`;
      expect(notPaths.some((p) => istioMatch(p, sample))).toBe(true);
    }
    // ...and nothing else is public.
    expect(notPaths.some((p) => istioMatch(p, '/'))).toBe(false);
    expect(notPaths.some((p) => istioMatch(p, '/pipeline/apis/v2beta1/runs'))).toBe(false);
  });

  test('proxy and Dex agree on the client: ID, redirect URI and the Secret both read', () => {
    const config = dexConfigOf(o);
    const container = proxyContainer(o);
    const [client] = config.staticClients as Manifest[];
    expect(flag(container, 'client-id')).toEqual([client.id]);
    expect(flag(container, 'redirect-url')).toEqual(client.redirectURIs);
    expect(client.redirectURIs).toEqual([`https://${HOST}/oauth2/callback`]);
    const dexEnv = o
      .find('Deployment', DEX_NS, 'dex')
      .spec.template.spec.containers[0].env.find((e: Manifest) => e.name === client.secretEnv);
    const proxyEnv = container.env.find((e: Manifest) => e.name === 'OAUTH2_PROXY_CLIENT_SECRET');
    expect(proxyEnv.valueFrom.secretKeyRef).toEqual(dexEnv.valueFrom.secretKeyRef);
    expect(flag(container, 'oidc-issuer-url')).toEqual([config.issuer]);
  });

  test('machine-to-machine adds a rule for service account tokens of one audience', () => {
    const m2m = buildStack({
      proxy: {
        machineToMachine: MachineToMachine.kubernetesServiceAccounts({
          audience: 'kubeflow-gateway',
          jwksUri: 'http://cluster-jwks-proxy.istio-system.svc.cluster.local/openid/v1/jwks',
        }),
      },
    }).objects();
    const rules = m2m.find('RequestAuthentication', GATEWAY_NS, 'oauth2-proxy-jwt').spec
      .jwtRules as Manifest[];
    expect(rules).toHaveLength(2);
    expect(rules[1]).toEqual({
      issuer: 'https://kubernetes.default.svc.cluster.local',
      jwksUri: 'http://cluster-jwks-proxy.istio-system.svc.cluster.local/openid/v1/jwks',
      audiences: ['kubeflow-gateway'],
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: 'kubeflow-userid', claim: 'sub' }],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
    });
    // Bearer requests never reach the proxy, so it is not asked to verify them.
    const args = proxyContainer(m2m).args as string[];
    expect(args.some((a) => a.startsWith('--skip-jwt-bearer-tokens'))).toBe(false);
    expect(args.some((a) => a.startsWith('--extra-jwt-issuers'))).toBe(false);
  });

  test('machine-to-machine refuses an empty audience', () => {
    expect(() =>
      buildStack({
        proxy: {
          machineToMachine: MachineToMachine.kubernetesServiceAccounts({
            audience: '',
            jwksUri: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/keys',
          }),
        },
      }),
    ).toThrow(
      'OAuth2Proxy: `machineToMachine.audience` is empty or has spaces (got ""). Choose an audience such as kubeflow-gateway.',
    );
  });

  test('public paths you add are exempt from both policies', () => {
    const withHealth = buildStack({
      proxy: { publicPaths: [{ path: '/healthz', reason: 'load balancer health check' }] },
    }).objects();
    for (const name of ['oauth2-proxy-ext-authz', 'oauth2-proxy-require-jwt']) {
      const policy = withHealth.find('AuthorizationPolicy', GATEWAY_NS, name);
      expect(policy.spec.rules[0].to[0].operation.notPaths).toContain('/healthz');
    }
  });
});
