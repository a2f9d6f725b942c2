import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { IGateway } from '../../../constructs/core/mesh';
import { Dex, DexProps, ExternalOidcProvider } from '../../../constructs/dex';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { OAuth2Proxy, OAuth2ProxyProps } from '../../../constructs/oauth2-proxy';
import { FakeGateway, FakeMesh } from '../../fakes';
import { CORPORATE_SSO, DEX_NS, Manifest, Objects, PROXY_NS } from '../dex/helpers';

export interface Stack {
  readonly app: App;
  readonly chart: Chart;
  readonly dex?: Dex;
  readonly external?: ExternalOidcProvider;
  readonly proxy: OAuth2Proxy;
  readonly gateway: FakeGateway;
  readonly mesh: FakeMesh;
  readonly objects: () => Objects;
}

export interface StackOptions {
  /** Use the organisation's provider instead of Dex. */
  readonly external?: boolean;
  readonly dex?: Partial<DexProps>;
  readonly proxy?: Partial<OAuth2ProxyProps>;
  readonly hosts?: readonly string[];
  /** What the gateway says about its plain-HTTP port. @default - nothing (an external gateway) */
  readonly plainHttp?: IGateway['plainHttp'];
}

/** The fake gateway, saying what its plain-HTTP port does. */
class PlainHttpGateway extends FakeGateway {
  public constructor(
    scope: Construct,
    id: string,
    hosts: readonly string[] | undefined,
    public readonly plainHttp: IGateway['plainHttp'],
  ) {
    super(scope, id, hosts);
  }
}

export const EXTERNAL = {
  issuerUrl: 'https://login.example.com/realms/kubeflow',
  jwksUri: 'https://login.example.com/realms/kubeflow/protocol/openid-connect/certs',
  clientId: 'kubeflow',
  clientSecret: { name: 'kubeflow-oidc', key: 'client-secret' },
};

/** The identity layer as the platform wires it: Dex (or an external provider) and the proxy. */
export function buildStack(opts: StackOptions = {}): Stack {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const gateway = opts.plainHttp
    ? new PlainHttpGateway(chart, 'Gateway', opts.hosts, opts.plainHttp)
    : new FakeGateway(chart, 'Gateway', opts.hosts);
  const mesh = new FakeMesh();
  const proxyNamespace = new PlatformNamespace(chart, 'ProxyNamespace', { name: PROXY_NS });
  let dex: Dex | undefined;
  let external: ExternalOidcProvider | undefined;
  if (opts.external) {
    external = new ExternalOidcProvider(chart, 'Oidc', EXTERNAL);
  } else {
    const dexNamespace = new PlatformNamespace(chart, 'DexNamespace', { name: DEX_NS });
    dex = new Dex(chart, 'Dex', {
      namespace: dexNamespace,
      gateway,
      mesh,
      connectors: [CORPORATE_SSO],
      ...opts.dex,
    });
  }
  const provider = dex ?? external;
  if (!provider) throw new Error('no provider');
  const proxy = new OAuth2Proxy(chart, 'OAuth2Proxy', {
    namespace: proxyNamespace,
    provider,
    gateway,
    mesh,
    ...(dex ? { endpoints: dex.endpoints } : {}),
    ...opts.proxy,
  });
  return {
    app,
    chart,
    ...(dex ? { dex } : {}),
    ...(external ? { external } : {}),
    proxy,
    gateway,
    mesh,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}

export const proxyDeployment = (o: Objects): Manifest =>
  o.find('Deployment', PROXY_NS, 'oauth2-proxy');
export const proxyContainer = (o: Objects): Manifest =>
  proxyDeployment(o).spec.template.spec.containers[0];
/** The value of `--<flag>=`, or every value when the flag repeats. */
export function flag(container: Manifest, name: string): string[] {
  return (container.args as string[])
    .filter((a) => a.startsWith(`--${name}=`))
    .map((a) => a.slice(name.length + 3));
}

/** Whether an Istio path pattern (exact, prefix* or *suffix) matches `path`. */
export function istioMatch(pattern: string, path: string): boolean {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return pattern === path;
}

/** A request as the gateway's policies see it. */
export interface GatewayRequest {
  /** The port of the gateway pod the request arrived on. */
  readonly port: number;
  readonly path: string;
  /** Whether the request carries an `Authorization` header. */
  readonly authorization?: boolean;
  /** The principal of a token the RequestAuthentication verified. */
  readonly principal?: string;
}

function operationMatches(op: Manifest, r: GatewayRequest): boolean {
  const known = ['ports', 'notPorts', 'paths', 'notPaths'];
  const unknown = Object.keys(op).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`operation fields not modelled: ${unknown.join(', ')}`);
  const port = String(r.port);
  const ports = op.ports as string[] | undefined;
  const notPorts = op.notPorts as string[] | undefined;
  const paths = op.paths as string[] | undefined;
  const notPaths = op.notPaths as string[] | undefined;
  return (
    (!ports || ports.includes(port)) &&
    !notPorts?.includes(port) &&
    (!paths || paths.some((p) => istioMatch(p, r.path))) &&
    !notPaths?.some((p) => istioMatch(p, r.path))
  );
}

function sourceMatches(source: Manifest, r: GatewayRequest): boolean {
  const unknown = Object.keys(source).filter((k) => k !== 'notRequestPrincipals');
  if (unknown.length > 0) throw new Error(`source fields not modelled: ${unknown.join(', ')}`);
  if (JSON.stringify(source.notRequestPrincipals) !== '["*"]') {
    throw new Error('only notRequestPrincipals ["*"] is modelled');
  }
  return r.principal === undefined;
}

function conditionMatches(c: Manifest, r: GatewayRequest): boolean {
  if (c.key !== 'request.headers[authorization]' || JSON.stringify(c.notValues) !== '["*"]') {
    throw new Error(`condition not modelled: ${JSON.stringify(c)}`);
  }
  return !r.authorization;
}

/** Whether an AuthorizationPolicy rule matches, with Istio's semantics for the fields modelled. */
function ruleMatches(rule: Manifest, r: GatewayRequest): boolean {
  const unknown = Object.keys(rule).filter((k) => !['from', 'to', 'when'].includes(k));
  if (unknown.length > 0) throw new Error(`rule fields not modelled: ${unknown.join(', ')}`);
  const from = rule.from as Manifest[] | undefined;
  const to = rule.to as Manifest[] | undefined;
  const when = rule.when as Manifest[] | undefined;
  return (
    (!from || from.some((f) => sourceMatches(f.source as Manifest, r))) &&
    (!to || to.some((t) => operationMatches(t.operation as Manifest, r))) &&
    (!when || when.every((c) => conditionMatches(c, r)))
  );
}

/**
 * What the gateway's policies do with a request: Istio runs CUSTOM (ext-authz) first, then DENY.
 * `passed` means the request reaches the router, which redirects plain HTTP if the gateway says so.
 */
export function gatewayDecision(
  policies: readonly Manifest[],
  r: GatewayRequest,
): 'ext-authz' | 'denied' | 'passed' {
  const matches = (action: string): boolean =>
    policies
      .filter((p) => p.spec.action === action)
      .some((p) => (p.spec.rules as Manifest[]).some((rule) => ruleMatches(rule, r)));
  if (matches('CUSTOM')) return 'ext-authz';
  if (matches('DENY')) return 'denied';
  return 'passed';
}
