import { IngressAllow, NetworkPeer } from '../core/network';
import { ACTIVATOR_POD_LABELS, KNATIVE_DATA_PLANE_PORTS } from './net-istio-names';

/** What a namespace with Knative revisions (a tenant serving models) must let in. */
export interface RevisionTrafficSources {
  /** Knative Serving's namespace: the activator and the autoscaler run there. */
  readonly knativeNamespace: string;
  /** The gateways that route to revisions directly once they have pods (ingress and local). */
  readonly gatewayPeers: readonly NetworkPeer[];
  /** Their mTLS identities (the `principal` of `IGateway` and `KnativeLocalGateway`). */
  readonly gatewayPrincipals: readonly string[];
  /** @default 'cluster.local' */
  readonly trustDomain?: string;
}

/**
 * The NetworkPolicy allows a namespace with Knative revisions needs, keyed by the id to pass to
 * `INamespace.allowIngress`: the gateways and the activator reach queue-proxy's HTTP/1 and h2c
 * ports, the autoscaler scrapes its metrics port. Revision pods carry no fixed label value, so
 * the allows cover every pod of the namespace on these ports only.
 */
export function revisionIngressAllows(
  sources: RevisionTrafficSources,
): Record<string, IngressAllow> {
  const P = KNATIVE_DATA_PLANE_PORTS;
  const knative = sources.knativeNamespace;
  return {
    'knative-revisions-from-gateways': {
      description: 'Requests from the ingress and cluster-local gateways to Knative revisions',
      from: [
        ...sources.gatewayPeers,
        NetworkPeer.namespace(knative, { app: ACTIVATOR_POD_LABELS.app }),
      ],
      ports: [{ port: P.queueHttp1 }, { port: P.queueH2c }],
    },
    'knative-revisions-from-autoscaler': {
      description: "Knative's autoscaler scraping queue-proxy metrics of revision pods",
      from: [NetworkPeer.namespace(knative, { app: 'autoscaler' })],
      ports: [{ port: P.queueMetrics }],
    },
  };
}

/**
 * The AuthorizationPolicy rules (for an ALLOW policy in a tenant namespace, which any other ALLOW
 * policy there makes necessary) that admit Knative's traffic to revision pods: the gateways and
 * the activator (`activator` ServiceAccount) on queue-proxy's ports, the autoscaler (`controller`)
 * on its metrics port. A request through the activator carries the activator's identity, not the
 * caller's (knative-extensions/net-istio#554): per-user checks belong at the gateway.
 */
export function revisionAuthorizationRules(
  sources: RevisionTrafficSources,
): Record<string, unknown>[] {
  const P = KNATIVE_DATA_PLANE_PORTS;
  const td = sources.trustDomain ?? 'cluster.local';
  const knative = sources.knativeNamespace;
  return [
    {
      from: [
        {
          source: {
            principals: [...sources.gatewayPrincipals, `${td}/ns/${knative}/sa/activator`],
          },
        },
      ],
      to: [{ operation: { ports: [String(P.queueHttp1), String(P.queueH2c)] } }],
    },
    {
      from: [{ source: { principals: [`${td}/ns/${knative}/sa/controller`] } }],
      to: [{ operation: { ports: [String(P.queueMetrics)] } }],
    },
  ];
}
