import { k8s } from 'cdk8s-plus-27';

const READ = ['get', 'list', 'watch'];

/**
 * The controller's ClusterRole, rule by rule as upstream's
 * `manifests/v1beta1/components/controller/rbac.yaml` at v0.19.0 (`katib-controller`).
 * Cluster-wide because experiments run in every profile namespace. Why each broad rule:
 * - services, apps/deployments (create, delete): each experiment's suggestion runs as a
 *   Deployment and a Service `<experiment>-<algorithm>` in the experiment's namespace
 *   (`pkg/controller.v1beta1/suggestion/composer`), deleted when the experiment ends.
 * - serviceaccounts, roles, rolebindings (create): a suggestion with early stopping gets its own
 *   ServiceAccount with a Role on `trials` and `trials/status` of its namespace. Creating a Role
 *   needs no escalation: the controller already holds every verb on trials.
 * - persistentvolumeclaims, persistentvolumes (create): `resumePolicy: FromVolume` and PBT keep
 *   a suggestion's state on a claim (and a volume when `katib-config` names one).
 * - batch jobs, cronjobs, trainer.kubeflow.org trainjobs and the kubeflow.org training jobs
 *   (create, delete): a trial runs its `trialSpec` as one of the `init.controller.trialResources`
 *   kinds; cronjobs is in upstream's list though no trial kind needs it. jobsets (read): the
 *   pod webhook walks a trial pod's owners up to the trial's resource.
 * - secrets (get, list, watch, patch, update), validating/mutating webhook configurations (get,
 *   list, watch, patch, update): only for Katib's own cert generator (`init.certGenerator`),
 *   which writes the serving certificate and patches the webhooks' caBundle. Upstream grants it
 *   in every install; `KATIB_CERT_GENERATOR_RULES` holds them and the controller drops them
 *   when cert-manager signs the certificate.
 * - pods, pods/status (get): the pod webhook reads a trial pod's owner chain; events: the
 *   controller's recorder; namespaces, configmaps (read): `katib-config` and trial templates in
 *   ConfigMaps of any namespace (`trialTemplate.configMap`).
 * - kubeflow.org experiments, trials, suggestions and their status and finalizers: the
 *   controller's own resources, with the verbs it uses (upstream grants `*`).
 */
export const KATIB_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['services'], verbs: [...READ, 'create', 'delete'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  {
    apiGroups: [''],
    resources: ['serviceaccounts', 'persistentvolumes', 'persistentvolumeclaims'],
    verbs: [...READ, 'create'],
  },
  { apiGroups: [''], resources: ['namespaces', 'configmaps'], verbs: READ },
  { apiGroups: [''], resources: ['pods', 'pods/status'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, 'create', 'delete'] },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'rolebindings'],
    verbs: ['get', 'create', 'list', 'watch'],
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...READ, 'create', 'delete'] },
  { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: READ },
  {
    apiGroups: ['trainer.kubeflow.org'],
    resources: ['trainjobs'],
    verbs: ['create', 'get', 'list', 'watch', 'delete'],
  },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['tfjobs', 'pytorchjobs', 'mpijobs', 'xgboostjobs'],
    verbs: [...READ, 'create', 'delete'],
  },
  {
    apiGroups: ['kubeflow.org'],
    resources: [
      'experiments',
      'experiments/status',
      'experiments/finalizers',
      'trials',
      'trials/status',
      'trials/finalizers',
      'suggestions',
      'suggestions/status',
      'suggestions/finalizers',
    ],
    // Upstream grants `*`; these are the verbs controller-runtime's clients use on them.
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
];

/**
 * The two rules of upstream's ClusterRole that only Katib's built-in cert generator uses
 * (`pkg/certgenerator/v1beta1`): it stores the certificate in a Secret and patches the caBundle
 * of both webhook configurations. With cert-manager (Kubeflow's install) nothing reads them, and
 * cluster-wide Secret write access is the broadest grant upstream makes, so we leave them out.
 */
export const KATIB_CERT_GENERATOR_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: [...READ, 'patch', 'update'] },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
    verbs: ['get', 'watch', 'list', 'patch', 'update'],
  },
];

/** Upstream's full ClusterRole: `KATIB_CONTROLLER_RULES` with the cert generator's rules in place. */
export const KATIB_UPSTREAM_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  ...KATIB_CONTROLLER_RULES.slice(0, 5),
  KATIB_CERT_GENERATOR_RULES[0],
  ...KATIB_CONTROLLER_RULES.slice(5),
  KATIB_CERT_GENERATOR_RULES[1],
];

/**
 * Leader election (`installs/katib-leader-election/leader-election-rbac.yaml`): a Role in the
 * controller's namespace on Leases, bound only when `init.controller.enableLeaderElection` is
 * on. Upstream grants every verb; controller-runtime's lease lock gets, creates and updates.
 */
export const KATIB_LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];
