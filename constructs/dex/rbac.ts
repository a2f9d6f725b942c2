import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEX_RESOURCE_TYPES } from './crds';
import { DEX_API, DEX_NAMES } from './names';
import { DEX_LABELS } from './private/labels';

/**
 * What Dex's Kubernetes storage needs: its ten resource types, in its own namespace only (the
 * storage client addresses every object under `namespaces/<pod namespace>`). Upstream's
 * ClusterRole grants `*` on the group everywhere plus `create` on CRDs; with the CRDs installed
 * by us and `crdHandling: check`, a namespaced Role with the verbs the client uses is enough.
 *
 * The same verbs are what lets replicas share the storage (Dex v2.45.1 `storage/kubernetes`):
 * `update` is a PUT carrying the object's resourceVersion, so when two replicas rotate the signing
 * keys or lock a refresh token at once the API server answers the second with a conflict, which
 * Dex treats as "already rotated by another server instance"; `create` of the first keys fails
 * the same way with AlreadyExists; every replica garbage-collects with `list` and `delete`. Dex
 * never patches or watches, so neither verb is granted.
 */
export class DexRbac extends Construct {
  public readonly role: k8s.KubeRole;

  public constructor(scope: Construct, id: string, props: { readonly namespace: string }) {
    super(scope, id);
    const metadata = {
      name: DEX_NAMES.dex,
      namespace: props.namespace,
      labels: DEX_LABELS.labels('rbac'),
    };
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        {
          apiGroups: [DEX_API.group],
          resources: DEX_RESOURCE_TYPES.map((t) => t.plural),
          verbs: ['get', 'list', 'create', 'update', 'delete'],
        },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: DEX_NAMES.dex },
      subjects: [{ kind: 'ServiceAccount', name: DEX_NAMES.dex, namespace: props.namespace }],
    });
  }
}
