import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INamespace, IngressAllow } from '../core/network';
import { KUBERNETES_VERSION } from '../core/kubernetes';
import { standardLabels } from '../core/labels';
import { DNS_LABEL } from '../core/validation';

import { PodSecurityLevel } from '../core/component';

export type { PodSecurityLevel };

export interface PlatformNamespaceProps {
  readonly name: string;
  /**
   * Pod Security level enforced by the admission controller.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Why a level below `restricted` is needed. Required unless the level is `restricted`. */
  readonly podSecurityReason?: string;
  /**
   * Labels that turn on sidecar injection, as the mesh states them (`IMesh.injectionLabels`).
   * @default - not labelled for injection
   */
  readonly meshLabels?: Readonly<Record<string, string>>;
  /** Extra labels, e.g. the tenant label that platform services select on. @default {} */
  readonly labels?: Record<string, string>;
  /** The component that owns the namespace, for `app.kubernetes.io/*` labels. @default 'platform' */
  readonly owner?: string;
  /** Annotations, e.g. the `owner` a Kubeflow profile controller checks. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Reason a namespace runs below `restricted`, recorded on the Namespace object. */
export const POD_SECURITY_REASON_ANNOTATION = 'mlops-blueprint.dev/pod-security-reason';

/**
 * A namespace with Pod Security labels (restricted unless a reason is given), optional mesh
 * injection, a default-deny ingress policy and the explicit allows components add to it.
 */
export class PlatformNamespace extends Construct implements INamespace {
  public readonly name: string;
  public readonly podSecurity: PodSecurityLevel;
  /** The Namespace object. */
  public readonly resource: k8s.KubeNamespace;
  private readonly allowIds = new Set<string>();
  private readonly owner: string;

  public constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.owner = props.owner ?? 'platform';
    if (this.podSecurity !== 'restricted' && !props.podSecurityReason?.trim()) {
      throw new Error(
        `Namespace ${props.name}: pod security "${this.podSecurity}" needs a podSecurityReason.`,
      );
    }
    const meshLabels = props.meshLabels ?? {};

    const annotations = {
      ...(props.annotations ?? {}),
      ...(props.podSecurityReason
        ? { [POD_SECURITY_REASON_ANNOTATION]: props.podSecurityReason }
        : {}),
    };
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...this.labels('namespace'),
          ...(props.labels ?? {}),
          ...meshLabels,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': KUBERNETES_VERSION,
          // Audit and warn at restricted everywhere, so exceptions stay visible.
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': KUBERNETES_VERSION,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': KUBERNETES_VERSION,
        },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
    });

    new k8s.KubeNetworkPolicy(this, 'DefaultDenyIngress', {
      metadata: {
        name: 'default-deny-ingress',
        namespace: props.name,
        labels: this.labels('network-policy'),
        annotations: {
          'mlops-blueprint.dev/description': 'Deny all ingress unless another policy allows it.',
        },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
  }

  public allowIngress(id: string, allow: IngressAllow): void {
    if (!DNS_LABEL.test(id)) {
      throw new Error(`Network allow id "${id}" in namespace ${this.name} must be a DNS label.`);
    }
    if (this.allowIds.has(id)) {
      throw new Error(`Network allow "${id}" is declared twice in namespace ${this.name}.`);
    }
    if (allow.from.length === 0) {
      throw new Error(`Network allow "${id}" in namespace ${this.name} names no peer.`);
    }
    this.allowIds.add(id);
    new k8s.KubeNetworkPolicy(this, `Allow-${id}`, {
      metadata: {
        name: `allow-${id}`,
        namespace: this.name,
        labels: this.labels('network-policy'),
        annotations: {
          'mlops-blueprint.dev/description': `${allow.description} (from ${allow.from
            .map((p) => p.description)
            .join('; ')})`,
        },
      },
      spec: {
        podSelector: { matchLabels: allow.podLabels ?? {} },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: allow.from.map((p) => p.toPeer()),
            ...(allow.ports
              ? {
                  ports: allow.ports.map((p) => ({
                    port: k8s.IntOrString.fromNumber(p.port),
                    protocol: p.protocol ?? 'TCP',
                  })),
                }
              : {}),
          },
        ],
      },
    });
  }

  private labels(component: string): Record<string, string> {
    return standardLabels({ name: this.owner, instance: this.name, component });
  }
}
