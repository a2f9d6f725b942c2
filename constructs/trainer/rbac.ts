import { k8s } from 'cdk8s-plus-27';
import { TRAINER_NAMES } from './names';

const WATCH = ['get', 'list', 'watch'];

/**
 * The manager's ClusterRole: upstream's `manifests/base/rbac/role.yaml` at v2.2.0 (generated from
 * the `+kubebuilder:rbac` markers of `pkg/controller`, `pkg/runtime/**` and `pkg/util/cert`)
 * without the webhook-configuration rule, which only the internal certificate rotator needs
 * (`TRAINER_CERT_ROTATION_RULES`); here cert-manager issues the certificate and cainjector fills
 * the `caBundle`s.
 * Broader than obvious, and why:
 * - `secrets` and `configmaps` create/update/patch in every namespace: the MPI plugin writes each
 *   MPI TrainJob's SSH key pair (a Secret) and hostfile (a ConfigMap) into the TrainJob's
 *   namespace; the TrainJobStatus plugin reads the serving certificate's `ca.crt` from its own
 *   Secret and copies it into a ConfigMap next to each TrainJob. No `delete`: owner references
 *   let the garbage collector remove them with the TrainJob.
 * - `jobsets` with every verb: each TrainJob runs as a JobSet of the same name in its namespace.
 * - `podgroups` of Volcano and of scheduler-plugins, `runtimeclasses` and `limitranges` (read):
 *   the gang-scheduling plugins size a PodGroup from the pods' overhead and the namespace's
 *   defaults; without either scheduler installed the rules grant nothing.
 * - `leases` create/get/list/update: leader election (the lease lives in the manager's namespace,
 *   but the generated rule is cluster-wide).
 */
export const TRAINER_MANAGER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'secrets'],
    verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: [''], resources: ['limitranges'], verbs: WATCH },
  {
    apiGroups: ['', 'events.k8s.io'],
    resources: ['events'],
    verbs: ['create', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['create', 'get', 'list', 'update'],
  },
  {
    apiGroups: ['jobset.x-k8s.io'],
    resources: ['jobsets'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: WATCH },
  {
    apiGroups: ['scheduling.volcano.sh', 'scheduling.x-k8s.io'],
    resources: ['podgroups'],
    verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['trainer.kubeflow.org'],
    resources: ['clustertrainingruntimes', 'trainingruntimes', 'trainjobs'],
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['trainer.kubeflow.org'],
    resources: [
      'clustertrainingruntimes/finalizers',
      'trainingruntimes/finalizers',
      'trainjobs/finalizers',
      'trainjobs/status',
    ],
    verbs: ['get', 'patch', 'update'],
  },
];

/**
 * The rule upstream's ClusterRole adds for `certManagement.enable: true` (`pkg/util/cert/cert.go`
 * markers): the rotator writes the CA into both webhook configurations. Not granted here.
 */
export const TRAINER_CERT_ROTATION_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'update', 'watch'],
  },
];

/**
 * `kubeflow-trainer-public` (`manifests/base/rbac/public_configmap_role.yaml`): read the one
 * ConfigMap that says which Trainer version is installed. Bound to `system:authenticated`, so
 * that the SDK of any user can read it; it holds nothing else.
 */
export const TRAINER_PUBLIC_CONFIGMAP_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: [TRAINER_NAMES.publicConfigMap],
    verbs: WATCH,
  },
];
