import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { REGISTRY_MIRROR_CONTEXT } from '../constructs/core/images';
import { ILayerCharts, LAYERS, LAYERS_CONTEXT, Layer, LayerInfo } from '../constructs/core/layers';
import { NetworkPeer } from '../constructs/core/network';
import { IObjectStore } from '../constructs/core/object-store';
import { SecretSource } from '../constructs/core/secrets';
import { MeshInjection, PlatformNamespace } from '../constructs/namespaces/namespace';
import { ObjectStore } from '../constructs/object-store/object-store';
import { Tenant } from '../constructs/tenant/tenant';
import { DEFAULT_ENVIRONMENT, ResolvedEnvironment, resolveEnvironment } from './config/presets';
import { EnvironmentConfig, SecretSourceConfig } from './config/schema';
import { validateEnvironment } from './config/validate';
import { PLATFORM_NAMESPACES, TENANT_LABEL } from './names';
import { buildCertificates } from './wiring/certificates';
import { buildMesh } from './wiring/mesh';
import { buildIdentity } from './wiring/identity';
import { IOidcProvider } from '../constructs/core/identity';
import { Dex } from '../constructs/dex/dex';
import { OAuth2Proxy } from '../constructs/oauth2-proxy/oauth2-proxy';
import { IGateway, IMesh } from '../constructs/core/mesh';
import { Istio } from '../constructs/istio/istio';
import { CertManager } from '../constructs/cert-manager/cert-manager';
import { BoundIssuer } from '../constructs/cert-manager/issuers';

export interface MlopsPlatformProps {
  /**
   * The environment, as written in an environment file or Pulumi stack config. It is validated
   * here: an invalid environment throws a `ConfigError` listing every problem.
   * @default DEFAULT_ENVIRONMENT (name dev, preset dev)
   */
  readonly environment?: EnvironmentConfig;
  /** Where the environment came from, for error messages. @default 'environment' */
  readonly source?: string;
}

/** Maps a configured secret source to the construct-level one. */
export function secretSourceFrom(config: SecretSourceConfig): SecretSource {
  switch (config.type) {
    case 'generated':
      return SecretSource.generated();
    case 'existing':
      return SecretSource.existing(config.secretName, config.keys ?? {});
    case 'pulumi':
      return SecretSource.pulumiConfig(config.configKeys);
  }
}

/**
 * The whole platform for one environment: one cdk8s Chart per install layer, each depending on
 * the one before, with the components wired to each other by typed references.
 */
export class MlopsPlatform extends Construct implements ILayerCharts {
  public readonly environment: ResolvedEnvironment;
  public readonly objectStore: IObjectStore;
  /** The installed cert-manager; `undefined` when the cluster brings its own. */
  public readonly certManager?: CertManager;
  /** Issues the platform's certificates (the gateway's, the webhooks'). */
  public readonly issuer: BoundIssuer;
  /** The service mesh, installed here or the cluster's own. */
  public readonly mesh: IMesh;
  /** The HTTPS front door every user enters through. */
  public readonly gateway: IGateway;
  /** The installed Istio; `undefined` when the cluster brings its own. */
  public readonly istio?: Istio;
  /** Who users are: Dex, or the organisation's OIDC provider. */
  public readonly oidcProvider: IOidcProvider;
  /** The installed Dex; `undefined` with an external identity provider. */
  public readonly dex?: Dex;
  /** The OIDC auth proxy behind the gateway's ext-authz. */
  public readonly authProxy: OAuth2Proxy;
  public readonly namespaces: ReadonlyMap<string, PlatformNamespace>;
  public readonly tenants: readonly Tenant[];
  private readonly charts = new Map<Layer, Chart>();

