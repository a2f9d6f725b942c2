import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DEX_NAMES, DEX_PATH, DEX_PORTS } from './names';
import { DEX_LABELS } from './private/labels';
import { ISTIO_SECURITY_API_VERSION } from './private/mesh';

/** Paths istiod reads, without mutual TLS, to verify Dex's tokens at the gateway. */
export const DEX_SIGNING_KEY_PATHS = [
  `${DEX_PATH}/keys`,
  `${DEX_PATH}/.well-known/openid-configuration`,
] as const;

export interface DexMeshPolicyProps {
  readonly namespace: string;
  /** Principal of the ingress gateway, e.g. `cluster.local/ns/istio-system/sa/istio-ingressgateway`. */
  readonly gatewayPrincipal: string;
  /** Namespaces of registered OIDC clients (the auth proxy redeems codes in-cluster); read at synthesis. */
  readonly clientNamespaces: () => readonly string[];
}

/**
 * Istio policy for the Dex pods: only the gateway and the namespaces of registered clients may call
 * Dex, over mutual TLS; anyone the network policy lets through may read the signing keys and the
 * discovery document (both public through the gateway anyway). istiod fetches the keys for the
 * gateway's RequestAuthentication without a sidecar, so the web port accepts plain text as well;
 * the AuthorizationPolicy keeps plain text to those two paths.
 */
export class DexMeshPolicy extends Construct {
  public readonly authorizationPolicy: ApiObject;
  public readonly peerAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: DexMeshPolicyProps) {
    super(scope, id);
    const labels = DEX_LABELS.labels('mesh-policy');
    const selector = { matchLabels: DEX_LABELS.selector('server') };
    const port = String(DEX_PORTS.http);

    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: DEX_NAMES.authorizationPolicy, namespace: props.namespace, labels },
      spec: {
        selector,
        action: 'ALLOW',
        rules: Lazy.any({
          produce: () => {
            const clients = [...new Set(props.clientNamespaces())].sort();
            return [
              {
                from: [{ source: { principals: [props.gatewayPrincipal] } }],
                to: [{ operation: { ports: [port] } }],
              },
              ...(clients.length > 0
                ? [
                    {
                      from: [{ source: { namespaces: clients } }],
                      to: [{ operation: { ports: [port] } }],
                    },
                  ]
                : []),
              {
                to: [
                  {
                    operation: {
                      ports: [port],
                      methods: ['GET'],
                      paths: [...DEX_SIGNING_KEY_PATHS],
                    },
                  },
                ],
              },
            ];
          },
        }),
      },
    });

    this.peerAuthentication = new ApiObject(this, 'PeerAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'PeerAuthentication',
      metadata: { name: DEX_NAMES.peerAuthentication, namespace: props.namespace, labels },
      spec: { selector, portLevelMtls: { [port]: { mode: 'PERMISSIVE' } } },
    });
  }
}
