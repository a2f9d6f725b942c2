import { k8s } from 'cdk8s-plus-27';

/**
 * The web app's ClusterRole, rule by rule as kserve/models-web-app v0.18.0
 * `manifests/kustomize/base/rbac.yaml`. Why each is there:
 * - `subjectaccessreviews` create: before acting, the backend asks the API server whether the
 *   user named in the user id header may do it (`crud_backend/authz.py`), and answers 403 if not;
 * - namespaces, pods, pods/log, events get/list: the namespace list, the pods behind an
 *   InferenceService (listed with the app's own rights, `api.list_pods(auth=False)`, to find the
 *   pod of the latest revision), their logs, and the events of an InferenceService or graph;
 * - KServe's resources with write verbs: the app creates, edits and deletes InferenceServices and
 *   InferenceGraphs for users, always after a SubjectAccessReview for that user and namespace;
 * - Knative's read-only: the revisions, routes and configurations shown on the details page.
 * Cluster-wide, because users' namespaces are not known in advance; every user action is
 * authorized against the user's own rights first.
 */
export const MODELS_WEB_APP_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: [''],
    resources: ['namespaces', 'pods', 'pods/log', 'events'],
    verbs: ['get', 'list'],
  },
  {
    apiGroups: ['serving.kserve.io'],
    resources: [
      'inferenceservices',
      'inferenceservices/status',
      'inferencegraphs',
      'inferencegraphs/status',
      'trainedmodels',
      'trainedmodels/status',
    ],
    verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'patch', 'update'],
  },
  {
    apiGroups: ['serving.knative.dev'],
    resources: [
      'services',
      'services/status',
      'routes',
      'routes/status',
      'configurations',
      'configurations/status',
      'revisions',
      'revisions/status',
    ],
    verbs: ['get', 'list'],
  },
];

/**
 * Reads upstream's ClusterRole lacks for the details of an InferenceService in Standard (raw
 * Deployment) or ModelMesh mode: the backend's `/deployments`, `/services`, `/hpas` routes and
 * `get_standard_deployment_objects` / `get_modelmesh_objects` (`backend/apps/common/utils.py`,
 * `routes/get.py` at v0.18.0) get Deployments, Services, HorizontalPodAutoscalers and
 * ServingRuntimes by name, after a SubjectAccessReview for the user. Without these rules the
 * details page of such a model shows no objects (upstream's behaviour). `get` only: no list, no
 * watch, and no Secrets.
 */
export const MODELS_WEB_APP_STANDARD_MODE_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  { apiGroups: [''], resources: ['services'], verbs: ['get'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get'] },
  { apiGroups: ['serving.kserve.io'], resources: ['servingruntimes'], verbs: ['get'] },
];
