import { k8s } from 'cdk8s-plus-27';

/**
 * The manager's ClusterRole (`config/components/rbac/role.yaml` at v0.11.0, generated from the
 * `+kubebuilder:rbac` markers of `pkg/controllers`), without the rule on webhook configurations:
 * that one (`pkg/util/cert/cert.go`) lets the built-in certificate rotator write the caBundle,
 * which cert-manager's cainjector does here.
 *
 * Broader than it looks, and why upstream needs it:
 * - pods (delete, patch, update) in every namespace: with exclusive placement the pod controller
 *   marks and deletes follower pods that landed outside their leader's topology domain;
 * - nodes (read): that domain is the leader node's topology label (pod controller and pod
 *   webhook);
 * - services (write): each JobSet gets a headless Service for its pods' DNS names;
 * - persistentvolumeclaims (create): `spec.volumeClaimPolicies` creates shared claims;
 * - jobs (write): the JobSet creates, restarts and deletes its child Jobs.
 * JobSets run in any tenant namespace, so none of this can be a namespaced Role.
 */
export const JOBSET_MANAGER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update', 'watch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'get', 'list', 'watch'],
  },
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: [''],
    resources: ['services'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['batch'], resources: ['jobs/status'], verbs: ['get', 'patch', 'update'] },
  {
    apiGroups: ['jobset.x-k8s.io'],
    resources: ['jobsets'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets/finalizers'], verbs: ['update'] },
  {
    apiGroups: ['jobset.x-k8s.io'],
    resources: ['jobsets/status'],
    verbs: ['get', 'patch', 'update'],
  },
];

/**
 * Leader election in the manager's namespace (`config/components/rbac/leader_election_role.yaml`):
 * Leases and Events. Upstream also grants ConfigMaps, from when controller-runtime could lock on
 * them; v0.11.0's manager locks on Leases (`DefaultResourceLock`), so that rule is left out.
 */
export const JOBSET_LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/**
 * The metrics endpoint authenticates and authorizes each scrape with a TokenReview and a
 * SubjectAccessReview (`filters.WithAuthenticationAndAuthorization` in `main.go`;
 * `config/components/rbac/auth_proxy_role.yaml`).
 */
export const JOBSET_METRICS_AUTH_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/**
 * What a scraper needs (`config/components/rbac/auth_proxy_client_clusterrole.yaml`). Upstream
 * binds it to the manager itself, which needs no such right (it would let it read the API
 * server's own `/metrics`); here nothing is bound to it: bind it to your scraper.
 */
export const JOBSET_METRICS_READER_RULES: readonly k8s.PolicyRule[] = [
  { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
];