  public constructor(scope: Construct, id: string, props: MlopsPlatformProps = {}) {
    super(scope, id);
    const env = resolveEnvironment(
      validateEnvironment(props.environment ?? DEFAULT_ENVIRONMENT, props.source),
    );
    this.environment = env;
    this.node.setContext(LAYERS_CONTEXT, this);
    if (env.registryMirror) this.node.setContext(REGISTRY_MIRROR_CONTEXT, env.registryMirror);

    let previous: Chart | undefined;
    for (const info of LAYERS) {
      const chart = new Chart(this, info.id, { disableResourceNameHashes: true });
      if (previous) chart.addDependency(previous);
      this.charts.set(info.layer, chart);
      previous = chart;
    }

    const injection: MeshInjection = env.istio.revision ? { revision: env.istio.revision } : {};
    const namespaces = new Map<string, PlatformNamespace>();
    const namespace = (
      name: string,
      owner: string,
      opts: { mesh?: boolean; privilegedBecause?: string } = {},
    ): PlatformNamespace => {
      const ns = new PlatformNamespace(this.chartFor(Layer.NAMESPACES), `Namespace-${name}`, {
        name,
        owner,
        ...(opts.mesh === false ? {} : { meshInjection: injection }),
        ...(opts.privilegedBecause
          ? { podSecurity: 'privileged' as const, podSecurityReason: opts.privilegedBecause }
          : {}),
      });
      namespaces.set(name, ns);
      return ns;
    };

    const certificates = buildCertificates(
      this.chartFor(Layer.INFRASTRUCTURE),
      env.certManager.mode,
      env.tls.issuer,
      // The API server calls the webhook directly; a sidecar would only stand in its way.
      () => namespace(PLATFORM_NAMESPACES.certManager, 'cert-manager', { mesh: false }),
    );
    this.certManager = certificates.certManager;
    this.issuer = certificates.issuer;

    const meshes = buildMesh(this.chartFor(Layer.INFRASTRUCTURE), env, this.issuer, {
      // The control plane is not meshed itself; it stays restricted.
      controlPlane: () => namespace(PLATFORM_NAMESPACES.istio, 'istio', { mesh: false }),
      cni: () =>
        namespace(PLATFORM_NAMESPACES.istioCni, 'istio', {
          mesh: false,
          privilegedBecause:
            'The Istio CNI node agent installs the CNI plugin on each node (hostPath, NET_ADMIN), so that application pods need no privileged init container.',
        }),
    });
    this.mesh = meshes.mesh;
    this.gateway = meshes.gateway;
    this.istio = meshes.istio;

    const identity = buildIdentity(this.chartFor(Layer.IDENTITY), env, this.gateway, this.mesh, {
      dex: () => namespace(PLATFORM_NAMESPACES.dex, 'dex'),
      proxy: () => namespace(PLATFORM_NAMESPACES.oauth2Proxy, 'oauth2-proxy'),
    });
    this.oidcProvider = identity.provider;
    this.dex = identity.dex;
    this.authProxy = identity.proxy;

    const store = env.objectStore;
    const storeContext = { namespace: () => namespace(PLATFORM_NAMESPACES.objectStore, 'minio') };
    this.objectStore =
      store.type === 'minio'
        ? ObjectStore.minio({
            buckets: store.buckets,
            storageGiB: store.storageGiB,
            ...(store.storageClassName ? { storageClassName: store.storageClassName } : {}),
            rootCredentials: secretSourceFrom(store.rootCredentials),
            resources: store.resources,
          }).bind(this.chartFor(Layer.PLATFORM), 'ObjectStore', storeContext)
        : ObjectStore.s3({
            endpoint: store.endpoint,
            region: store.region,
            bucket: store.bucket,
            ...(store.extraBuckets ? { extraBuckets: store.extraBuckets } : {}),
            credentials: store.credentials,
          }).bind(this.chartFor(Layer.PLATFORM), 'ObjectStore', storeContext);

    this.tenants = env.tenants.map(
      (t) =>
        new Tenant(this.chartFor(Layer.TENANTS), `Tenant-${t.name}`, {
          name: t.name,
          owner: t.owner,
          members: t.members ?? [],
          groups: t.groups ?? [],
          ...(t.quota ? { quota: t.quota } : {}),
          meshInjection: injection,
          tenantLabel: TENANT_LABEL,
        }),
    );
    if (this.tenants.length > 0) {
      // Teams read and write datasets and artifacts in the object store.
      this.objectStore.grantAccess(
        'object-store-from-tenants',
        NetworkPeer.namespacesWithLabel(TENANT_LABEL),
      );
    }
    this.namespaces = namespaces;
  }

  public chartFor(layer: Layer): Chart {
    const chart = this.charts.get(layer);
    if (!chart) throw new Error(`no chart for layer ${layer}`);
    return chart;
  }

  /** The layer charts in install order. */
  public layerCharts(): { info: LayerInfo; chart: Chart }[] {
    return LAYERS.map((info) => ({ info, chart: this.chartFor(info.layer) }));
  }
}
