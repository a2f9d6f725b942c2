import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ExtAuthzHttpProvider, GatewayRoute, IGateway, IMesh } from '../core/mesh';
import { NetworkPeer } from '../core/network';
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
 * `addExtensionProvider` throws with the entry to add there.
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

  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    const entry = stringify([extensionProviderJson(provider)], { lineWidth: 0 });
    throw new Error(
      `Cannot add the ext-authz provider "${provider.name}": the Istio mesh is external ` +
        `(revision ${this.revision ?? 'default'}, root namespace ${this.rootNamespace}), so this ` +
        'platform does not manage its mesh config. Add this entry under ' +
        'meshConfig.extensionProviders of your Istio installation (istiod reloads it without ' +
        `a restart):\n${entry}`,
    );
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
    throwIfProblems('External Istio gateway', problems);
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
