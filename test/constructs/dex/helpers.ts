import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ExtAuthzHttpProvider, GatewayRoute, IGateway, IMesh } from '../../../constructs/core/mesh';
import { NetworkPeer } from '../../../constructs/core/network';
import { Dex, DexConnector, DexProps } from '../../../constructs/dex';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { LayeredApp, Manifest, Objects } from '../../helpers';

export type { Manifest };
export { LayeredApp, Objects };

export const HOST = 'kubeflow.example.com';
export const DEX_NS = 'auth';
export const PROXY_NS = 'oauth2-proxy';
export const GATEWAY_NS = 'istio-system';
export const GATEWAY_SELECTOR = { istio: 'ingressgateway' } as const;

/**
 * A stand-in for the Istio ingress gateway: it records the routes it is asked for, and renders
 * them as VirtualServices in its chart the way the mesh component does.
 */
export class FakeGateway extends Construct implements IGateway {
  public readonly hosts: readonly string[];
  public readonly gatewayRef = `${GATEWAY_NS}/platform-gateway`;
  public readonly namespace = GATEWAY_NS;
  public readonly selector = GATEWAY_SELECTOR;
  public readonly peer = NetworkPeer.namespace(GATEWAY_NS, { ...GATEWAY_SELECTOR });
  public readonly principal: string | undefined;
  public readonly routes: { id: string; route: GatewayRoute }[] = [];

  public constructor(
    scope: Construct,
    id: string,
    hosts: readonly string[] = [HOST],
    /** `null`: an external gateway whose service account is unknown. */
    serviceAccount: string | null = 'istio-ingressgateway',
  ) {
    super(scope, id);
    this.hosts = hosts;
    this.principal =
      serviceAccount === null ? undefined : `cluster.local/ns/${GATEWAY_NS}/sa/${serviceAccount}`;
  }

  public addRoute(id: string, route: GatewayRoute): void {
    this.routes.push({ id, route });
  }
}

/** A stand-in for the mesh: records extension providers. */
export class FakeMesh implements IMesh {
  public readonly rootNamespace = GATEWAY_NS;
  public readonly injectionLabels = { 'istio-injection': 'enabled' };
  public readonly controlPlanePeer = NetworkPeer.namespace(GATEWAY_NS, { app: 'istiod' });
  public readonly providers: ExtAuthzHttpProvider[] = [];

  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    this.providers.push(provider);
  }
}

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
