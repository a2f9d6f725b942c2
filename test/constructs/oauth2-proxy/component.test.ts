import {
  OAUTH2_PROXY_NAMESPACE,
  OAUTH2_PROXY_VERSION,
  oauth2ProxyComponent,
} from '../../../constructs/oauth2-proxy';
import { EnvironmentConfig } from '../../../stacks/config/schema';
import { GATEWAY_NS } from '../../fakes';
import { Manifest, allObjects, readEnvironment, renderEnv } from '../../helpers';
import { Objects } from '../dex/helpers';
import { gatewayDecision } from './helpers';

const ACME = '/.well-known/acme-challenge/k3y';

/** The gateway's CUSTOM and DENY policies. */
function policiesOf(o: Objects): Manifest[] {
  return ['oauth2-proxy-ext-authz', 'oauth2-proxy-require-jwt'].map((n) =>
    o.find('AuthorizationPolicy', GATEWAY_NS, n),
  );
}

/** The platform's own gateway, rendered: which pod port serves plain HTTP, and what it does. */
function platformGateway(env?: EnvironmentConfig): {
  policies: Manifest[];
  httpPodPort: number;
  httpsPodPort: number;
  redirects: boolean;
} {
  const objects = allObjects(renderEnv(env)) as Manifest[];
  const o = new Objects(objects);
  const gateway = objects.find(
    (x) => x.kind === 'Gateway' && x.apiVersion.startsWith('networking.istio.io/'),
  ) as Manifest;
  const servers = gateway.spec.servers as Manifest[];
  const http = servers.find((s) => s.port.protocol === 'HTTP') as Manifest;
  const https = servers.find((s) => s.port.protocol === 'HTTPS') as Manifest;
  // Istio maps a Gateway server's number through the Service to the pod's port.
  const service = objects.find(
    (x) =>
      x.kind === 'Service' &&
      x.metadata.namespace === gateway.metadata.namespace &&
      Object.entries(gateway.spec.selector as Record<string, string>).every(
        ([k, v]) => x.spec.selector?.[k] === v,
      ),
  ) as Manifest;
  const podPort = (number: number): number => {
    const port = (service.spec.ports as Manifest[]).find((p) => p.port === number) as Manifest;
    return port.targetPort as number;
  };
  const deployment = o.find('Deployment', service.metadata.namespace, service.metadata.name);
  const containerPorts = (deployment.spec.template.spec.containers as Manifest[]).flatMap((c) =>
    (c.ports as Manifest[]).map((p) => p.containerPort as number),
  );
  const httpPodPort = podPort(http.port.number as number);
  const httpsPodPort = podPort(https.port.number as number);
  expect(containerPorts).toEqual(expect.arrayContaining([httpPodPort, httpsPodPort]));
  return {
    policies: policiesOf(o),
    httpPodPort,
    httpsPodPort,
    redirects: http.tls?.httpsRedirect === true,
  };
}

describe("the platform's gateway", () => {
  test('by default redirects plain HTTP, and the policies leave exactly that pod port to it', () => {
    const g = platformGateway();
    expect(g.redirects).toBe(true);
    expect(gatewayDecision(g.policies, { port: g.httpPodPort, path: '/' })).toBe('passed');
    expect(gatewayDecision(g.policies, { port: g.httpsPodPort, path: '/' })).toBe('ext-authz');
    expect(
      gatewayDecision(g.policies, { port: g.httpsPodPort, path: '/', authorization: true }),
    ).toBe('denied');
  });

  test('with an ACME HTTP-01 issuer serves plain HTTP only for the challenges', () => {
    const env = structuredClone(readEnvironment('stacks/prod.yaml')) as Manifest;
    env.tls.issuer.solver = { type: 'http01' };
    const g = platformGateway(env as unknown as EnvironmentConfig);
    expect(g.redirects).toBe(false);
    expect(gatewayDecision(g.policies, { port: g.httpPodPort, path: ACME })).toBe('passed');
    expect(gatewayDecision(g.policies, { port: g.httpPodPort, path: '/' })).toBe('denied');
    expect(gatewayDecision(g.policies, { port: g.httpsPodPort, path: '/' })).toBe('ext-authz');
  });
});

describe('the upgrade to v7.15.2', () => {
  test('deletes exactly the cookie secret Job the platform renders and the Secret it generates', () => {
    const [step] = oauth2ProxyComponent.upgrades ?? [];
    expect(step.version).toBe(OAUTH2_PROXY_VERSION);
    const o = new Objects(allObjects(renderEnv()) as Manifest[]);
    const job = o.find('Job', OAUTH2_PROXY_NAMESPACE, 'oauth2-proxy-cookie-secret-generator');
    const env = job.spec.template.spec.containers[0].env as Manifest[];
    const secretName = env.find((e) => e.name === 'SECRET_NAME')?.value as string;
    const proxy = o.find('Deployment', OAUTH2_PROXY_NAMESPACE, 'oauth2-proxy');
    const cookieEnv = (proxy.spec.template.spec.containers[0].env as Manifest[]).find(
      (e) => e.name === 'OAUTH2_PROXY_COOKIE_SECRET',
    );
    expect(cookieEnv?.valueFrom.secretKeyRef.name).toBe(secretName);
    expect(step.deleteBeforeApply).toEqual([
      { resource: 'job.batch', namespace: OAUTH2_PROXY_NAMESPACE, name: job.metadata.name },
      { resource: 'secret', namespace: OAUTH2_PROXY_NAMESPACE, name: secretName },
    ]);
    expect(step.pruneAfterApply ?? []).toEqual([]);
  });
});
