import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../../core/gateway-exposure';
import { ImageRef, resolveImage } from '../../core/images';
import { IGateway } from '../../core/mesh';
import { INamespace } from '../../core/network';
import { ResourceSpec, toResourceRequirements } from '../../core/resources';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../core/security';
import { httpService } from '../../core/service';
import { propProblem } from '../../core/validation';
import { UserRole } from '../rbac';
import { userRoles } from './user-roles';

/** Names of one web app's objects, upstream's after its kustomize name prefix. @internal */
export interface CrudWebAppNames {
  readonly deployment: string;
  readonly container: string;
  readonly serviceAccount: string;
  readonly service: string;
  readonly clusterRole: string;
  readonly clusterRoleBinding: string;
  /** The VirtualService and AuthorizationPolicy. */
  readonly route: string;
}

/** What sets one of kubeflow/notebooks' crud web apps apart from the others. @internal */
export interface CrudWebAppOptions {
  readonly namespace: INamespace;
  readonly gateway: IGateway;
  readonly names: CrudWebAppNames;
  /** `APP_PREFIX`, the path on the gateway without the trailing slash, e.g. `/volumes`. */
  readonly prefix: string;
  /** `USERID_HEADER`, the header the gateway passes the user in. */
  readonly userIdHeader: string;
  /** `UI`, the frontend the app serves. @default - not set */
  readonly ui?: string;
  /** More environment, after the common variables and before `METRICS`. @default - none */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly image: ImageRef;
  readonly replicas: number;
  readonly resources: ResourceSpec;
  /** The gunicorn port and the Service's port. */
  readonly ports: { readonly app: number; readonly service: number };
  /** The Service's FQDN, for the route. */
  readonly serviceHost: string;
  /** The ClusterRole of the app's ServiceAccount. */
  readonly rules: readonly k8s.PolicyRule[];
  /** The aggregated user roles that come with the app. */
  readonly userRoles: readonly UserRole[];
  /** Labels of the app's own objects, of its RBAC objects, and of its mesh policy. */
  readonly labels: {
    readonly app: Record<string, string>;
    readonly rbac: Record<string, string>;
    readonly mesh: Readonly<Record<string, string>>;
  };
  /** The pod selector; the Service, the network allow and the AuthorizationPolicy use it. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Volumes mounted before the temporary directory. @default - none */
  readonly volumes?: readonly { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
  /** Who is exposed, for messages, e.g. `Volumes web app`. */
  readonly component: string;
  /** What users reach through the gateway, for the network allow's description. */
  readonly description: string;
}

/** The objects a caller keeps. @internal */
export interface CrudWebAppParts {
  readonly deployment: k8s.KubeDeployment;
  readonly exposure: GatewayExposure;
}

/** The user upstream runs the web apps as. */
const APP_UID = 1000;

/**
 * The objects every crud web app of kubeflow/notebooks v1.11.0 has, made in `scope`: the
 * ServiceAccount, its ClusterRole and binding, the aggregated user roles, the Deployment of the
 * gunicorn app, the Service, and the gateway exposure (route, network allow, AuthorizationPolicy
 * for the gateway only). The caller makes what only its app has (ConfigMaps) before.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/crud-web-apps
 * @internal
 */
export function crudWebApp(scope: Construct, o: CrudWebAppOptions): CrudWebAppParts {
  const N = o.names;
  const ns = o.namespace.name;
  const labels = o.labels.app;
  const metadata = (name: string) => ({ name, namespace: ns, labels });

  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: metadata(N.serviceAccount),
    automountServiceAccountToken: false,
  });
  new k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: { name: N.clusterRole, labels: o.labels.rbac },
    rules: o.rules.map((r) => ({ ...r })),
  });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: N.clusterRoleBinding, labels: o.labels.rbac },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
    subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
  });
  userRoles(scope, o.userRoles, o.labels.rbac);

  const env: Record<string, string> = {
    APP_PREFIX: o.prefix,
    ...(o.ui !== undefined ? { UI: o.ui } : {}),
    USERID_HEADER: o.userIdHeader,
    USERID_PREFIX: '',
    APP_SECURE_COOKIES: 'true',
    ...o.extraEnv,
    METRICS: '1',
  };
  const probe = (path: string): k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromString('http') },
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  const volumes = o.volumes ?? [];
  const deployment = new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: metadata(N.deployment),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...o.podLabels } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: N.serviceAccount,
          // The app calls the API server for the user, after a SubjectAccessReview.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext({
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            fsGroup: APP_UID,
          }),
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: N.container,
              image: resolveImage(scope, o.image),
              imagePullPolicy: 'IfNotPresent',
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              ports: [{ name: 'http', containerPort: o.ports.app, protocol: 'TCP' }],
              // Upstream declares no probes; the app serves these (crud_backend/probes.py).
              livenessProbe: probe('/healthz/liveness'),
              readinessProbe: probe('/healthz/readiness'),
              volumeMounts: [
                ...volumes.map((v) => v.mount),
                // gunicorn keeps its worker heartbeat files in the temporary directory.
                { name: 'tmp', mountPath: '/tmp' },
              ],
              resources: toResourceRequirements(o.resources),
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
          volumes: [
            ...volumes.map((v) => v.volume),
            { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          ],
        },
      },
    },
  });

  httpService(scope, 'Service', {
    metadata: metadata(N.service),
    selector: { ...o.podLabels },
    port: o.ports.service,
  });

  const exposure = exposeThroughGateway(scope, {
    gateway: o.gateway,
    namespace: o.namespace,
    id: N.route,
    prefix: `${o.prefix}/`,
    rewrite: '/',
    service: { host: o.serviceHost, port: o.ports.service },
    podPort: o.ports.app,
    podLabels: o.podLabels,
    description: o.description,
    component: o.component,
    labels: o.labels.mesh,
  });
  return { deployment, exposure };
}

/** The problem of a replica count that is not a whole number of at least 1. @internal */
export function replicasProblems(replicas: number): string[] {
  if (Number.isInteger(replicas) && replicas >= 1) return [];
  return [
    propProblem(
      'replicas',
      'is not a whole number of at least 1',
      String(replicas),
      'Use 1 or more.',
    ),
  ];
}
