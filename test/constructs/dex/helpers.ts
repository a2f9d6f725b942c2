import { App, Chart, Testing } from 'cdk8s';
import { Dex, DexConnector, DexProps } from '../../../constructs/dex';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { FakeGateway, FakeMesh } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';

export type { Manifest };
export { LayeredApp, Objects };

export const DEX_NS = 'auth';
export const PROXY_NS = 'oauth2-proxy';

/** A connector for tests that need one and do not care which. */
export const CORPORATE_SSO = DexConnector.oidc({
  id: 'corporate-sso',
  name: 'Corporate SSO',
  issuer: 'https://login.example.com',
  clientID: 'kubeflow',
  clientSecret: { name: 'corporate-sso-client', key: 'client-secret' },
});

export interface Built {
  readonly app: App;
  readonly chart: Chart;
  readonly dex: Dex;
  readonly gateway: FakeGateway;
  readonly mesh: FakeMesh;
  readonly dexNamespace: PlatformNamespace;
  readonly objects: () => Objects;
}

/** Dex in one chart with its namespace, a fake gateway and a fake mesh. */
export function buildDex(
  props: Partial<DexProps> = { connectors: [CORPORATE_SSO] },
  opts: { hosts?: readonly string[]; context?: Record<string, unknown> } = {},
): Built {
  const app = Testing.app();
  for (const [key, value] of Object.entries(opts.context ?? {})) app.node.setContext(key, value);
  const chart = new Chart(app, 'Test');
  const dexNamespace = new PlatformNamespace(chart, 'DexNamespace', { name: DEX_NS });
  const gateway = new FakeGateway(chart, 'Gateway', opts.hosts);
  const mesh = new FakeMesh();
  const dex = new Dex(chart, 'Dex', { namespace: dexNamespace, gateway, mesh, ...props });
  return {
    app,
    chart,
    dex,
    gateway,
    mesh,
    dexNamespace,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}

/** The Dex config as Dex reads it (parsed from the ConfigMap). */
export function dexConfigOf(objects: Objects): Manifest {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml') as typeof import('yaml');
  return parse(objects.find('ConfigMap', DEX_NS, 'dex').data['config.yaml'] as string) as Manifest;
}
