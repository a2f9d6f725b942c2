import { GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../dex/helpers';
import { GatewayRequest, buildStack, gatewayDecision } from './helpers';

const ACME = '/.well-known/acme-challenge/k3y';
const USER = 'https://kubeflow.example.com/dex/user';

/** The gateway's CUSTOM and DENY policies. */
function policiesOf(o: Objects): Manifest[] {
  return ['oauth2-proxy-ext-authz', 'oauth2-proxy-require-jwt'].map((n) =>
    o.find('AuthorizationPolicy', GATEWAY_NS, n),
  );
}

/** `[request, decision]` cases: what the policies do before the router sees the request. */
type Case = [string, GatewayRequest, ReturnType<typeof gatewayDecision>];

const HTTPS_CASES: Case[] = [
  ['a page without a session goes to oauth2-proxy', { port: 443, path: '/' }, 'ext-authz'],
  ['the sign-in callback is public', { port: 443, path: '/oauth2/callback' }, 'passed'],
  ['the login pages are public', { port: 443, path: '/dex/auth' }, 'passed'],
  [
    'a bearer token that did not verify is refused',
    { port: 443, path: '/pipeline/', authorization: true },
    'denied',
  ],
  [
    'a verified token passes',
    { port: 443, path: '/pipeline/', authorization: true, principal: USER },
    'passed',
  ],
];

describe('plain HTTP at the gateway', () => {
  describe('a gateway that redirects port 80 to HTTPS', () => {
    const o = buildStack({ plainHttp: { port: 80, redirectsToHttps: true } }).objects();
    const policies = policiesOf(o);

    test.each<Case>([
      ...HTTPS_CASES,
      // The router answers these with the redirect: no policy stands in its way.
      ['a page over plain HTTP reaches the redirect', { port: 80, path: '/' }, 'passed'],
      [
        'a token over plain HTTP reaches the redirect too',
        { port: 80, path: '/pipeline/', authorization: true },
        'passed',
      ],
      ['an ACME challenge over plain HTTP', { port: 80, path: ACME }, 'passed'],
    ])('%s', (_what, request, decision) => {
      expect(gatewayDecision(policies, request)).toBe(decision);
    });

    test('both policies exempt the plain-HTTP port by number, as a string', () => {
      for (const p of policies) {
        expect(p.spec.rules[0].to).toEqual([
          {
            operation: {
              notPorts: ['80'],
              notPaths: ['/oauth2/*', '/dex/*', '/.well-known/acme-challenge/*'],
            },
          },
        ]);
      }
      expect(policies[1].spec.rules).toHaveLength(1);
    });

    test('the exempt port is the pod port: a Service that maps 80 to 8080 exempts 8080', () => {
      const other = policiesOf(
        buildStack({ plainHttp: { port: 8080, redirectsToHttps: true } }).objects(),
      );
      expect(gatewayDecision(other, { port: 8080, path: '/' })).toBe('passed');
      // ...and a wrong number leaves plain HTTP checked, never HTTPS unchecked.
      expect(gatewayDecision(other, { port: 80, path: '/' })).toBe('ext-authz');
      expect(gatewayDecision(other, { port: 8443, path: '/' })).toBe('ext-authz');
    });
  });

  describe('a gateway that serves plain HTTP (ACME HTTP-01)', () => {
    const o = buildStack({ plainHttp: { port: 80, redirectsToHttps: false } }).objects();
    const policies = policiesOf(o);

    test.each<Case>([
      ...HTTPS_CASES,
      ['an ACME challenge is answered', { port: 80, path: ACME }, 'passed'],
      // No sign-in page where the secure cookie could never come back, and nothing else either.
      ['a page is refused', { port: 80, path: '/' }, 'denied'],
      ['the login pages are refused', { port: 80, path: '/dex/auth' }, 'denied'],
      [
        'even a verified token is refused',
        { port: 80, path: '/pipeline/', authorization: true, principal: USER },
        'denied',
      ],
    ])('%s', (_what, request, decision) => {
      expect(gatewayDecision(policies, request)).toBe(decision);
    });
  });

  test('a gateway that does not say (an external one) keeps both policies on every port', () => {
    const policies = policiesOf(buildStack().objects());
    for (const p of policies) {
      expect(Object.keys(p.spec.rules[0].to[0].operation)).toEqual(['notPaths']);
    }
    expect(gatewayDecision(policies, { port: 80, path: '/' })).toBe('ext-authz');
    expect(gatewayDecision(policies, { port: 80, path: ACME })).toBe('passed');
  });
});
