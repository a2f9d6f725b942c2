import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MLFLOW_LABELS } from './private/labels';

/** The API group the auth plugin checks callers against (`auth/constants.py` `DEFAULT_AUTH_GROUP`). */
export const MLFLOW_API_GROUP = 'mlflow.kubeflow.org';

/**
 * The virtual resources the plugin authorizes (`docs/kubernetes-rbac.md` "Caller Permissions",
 * as Kubeflow's `applications/mlflow/overlays/kubeflow/profile-roles.yaml` grants them). Nothing
 * stores them: the plugin asks access reviews about them.
 */
export const MLFLOW_RESOURCES = [
  'datasets',
  'experiments',
  'gatewaybudgets',
  'gatewayendpoints',
  'gatewayguardrails',
  'gatewaymodeldefinitions',
  'gatewaysecrets',
  'mcpservers',
  'registeredmodels',
] as const;
/** Assistants have no list or delete in the plugin. */
export const MLFLOW_ASSISTANTS_RESOURCE = 'assistants';
/** Using a gateway endpoint, model definition or secret is `create` on its `/use` subresource. */
export const MLFLOW_USE_SUBRESOURCES = [
  'gatewayendpoints/use',
  'gatewaymodeldefinitions/use',
  'gatewaysecrets/use',
] as const;

/** Names of the roles (Kubeflow's `profile-roles.yaml`). */
export const MLFLOW_KUBEFLOW_ROLE_NAMES = {
  admin: 'kubeflow-mlflow-admin',
  edit: 'kubeflow-mlflow-edit',
  view: 'kubeflow-mlflow-view',
} as const;

const aggregateTo = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/**
 * Rules of `kubeflow-mlflow-view` and `kubeflow-mlflow-edit`, Kubeflow's: viewers read
 * (get, list); editors also create, update and delete, and use gateway endpoints, model
 * definitions and secrets. `gatewaysecrets` get lets the holder read the names and metadata MLflow
 * returns, not the secret values (MLflow never returns them).
 */
export const MLFLOW_KUBEFLOW_ROLE_RULES: Readonly<
  Record<'edit' | 'view', readonly k8s.PolicyRule[]>
> = {
  view: [
    { apiGroups: [MLFLOW_API_GROUP], resources: [...MLFLOW_RESOURCES], verbs: ['get', 'list'] },
    { apiGroups: [MLFLOW_API_GROUP], resources: [MLFLOW_ASSISTANTS_RESOURCE], verbs: ['get'] },
  ],
  edit: [
    {
      apiGroups: [MLFLOW_API_GROUP],
      resources: [...MLFLOW_RESOURCES],
      verbs: ['create', 'delete', 'get', 'list', 'update'],
    },
    {
      apiGroups: [MLFLOW_API_GROUP],
      resources: [MLFLOW_ASSISTANTS_RESOURCE],
      verbs: ['create', 'get', 'update'],
    },
    { apiGroups: [MLFLOW_API_GROUP], resources: [...MLFLOW_USE_SUBRESOURCES], verbs: ['create'] },
  ],
};

/** No settings: the roles are Kubeflow's; a type keeps the usual constructor shape. */
export type MlflowKubeflowRolesProps = Record<string, never>;

/**
 * MLflow's Kubeflow roles, as Kubeflow's `applications/mlflow/overlays/kubeflow/profile-roles.yaml`
 * defines them: `kubeflow-mlflow-view` joins `kubeflow-view`, `kubeflow-mlflow-edit` joins
 * `kubeflow-edit` and `kubeflow-mlflow-admin`, which joins `kubeflow-admin` and has no rules of its
 * own. Tenant members are bound to `kubeflow-admin/edit/view` in their namespace, so these rules
 * are what the server's access reviews find for them in their workspace.
 */
export class MlflowKubeflowRoles extends Construct {
  public readonly roleNames = MLFLOW_KUBEFLOW_ROLE_NAMES;
  public readonly admin: k8s.KubeClusterRole;
  public readonly edit: k8s.KubeClusterRole;
  public readonly view: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, _props: MlflowKubeflowRolesProps = {}) {
    super(scope, id);
    const N = MLFLOW_KUBEFLOW_ROLE_NAMES;
    const base = MLFLOW_LABELS.labels('kubeflow-roles');
    const joins = (...roles: string[]): Record<string, string> => ({
      ...base,
      ...Object.fromEntries(roles.map((r) => [aggregateTo(r), 'true'])),
    });
    this.admin = new k8s.KubeClusterRole(this, 'Admin', {
      metadata: { name: N.admin, labels: joins('kubeflow-admin') },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [aggregateTo(N.admin)]: 'true' } }],
      },
      rules: [],
    });
    this.edit = new k8s.KubeClusterRole(this, 'Edit', {
      metadata: { name: N.edit, labels: joins('kubeflow-edit', N.admin) },
      rules: MLFLOW_KUBEFLOW_ROLE_RULES.edit.map(copyRule),
    });
    this.view = new k8s.KubeClusterRole(this, 'View', {
      metadata: { name: N.view, labels: joins('kubeflow-view') },
      rules: MLFLOW_KUBEFLOW_ROLE_RULES.view.map(copyRule),
    });
  }
}

function copyRule(rule: k8s.PolicyRule): k8s.PolicyRule {
  return {
    apiGroups: [...(rule.apiGroups ?? [])],
    resources: [...(rule.resources ?? [])],
    verbs: [...rule.verbs],
  };
}
