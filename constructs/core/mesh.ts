import { Construct } from 'constructs';
import { NetworkPeer } from './network';

/**
 * An HTTP route through the platform's ingress gateway: requests for `prefix` on the gateway's
 * hosts go to `destination`.
 */
export interface GatewayRoute {
  /** Namespace of the routed service; the VirtualService is created there. */
  readonly namespace: string;
  /** URI prefix, e.g. `/dex/`. */
  readonly prefix: string;
  /** Rewrite the matched prefix to this value. @default - no rewrite */
  readonly rewrite?: string;
  readonly destination: { readonly host: string; readonly port: number };
  /** @default - the mesh default */
  readonly timeoutSeconds?: number;
}

/** The platform's ingress gateway: where users enter, over HTTPS. */
export interface IGateway {
  /** Host names the gateway serves, e.g. `['kubeflow.example.com']`. */
  readonly hosts: readonly string[];
  /** `<namespace>/<name>` of the Istio Gateway, as VirtualServices list it in `spec.gateways`. */
  readonly gatewayRef: string;
  /** Namespace the gateway pods run in. */
  readonly namespace: string;
  /** Labels of the gateway pods (`istio: ingressgateway`), for policies that target them. */
  readonly selector: Readonly<Record<string, string>>;
  /** Network peer matching the gateway pods, for allows in the namespaces it routes to. */
  readonly peer: NetworkPeer;
  /**
   * The gateway's mTLS identity (`<trust domain>/ns/<namespace>/sa/<service account>`), for
   * AuthorizationPolicies that admit only the gateway; `undefined` when it is not known (an
   * external gateway whose service account was not named).
   */
  readonly principal?: string;
  /**
   * The gateway's plain-HTTP server as its pods see it: the port Envoy listens on (the Service's
   * target port for 80, which is what AuthorizationPolicy `ports` match) and whether it answers
   * every request with a redirect to HTTPS. `undefined` when not known (an external gateway).
   */
  readonly plainHttp?: { readonly port: number; readonly redirectsToHttps: boolean };
  /**
   * Adds a VirtualService bound to this gateway, in `scope` (so that a route is installed with
   * the component it leads to).
   * @default scope - the gateway's own configuration layer
   */
  addRoute(id: string, route: GatewayRoute, scope?: Construct): void;
}

/** An ext-authz HTTP provider in the mesh config (the OIDC auth proxy registers itself here). */
export interface ExtAuthzHttpProvider {
  readonly name: string;
  /** FQDN of the authorization service, e.g. `oauth2-proxy.oauth2-proxy.svc.cluster.local`. */
  readonly service: string;
  readonly port: number;
  readonly includeRequestHeadersInCheck?: readonly string[];
  readonly headersToUpstreamOnAllow?: readonly string[];
  readonly headersToDownstreamOnDeny?: readonly string[];
}

/** The service mesh as other components see it, whether this platform installed it or not. */
export interface IMesh {
  /** Namespace of the control plane and of mesh-wide policy (`istio-system`). */
  readonly rootNamespace: string;
  /** Namespace labels that turn on sidecar injection for a namespace. */
  readonly injectionLabels: Readonly<Record<string, string>>;
  /** Network peer matching the control plane pods, for allows to istiod. */
  readonly controlPlanePeer: NetworkPeer;
  /**
   * Registers an ext-authz provider in the mesh config. Only a mesh this platform installs can
   * do this; an external mesh throws with instructions for its operator.
   */
  addExtensionProvider(provider: ExtAuthzHttpProvider): void;
}

/**
 * The gateway's mTLS identity, for components that admit only the gateway. Fails with what to
 * configure when the gateway's service account is not known.
 */
export function gatewayPrincipal(gateway: IGateway, component: string): string {
  if (!gateway.principal) {
    throw new Error(
      `${component} admits only the ingress gateway, but the identity of gateway ${gateway.gatewayRef} is unknown. Name its service account (mesh.istio.gateway.serviceAccount).`,
    );
  }
  return gateway.principal;
}
