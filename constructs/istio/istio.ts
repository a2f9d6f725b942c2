import { IMonitoring } from '../core/monitoring';
import { addIstioMonitoring } from './monitoring';
import { Construct } from 'constructs';
import { IstioStartupCheck } from './startup-check';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { ExtAuthzHttpProvider, IMesh } from '../core/mesh';
import { INamespace, NAMESPACE_NAME_LABEL, NetworkPeer } from '../core/network';
import { Autoscaling, autoscalingProblems } from './autoscaling';
import { IstioCni, IstioCniOptions } from './cni';
import { IstioCrds } from './crds';
import { ANYWHERE, IngressGateway, IngressGatewayOptions } from './gateway';
import { Istiod, IstiodOptions } from './istiod';
import { AccessLogging, MeshConfig } from './mesh-config';
import { controlPlaneNames } from './names';
import { MeshPolicy, MutualTlsMode } from './policy';
import { ProxyOptions, resolveProxy } from './proxy';
import { isDnsLabel, throwIfProblems } from '../core/validation';
import { hostProblems } from './private/validate';
import { ISTIO_IMAGES } from './versions';

export interface IstioProps {
  /**
   * The control plane namespace, also the mesh root namespace (`istio-system`). Created by the
   * platform; its pods pass Pod Security "restricted".
   */
  readonly namespace: INamespace;
  /**
   * The CNI node agent's own namespace (`istio-cni`). Created by the platform with pod security
   * `privileged` and a reason: the agent needs host paths and capabilities.
   */
  readonly cniNamespace: INamespace;
  /** The ingress gateway: host names, certificate issuer and exposure. */
  readonly gateway: IngressGatewayOptions;
  /**
   * An Istio revision name: istiod becomes `istiod-<revision>` and namespaces select it with
   * `istio.io/rev=<revision>`.
   * @default - the default revision (namespaces select it with `istio-injection=enabled`)
   */
  readonly revision?: string;
  /** The SPIFFE trust domain of workload identities. @default 'cluster.local' */
  readonly trustDomain?: string;
  /** @default AccessLogging.disabled() */
  readonly accessLogging?: AccessLogging;
  /** Mesh-wide mutual TLS. @default 'STRICT' */
  readonly mutualTls?: MutualTlsMode;
  /**
   * Ext-authz providers known from the start; components add theirs with
   * `addExtensionProvider`.
   * @default []
   */
  readonly extensionProviders?: readonly ExtAuthzHttpProvider[];
  /** @default - upstream's resources (with a memory limit) and autoscaling */
  readonly istiod?: IstiodOptions;
  /** Injected proxies. @default - upstream's resources and log levels */
  readonly proxy?: ProxyOptions;
  /** @default - upstream's node paths and resources (with a memory limit) */
  readonly cni?: IstioCniOptions;
  /**
   * Who may call istiod's admission webhooks (port 15017). The API server's source address is not
   * a pod and depends on the distribution (host network, a managed control plane outside the
   * cluster), so no selector can match it; the port only answers TLS admission reviews.
   * @default ANYWHERE (0.0.0.0/0 and ::/0)
   */
  readonly apiServerPeers?: readonly NetworkPeer[];
  /**
   * Who may connect to istiod for xDS and certificates (port 15012). Any pod can be injected (a
   * pod label suffices, in any namespace), and istiod authenticates every client by its service
   * account token and mutual TLS, so the default is every namespace.
   * @default - every namespace (`kubernetes.io/metadata.name` exists on all of them)
   */
  readonly xdsClients?: readonly NetworkPeer[];
  /**
   * The cluster's monitoring: it scrapes istiod and the ingress gateway and gets Istio's alerts
   * (istiod or the gateway down, rejected configuration, slow pushes, gateway 5xx).
   * @default - no scrape targets and no alerts
   */
  readonly monitoring?: IMonitoring;
}

const TRUST_DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validate(props: IstioProps): void {
  const problems: string[] = [];
  if (props.revision !== undefined) {
    if (!isDnsLabel(props.revision)) {
      problems.push(
        `\`revision\` must be a DNS label (got "${props.revision}"). Use a name such as 1-30-1.`,
      );
    } else if (props.revision === 'default') {
      problems.push(
        '`revision` "default" names the default revision (got "default"). Leave revision unset instead.',
      );
    }
  }
  const trustDomain = props.trustDomain ?? 'cluster.local';
  if (!TRUST_DOMAIN.test(trustDomain)) {
    problems.push(
      `\`trustDomain\` is not a DNS name (got "${trustDomain}"). Use e.g. cluster.local or example.com.`,
    );
  }
  if (props.cniNamespace.name === props.namespace.name) {
    problems.push(
      `\`cniNamespace\` must differ from \`namespace\` (got "${props.namespace.name}" for both). ` +
        'The CNI agent needs pod security privileged; give it its own namespace such as istio-cni.',
    );
  }
  problems.push(...hostProblems('gateway.hosts', props.gateway.hosts));
  const scaling: [string, Autoscaling | undefined][] = [
    ['istiod.autoscaling', props.istiod?.autoscaling],
    ['gateway.autoscaling', props.gateway.autoscaling],
  ];
  for (const [path, autoscaling] of scaling) {
    if (autoscaling) problems.push(...autoscalingProblems(path, autoscaling));
  }
  throwIfProblems('Istio', problems);
}

