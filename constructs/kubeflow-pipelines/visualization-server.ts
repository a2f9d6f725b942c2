import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { KFP_NAMES, KFP_PORTS } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** Upstream's requests (30m, 500Mi); the limits leave room for a notebook kernel per request. */
export const VISUALIZATION_SERVER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '30m', limit: '1' },
  memory: { request: '500Mi', limit: '2Gi' },
};

export interface VisualizationServerProps {
  /** Where the server runs (`kubeflow` upstream), next to the API server. */
  readonly namespace: INamespace;
  /**
   * The API server's mesh identity: the only caller (`/apis/v1beta1/visualizations`).
   * @default - `cluster.local/ns/<namespace>/sa/ml-pipeline`
   */
  readonly apiServerPrincipal?: string;
  /**
   * Labels of the API server's pods, for the network allow.
   * @default - the API server's selector of this component
   */
  readonly apiServerPodLabels?: Readonly<Record<string, string>>;
  /** @default VISUALIZATION_SERVER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream's manifests run the server as (the image sets none). */
const SERVER_UID = 1000;

/**
 * The visualization server of kubeflow/pipelines 2.16.1 (`ml-pipeline-visualizationserver`): a
 * Tornado server on 8888 that renders a visualization by running a generated notebook. Only the
 * API server calls it, so the NetworkPolicy allow and the AuthorizationPolicy admit only that.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/backend/src/apiserver/visualization
 */
export class VisualizationServer extends Construct {
  public readonly namespace: string;
  public readonly resources: ResourceSpec;
  /** `ml-pipeline-visualizationserver.<namespace>.svc.cluster.local`. */
  public readonly serviceHost: string;
  public readonly servicePort: number = KFP_PORTS.visualization;
  public readonly deployment: k8s.KubeDeployment;
  public readonly authorizationPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: VisualizationServerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.visualizationServer;
    const port = KFP_PORTS.visualization;
    this.namespace = ns;
    this.resources = props.resources ?? VISUALIZATION_SERVER_DEFAULT_RESOURCES;
    this.serviceHost = `${N.service}.${ns}.svc.cluster.local`;
    const apiServerPrincipal =
      props.apiServerPrincipal ?? `cluster.local/ns/${ns}/sa/${KFP_NAMES.apiServer.serviceAccount}`;
    const apiServerPodLabels = props.apiServerPodLabels ?? KFP_LABELS.selector('api-server');

    const labels = KFP_LABELS.labels('visualization-server');
    const selector = KFP_LABELS.selector('visualization-server');
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    const probe: k8s.Probe = {
      httpGet: { path: '/', port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds: 3,
      periodSeconds: 5,
      timeoutSeconds: 2,
    };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
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
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: SERVER_UID,
              runAsGroup: SERVER_UID,
              fsGroup: SERVER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.visualizationServer),
                imagePullPolicy: 'IfNotPresent',
                // The notebook kernel writes its connection file and IPython profile under HOME,
                // which is `/` for a user the image does not know; give it the writable /tmp.
                env: [{ name: 'HOME', value: '/tmp' }],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                livenessProbe: probe,
                readinessProbe: probe,
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } }],
          },
        },
      },
    });
    httpService(this, 'Service', { metadata: metadata(N.service), selector, port });

    props.namespace.allowIngress(`${N.service}-from-api-server`, {
      description: 'the pipelines API server asks the visualization server to render',
      podLabels: { ...selector },
      from: [NetworkPeer.sameNamespace({ ...apiServerPodLabels })],
      ports: [{ port }],
    });
    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: N.authorizationPolicy,
        namespace: ns,
        labels: KFP_LABELS.labels('mesh-policy'),
      },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { principals: [apiServerPrincipal] } }],
            to: [{ operation: { ports: [String(port)] } }],
          },
        ],
      },
    });
  }
}
