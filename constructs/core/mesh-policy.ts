import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Istio's security API (AuthorizationPolicy, PeerAuthentication, RequestAuthentication), as the
 * components that write mesh policy for themselves name it. It is the storage version of those
 * CRDs in the pinned Istio release (the mesh component's CRD data; a test keeps the two equal).
 */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';

/**
 * Pod annotation: start the application only once its sidecar is ready, for applications that
 * call out as soon as they start (to the API server, to an identity provider).
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig
 */
export const HOLD_UNTIL_PROXY_STARTS = {
  'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
} as const;

/**
 * A port where the mesh also accepts clients without a sidecar (port-level PERMISSIVE mTLS), made
 * once and annotated with every reason given for it: a store opens its S3 port so for pipeline
 * steps, which run without a sidecar. Keys and network policy still decide who gets in.
 */
export class PlaintextClientsPort {
  private readonly reasons: string[] = [];

  public constructor(
    private readonly scope: Construct,
    private readonly props: {
      readonly name: string;
      readonly namespace: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly selector: Readonly<Record<string, string>>;
      readonly port: number;
    },
  ) {}

  /** Opens the port (the first time) and records why. */
  public accept(reason: string): void {
    if (this.reasons.length === 0) {
      new ApiObject(this.scope, 'PlaintextClients', {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'PeerAuthentication',
        metadata: {
          name: this.props.name,
          namespace: this.props.namespace,
          labels: { ...this.props.labels },
          annotations: {
            'mlops-blueprint.dev/reason': Lazy.any({
              produce: () => this.reasons.join(' '),
            }) as unknown as string,
          },
        },
        spec: {
          selector: { matchLabels: { ...this.props.selector } },
          portLevelMtls: { [String(this.props.port)]: { mode: 'PERMISSIVE' } },
        },
      });
    }
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }
}
