import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DNS_SUBDOMAIN, propProblem, throwIfProblems } from '../core/validation';
import { MLFLOW_LABELS } from './private/labels';
import { MlflowAuthorization } from './server';

/**
 * What the server's account needs, from upstream's `charts/mlflow/templates/rbac.yaml` (as
 * Kubeflow renders it) and `docs/kubernetes-rbac.md`:
 * - `namespaces` get, list, watch, cluster-wide: each namespace is a workspace; the provider
 *   lists them as it starts and watches them after (`workspace_plugin/caches.py` `NamespaceCache`).
 * - `mlflowconfigs.mlflow.kubeflow.org` get, list, watch: the provider also watches these
 *   optional per-namespace artifact overrides (`MlflowConfigCache`). We install no MLflowConfig
 *   CRD, so none can exist and every workspace keeps the server's artifact root; the permission
 *   makes the API server answer 404 ("not installed", logged once) instead of 403, which the
 *   plugin logs as a warning on every lookup.
 * Left out of upstream's rules: `secrets` named `mlflow-artifact-connection` in every namespace,
 * read only for an MLflowConfig that points a workspace at another bucket. A tenant who could
 * write both could point their workspace at another tenant's prefix, read with the server's keys.
 */
export const MLFLOW_SERVER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['mlflow.kubeflow.org'],
    resources: ['mlflowconfigs'],
    verbs: ['get', 'list', 'watch'],
  },
];

/**
 * Trusted-proxy mode only: the server asks the API server whether the user in the header may do
 * what the request does (`authorizer.py`, `subject_access_review`). In token mode the review is a
 * SelfSubjectAccessReview made with the caller's token, which every authenticated user may create
 * (`system:basic-user`): the server's account needs nothing for it.
 */
export const MLFLOW_TRUSTED_PROXY_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/** A tracking server's account, as `MlflowServer` exposes it. */
export interface MlflowServerAccount {
  readonly serviceAccountName: string;
  readonly namespace: string;
  readonly authorization: MlflowAuthorization;
}

export interface MlflowServerRbacProps {
  /** The servers bound to the role. */
  readonly servers: readonly MlflowServerAccount[];
  /** Name of the ClusterRole and its binding. @default 'mlflow' - upstream's */
  readonly name?: string;
}

/**
 * One ClusterRole and one ClusterRoleBinding for the tracking servers' accounts: the workspace
 * provider's read rules, and SubjectAccessReview creation when any server trusts a proxy.
 */
export class MlflowServerRbac extends Construct {
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly rules: readonly k8s.PolicyRule[];

  public constructor(scope: Construct, id: string, props: MlflowServerRbacProps) {
    super(scope, id);
    const name = props.name ?? 'mlflow';
    const problems: string[] = [];
    if (props.servers.length === 0) {
      problems.push(propProblem('servers', 'is empty', '[]', 'Bind at least one MlflowServer.'));
    }
    if (!DNS_SUBDOMAIN.test(name)) {
      problems.push(propProblem('name', 'is not a DNS subdomain', `"${name}"`, 'Use mlflow.'));
    }
    throwIfProblems('MlflowServerRbac', problems);

    const trustsProxy = props.servers.some((s) => s.authorization.mode === 'trusted-proxy');
    this.rules = [...MLFLOW_SERVER_RULES, ...(trustsProxy ? MLFLOW_TRUSTED_PROXY_RULES : [])];
    const labels = MLFLOW_LABELS.labels('rbac');
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name, labels },
      rules: this.rules.map((r) => ({
        apiGroups: [...(r.apiGroups ?? [])],
        resources: [...(r.resources ?? [])],
        verbs: [...r.verbs],
      })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: props.servers.map((s) => ({
        kind: 'ServiceAccount',
        name: s.serviceAccountName,
        namespace: s.namespace,
      })),
    });
  }
}