/**
 * Istio 1.30 as the platform's service mesh: CRDs, the istiod control plane with our injection
 * templates (native sidecars, CNI mode), the istio-cni node agent, an HTTPS ingress gateway with a
 * cert-manager certificate, mesh-wide STRICT mutual TLS and the network policies all of these
 * need. Other components see it as `IMesh` and, through `gateway`, as `IGateway`.
 *
 * Layers: CRDs in `crds`; istiod, its webhooks, the CNI agent and the gateway workload where the
 * construct is created (the infrastructure chart); the PeerAuthentication, the gateway's
 * Certificate and Gateway resource and its routes in `infrastructure-config`.
 * @see https://istio.io/latest/docs/setup/install/helm/
 */
export class Istio extends Construct implements IMesh {
  /** Completes once istiod validates Istio resources; wait for it before applying them. */
  public readonly startupCheck: IstioStartupCheck;
  public readonly rootNamespace: string;
  public readonly injectionLabels: Readonly<Record<string, string>>;
  public readonly controlPlanePeer: NetworkPeer;
  /** The revision, or undefined for the default revision. */
  public readonly revision?: string;
  public readonly trustDomain: string;
  public readonly crds: IstioCrds;
  public readonly istiod: Istiod;
  public readonly cni: IstioCni;
  public readonly gateway: IngressGateway;
  public readonly meshPolicy: MeshPolicy;
  public readonly meshConfig: MeshConfig;
  /** The proxy image as injected (after the registry mirror). */
  public readonly proxyImage: string;

  public constructor(scope: Construct, id: string, props: IstioProps) {
    super(scope, id);
    validate(props);
    const ns = props.namespace.name;
    this.rootNamespace = ns;
    this.revision = props.revision;
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    this.injectionLabels = props.revision
      ? { 'istio.io/rev': props.revision }
      : { 'istio-injection': 'enabled' };
    const names = controlPlaneNames(ns, props.revision);

    this.crds = new IstioCrds(scopeInLayer(this, Layer.CRDS), 'IstioCrds');

    this.meshConfig = new MeshConfig({
      rootNamespace: ns,
      trustDomain: this.trustDomain,
      discoveryAddress: names.discoveryAddress,
      accessLogging: props.accessLogging ?? AccessLogging.disabled(),
    });
    for (const provider of props.extensionProviders ?? []) {
      this.meshConfig.addExtensionProvider(provider);
    }

    this.proxyImage = resolveImage(this, ISTIO_IMAGES.proxy);
    const proxy = resolveProxy(this.proxyImage, props.proxy);

    this.istiod = new Istiod(this, 'Istiod', {
      ...props.istiod,
      namespace: props.namespace,
      revision: props.revision,
      meshConfig: this.meshConfig,
      proxy,
      apiServerPeers: props.apiServerPeers ?? ANYWHERE,
      xdsClients: props.xdsClients ?? [NetworkPeer.namespacesWithLabel(NAMESPACE_NAME_LABEL)],
    });
    this.controlPlanePeer = this.istiod.peer;
    this.startupCheck = new IstioStartupCheck(this, 'StartupCheck', { namespace: ns });

    this.cni = new IstioCni(this, 'Cni', {
      ...props.cni,
      namespace: props.cniNamespace,
      revision: props.revision,
    });

    this.gateway = new IngressGateway(this, 'IngressGateway', {
      ...props.gateway,
      namespace: props.gateway.namespace ?? props.namespace,
      mesh: { names, trustDomain: this.trustDomain, proxy },
    });

    if (props.monitoring) {
      addIstioMonitoring(this, {
        monitoring: props.monitoring,
        istiod: {
          namespace: props.namespace,
          name: names.istiod,
          selector: this.istiod.selector,
        },
        gateway: {
          namespace: props.gateway.namespace ?? props.namespace,
          selector: this.gateway.selector,
        },
      });
    }

    this.meshPolicy = new MeshPolicy(
      scopeInLayer(this, Layer.INFRASTRUCTURE_CONFIG),
      'MeshPolicy',
      {
        rootNamespace: ns,
        mutualTls: props.mutualTls,
      },
    );
  }

  /** Registers an ext-authz provider in the mesh config (rendered at synthesis). */
  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    this.meshConfig.addExtensionProvider(provider);
  }
}
