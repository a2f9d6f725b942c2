import { k8s } from 'cdk8s-plus-27';

/** The label Kubernetes sets on every namespace with its own name (since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Who may connect: a typed NetworkPolicy peer. Components state intent ("the pipelines namespace
 * may reach the object store") rather than writing selectors by hand.
 */
export class NetworkPeer {
  /** Pods in the namespace that the policy protects (optionally only those with `podLabels`). */
  public static sameNamespace(podLabels?: Record<string, string>): NetworkPeer {
    return new NetworkPeer('same namespace', {
      podSelector: { matchLabels: podLabels ?? {} },
    });
  }

  /** Pods in the named namespace (optionally only those with `podLabels`). */
  public static namespace(name: string, podLabels?: Record<string, string>): NetworkPeer {
    return new NetworkPeer(`namespace ${name}`, {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
    });
  }

  /** Pods in every namespace that carries `labels` (for example every tenant namespace). */
  public static namespacesLabelled(
    labels: Record<string, string>,
    podLabels?: Record<string, string>,
  ): NetworkPeer {
    const sel = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return new NetworkPeer(`namespaces labelled ${sel}`, {
      namespaceSelector: { matchLabels: labels },
      ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
    });
  }

  /** Pods in every namespace that has the label `key`, whatever its value. */
  public static namespacesWithLabel(key: string): NetworkPeer {
    return new NetworkPeer(`namespaces with label ${key}`, {
      namespaceSelector: { matchExpressions: [{ key, operator: 'Exists' }] },
    });
  }

  /** Addresses outside the cluster's pod network, e.g. a load balancer range. */
  public static ipBlock(cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer(`addresses ${cidr}`, {
      ipBlock: { cidr, ...(except ? { except } : {}) },
    });
  }

  private constructor(
    /** Human-readable, used in the policy's description annotation. */
    public readonly description: string,
    private readonly peer: k8s.NetworkPolicyPeer,
  ) {}

  public toPeer(): k8s.NetworkPolicyPeer {
    return this.peer;
  }
}

export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** One explicit allow on top of a namespace's default-deny ingress policy. */
export interface IngressAllow {
  /** Why this traffic is needed; written to the policy as an annotation. */
  readonly description: string;
  /** The pods in the namespace that receive the traffic. @default - every pod of the namespace */
  readonly podLabels?: Record<string, string>;
  readonly from: readonly NetworkPeer[];
  /** @default - every port */
  readonly ports?: readonly NetworkPort[];
}

/** A namespace the platform manages: its name, and the allows components add to its policy. */
export interface INamespace {
  readonly name: string;
  /**
   * Adds a NetworkPolicy `allow-<id>` in this namespace. IDs are unique per namespace and are
   * part of the object name, so they must be DNS labels.
   */
  allowIngress(id: string, allow: IngressAllow): void;
}
