import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { standardLabels } from '../core/labels';
import { istioApiVersion } from './crd-data';
import { ISTIO_NAMES } from './names';
import { ISTIO_VERSION } from './versions';

/** Mesh-wide mutual TLS: STRICT refuses plaintext to every sidecar; PERMISSIVE accepts both. */
export type MutualTlsMode = 'STRICT' | 'PERMISSIVE';

export interface MeshPolicyProps {
  /** The mesh root namespace: a selector-less policy there applies to the whole mesh. */
  readonly rootNamespace: string;
  /** @default 'STRICT' */
  readonly mutualTls?: MutualTlsMode;
}

/**
 * Mesh-wide policy: a PeerAuthentication without selector in the root namespace, so that every
 * sidecar accepts only mutual TLS (workloads without a sidecar can no longer call meshed ones).
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MeshPolicy extends Construct {
  public readonly mutualTls: MutualTlsMode;
  public readonly peerAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshPolicyProps) {
    super(scope, id);
    this.mutualTls = props.mutualTls ?? 'STRICT';
    this.peerAuthentication = new ApiObject(this, 'PeerAuthentication', {
      apiVersion: istioApiVersion('PeerAuthentication'),
      kind: 'PeerAuthentication',
      metadata: {
        name: ISTIO_NAMES.meshPeerAuthentication,
        namespace: props.rootNamespace,
        labels: standardLabels({ name: 'istio', component: 'mesh-policy', version: ISTIO_VERSION }),
      },
      spec: { mtls: { mode: this.mutualTls } },
    });
  }
}
