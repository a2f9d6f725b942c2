import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ExtAuthzHttpProvider, GatewayRoute, IGateway, IMesh } from '../core/mesh';
import { NetworkPeer } from '../core/network';
import { Prerequisites } from '../core/prerequisites';
import { extensionProviderJson } from './mesh-config';
import { createGatewayRoute } from './routes';
import { isDnsLabel, throwIfProblems } from '../core/validation';
import { hostProblems } from './private/validate';

export interface ExternalMeshProps {
  /**
   * The revision of the existing control plane that should inject the platform's namespaces.
   * @default - the default revision (`istio-injection=enabled`)
   */
  readonly revision?: string;
  /** The existing mesh's root namespace. @default 'istio-system' */
  readonly rootNamespace?: string;
  /** Labels of the existing istiod pods, for network allows to them. @default { app: 'istiod' } */
  readonly controlPlaneSelector?: Readonly<Record<string, string>>;
}

/**
 * An Istio the cluster already runs: nothing is installed, and the platform labels its namespaces
 * for that control plane's injector. Its mesh config belongs to its operator, so
 * `addExtensionProvider` makes the entry a prerequisite that the install script checks.
 */
export class ExternalMesh extends Construct implements IMesh {
  public readonly rootNamespace: string;
  public readonly injectionLabels: Readonly<Record<string, string>>;
  public readonly controlPlanePeer: NetworkPeer;
  public readonly revision?: string;

  public constructor(scope: Construct, id: string, props: ExternalMeshProps = {}) {
    super(scope, id);
    const problems: string[] = [];
    if (props.revision !== undefined && !isDnsLabel(props.revision)) {
      problems.push(`\`revision\` must be a DNS label (got "${props.revision}").`);
    }
    const root = props.rootNamespace ?? 'istio-system';
    if (!isDnsLabel(root)) {
      problems.push(`\`rootNamespace\` must be a namespace name (got "${root}").`);
    }
    const selector = props.controlPlaneSelector ?? { app: 'istiod' };
    if (Object.keys(selector).length === 0) {
      problems.push(
        '`controlPlaneSelector` is empty. Name the labels of your istiod pods, e.g. app: istiod.',
      );
    }
    throwIfProblems('External Istio mesh', problems);
    this.revision = props.revision;
    this.rootNamespace = root;
    this.injectionLabels = props.revision
      ? { 'istio.io/rev': props.revision }
      : { 'istio-injection': 'enabled' };
    this.controlPlanePeer = NetworkPeer.namespace(root, { ...selector });
  }

  /**
   * The mesh config belongs to the mesh's operator, so the provider becomes a prerequisite: the
   * install script checks that the mesh config names it and prints the entry to add if not.
   */
  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    Prerequisites.of(this).requireMeshProvider({
      name: provider.name,
      namespace: this.rootNamespace,
      configMap: this.revision ? `istio-${this.revision}` : 'istio',
      entry: stringify([extensionProviderJson(provider)], { lineWidth: 0 }),
    });
  }
}

export interface ExternalGatewayProps {
  /** Namespace of the existing gateway pods and of its Istio `Gateway` resource. */
  readonly namespace: string;
  /** Labels of the existing gateway pods, e.g. `{ istio: 'ingressgateway' }`. */
  readonly selector: Readonly<Record<string, string>>;
  /** Host names the existing Gateway serves for the platform. */
  readonly hosts: readonly string[];
  /** Name of the existing Istio `Gateway` resource (in `namespace`) that serves `hosts` over HTTPS. */
  readonly gatewayName: string;
  /** Service account of the gateway pods. @default - unknown: no `principal` */
  readonly serviceAccount?: string;
  /** The mesh's trust domain. @default 'cluster.local' */
  readonly trustDomain?: string;
  /**
   * The gateway's plain-HTTP server as its pods see it: the container port (80, or 8080 for the
   * gateways of Kubeflow's manifests and istioctl) and whether it redirects every request to
   * HTTPS. With it, the platform's authentication policies leave that port to the redirect.
   * @default - unknown: the policies apply to every port
   */
  readonly plainHttp?: { readonly port: number; readonly redirectsToHttps: boolean };
}

/**
 * An ingress gateway the cluster already runs, with an Istio `Gateway` resource its operator
 * maintains (TLS included). Nothing is created for it; routes that components add become
 * VirtualServices bound to that Gateway.
 */
export class ExternalGateway extends Construct implements IGateway {
  public readonly hosts: readonly string[];
  public readonly gatewayRef: string;
  public readonly namespace: string;
  public readonly selector: Readonly<Record<string, string>>;
  public readonly peer: NetworkPeer;
  public readonly principal?: string;
  public readonly plainHttp?: { readonly port: number; readonly redirectsToHttps: boolean };
  private readonly routeNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: ExternalGatewayProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!isDnsLabel(props.namespace)) {
      problems.push(`\`namespace\` must be a namespace name (got "${props.namespace}").`);
    }
    if (Object.keys(props.selector).length === 0) {
      problems.push(
        '`selector` is empty. Name the labels of your gateway pods, e.g. istio: ingressgateway.',
      );
    }
    if (!isDnsLabel(props.gatewayName)) {
      problems.push(
        `\`gatewayName\` must name an Istio Gateway resource (got "${props.gatewayName}").`,
      );
    }
    problems.push(...hostProblems('hosts', props.hosts));
    if (props.serviceAccount !== undefined && !isDnsLabel(props.serviceAccount)) {
      problems.push(
        `\`serviceAccount\` must be a service account name (got "${props.serviceAccount}").`,
      );
    }
    const port = props.plainHttp?.port;
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      problems.push(
        `\`plainHttp.port\` must be a port from 1 to 65535 (got ${port}). Give the container port of the gateway's plain-HTTP server, such as 8080.`,
      );
    }
    throwIfProblems('External Istio gateway', problems);
    if (props.plainHttp) this.plainHttp = { ...props.plainHttp };
    // The platform's gateway policies (authentication, header stripping) live in its namespace.
    Prerequisites.of(this).requireNamespace({
      name: props.namespace,
      purpose: 'the ingress gateway of the cluster (mesh.istio.mode external)',
    });
    if (props.serviceAccount) {
      this.principal = `${props.trustDomain ?? 'cluster.local'}/ns/${props.namespace}/sa/${props.serviceAccount}`;
    }
    this.hosts = [...props.hosts];
    this.namespace = props.namespace;
    this.selector = { ...props.selector };
    this.gatewayRef = `${props.namespace}/${props.gatewayName}`;
    this.peer = NetworkPeer.namespace(props.namespace, { ...props.selector });
  }

  /** Adds a VirtualService bound to the existing Gateway, in `scope` (default: this construct). */
  public addRoute(id: string, route: GatewayRoute, scope?: Construct): void {
    createGatewayRoute(scope ?? this, id, this, route, this.routeNames);
  }
}
