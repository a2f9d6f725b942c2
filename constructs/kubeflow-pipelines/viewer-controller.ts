import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { KFP_NAMES } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** The Viewer API: one version, `v1beta1`, no status subresource (upstream's). */
export const VIEWER_API = {
  group: 'kubeflow.org',
  kind: 'Viewer',
  plural: 'viewers',
  storageVersion: 'v1beta1',
  apiVersion: 'kubeflow.org/v1beta1',
  shortNames: ['vi'],
} as const;

/**
 * The Viewer CRD of kubeflow/pipelines 2.16.1 (`viewers.kubeflow.org`): namespaced, `v1beta1`
 * served and stored, `spec` required and kept whole as an atomic map (the UI writes the
 * TensorBoard pod template into it, the controller reads it back).
 * @see https://github.com/kubeflow/pipelines/blob/2.16.1/manifests/kustomize/base/pipeline/cluster-scoped/viewer-crd.yaml
 */
export class ViewerCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      group: VIEWER_API.group,
      kind: VIEWER_API.kind,
      plural: VIEWER_API.plural,
      shortNames: VIEWER_API.shortNames,
      scope: 'Namespaced',
      labels: KFP_LABELS.options('crds'),
      versions: [
        {
          name: VIEWER_API.storageVersion,
          served: true,
          storage: true,
          schema: Schema.object(
            {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: { ...Schema.preserve(), xKubernetesMapType: 'atomic' },
            },
            { required: ['spec'] },
          ),
        },
      ],
    });
  }
}

/**
 * The viewer controller's rules: upstream's multi-user ClusterRole
 * (`base/installs/multi-user/viewer-controller/cluster-role.yaml`) with its `apiGroups: ['*']`
 * narrowed to the two groups of the kinds it owns (`apps` Deployments, core Services; see
 * `backend/src/crd/controller/viewer/main.go`).
 */
export const VIEWER_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['apps', ''],
    resources: ['deployments', 'services'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['viewers', 'viewers/finalizers'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
];

/** Requests and limits of the viewer controller. */
export const VIEWER_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '200m' },
  memory: { request: '32Mi', limit: '128Mi' },
};

/** controller-runtime's default metrics address (`:8080`); the controller sets no other. */
export const VIEWER_CONTROLLER_METRICS_PORT = 8080;

export interface ViewerControllerProps {
  /** Where the controller runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /**
   * Viewers kept per namespace before the oldest is deleted (`MAX_NUM_VIEWERS`).
   * @default 50 - upstream's
   */
  readonly maxViewersPerNamespace?: number;
  /** @default VIEWER_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Create the Viewer CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
}

/** The user upstream's manifests run the controller as (the image sets none). */
const CONTROLLER_UID = 1000;

/**
 * The viewer controller of kubeflow/pipelines 2.16.1 (`ml-pipeline-viewer-crd`): it turns each
 * Viewer the UI creates into a TensorBoard Deployment and Service in the Viewer's namespace. In
 * multi-user mode it watches every namespace (`NAMESPACE` empty) under upstream's ClusterRole.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/backend/src/crd/controller/viewer
 */
export class ViewerController extends Construct {
  public readonly namespace: string;
  public readonly maxViewersPerNamespace: number;
  public readonly resources: ResourceSpec;
  public readonly crd?: ViewerCrd;
  public readonly deployment: k8s.KubeDeployment;
  /** The controller's service account, `ml-pipeline-viewer-crd-service-account`. */
  public readonly serviceAccountName: string = KFP_NAMES.viewerController.serviceAccount;

  public constructor(scope: Construct, id: string, props: ViewerControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.viewerController;
    this.namespace = ns;
    this.maxViewersPerNamespace = props.maxViewersPerNamespace ?? 50;
    this.resources = props.resources ?? VIEWER_CONTROLLER_DEFAULT_RESOURCES;
    if (!Number.isInteger(this.maxViewersPerNamespace) || this.maxViewersPerNamespace < 1) {
      throwIfProblems('ViewerController', [
        propProblem(
          'maxViewersPerNamespace',
          'is not a whole number of at least 1',
          String(this.maxViewersPerNamespace),
          'Use 1 or more.',
        ),
      ]);
    }
    if (props.crd ?? true) this.crd = new ViewerCrd(scopeInLayer(this, Layer.CRDS), 'ViewerCrd');

    const labels = KFP_LABELS.labels('viewer-controller');
    const selector = KFP_LABELS.selector('viewer-controller');
    const rbacLabels = KFP_LABELS.labels('rbac');

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: VIEWER_CONTROLLER_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });

    const probe: k8s.Probe = {
      httpGet: { path: '/metrics', port: k8s.IntOrString.fromString('http-metrics') },
      initialDelaySeconds: 5,
      periodSeconds: 20,
      timeoutSeconds: 3,
    };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: CONTROLLER_UID,
              runAsGroup: CONTROLLER_UID,
              fsGroup: CONTROLLER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.viewerCrdController),
                imagePullPolicy: 'IfNotPresent',
                // The image's shell CMD passes these as -max_num_viewers and --namespace; an
                // empty namespace makes the controller watch every namespace.
                env: [
                  { name: 'MAX_NUM_VIEWERS', value: String(this.maxViewersPerNamespace) },
                  { name: 'NAMESPACE', value: '' },
                ],
                ports: [
                  {
                    name: 'http-metrics',
                    containerPort: VIEWER_CONTROLLER_METRICS_PORT,
                    protocol: 'TCP',
                  },
                ],
                // Upstream declares no probes; controller-runtime serves its metrics once the
                // manager runs.
                livenessProbe: probe,
                readinessProbe: probe,
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
  }
}
