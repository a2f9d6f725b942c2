import { App, Chart, Testing } from 'cdk8s';
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
  const gateway = new FakeGateway(chart, 'Gateway', opts.hosts);
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
