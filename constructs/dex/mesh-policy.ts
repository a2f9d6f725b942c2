import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayExposure } from '../core/gateway-exposure';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { DEX_NAMES, DEX_PATH, DEX_PORTS } from './names';
import { DEX_LABELS } from './private/labels';

/** Paths istiod reads, without mutual TLS, to verify Dex's tokens at the gateway. */
export const DEX_SIGNING_KEY_PATHS = [
  `${DEX_PATH}/keys`,
  `${DEX_PATH}/.well-known/openid-configuration`,
] as const;

export interface DexMeshPolicyProps {
  readonly namespace: string;
  /**
   * Dex's exposure through the gateway: its AuthorizationPolicy admits the gateway and the
   * namespaces of registered clients (the auth proxy redeems codes in-cluster) over mutual TLS.
   */
  readonly exposure: GatewayExposure;
}

/**
 * Istio policy for the Dex pods on top of their gateway exposure: only the gateway and the
 * namespaces of registered clients may call Dex, over mutual TLS; anyone the network policy lets
 * through may read the signing keys and the discovery document (both public through the gateway
 * anyway). istiod fetches the keys for the gateway's RequestAuthentication without a sidecar, so
 * the web port accepts plain text as well; the AuthorizationPolicy keeps plain text to those two
 * paths.
 */
export class DexMeshPolicy extends Construct {
  public readonly authorizationPolicy: ApiObject;
  public readonly peerAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: DexMeshPolicyProps) {
    super(scope, id);
    props.exposure.allowUnauthenticatedGet(DEX_SIGNING_KEY_PATHS);
    this.authorizationPolicy = props.exposure.authorizationPolicy;
    this.peerAuthentication = new ApiObject(this, 'PeerAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'PeerAuthentication',
      metadata: {
        name: DEX_NAMES.peerAuthentication,
        namespace: props.namespace,
        labels: DEX_LABELS.labels('mesh-policy'),
      },
      spec: {
        selector: { matchLabels: DEX_LABELS.selector('server') },
        portLevelMtls: { [String(DEX_PORTS.http)]: { mode: 'PERMISSIVE' } },
      },
    });
  }
}
