import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { resolveImage } from '../core/images';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { DashboardLink, MenuEntry, linkJson } from './menu';
import {
  KFAM_PATH,
  KUBEFLOW_DASHBOARD_NAMES as NAMES,
  KUBEFLOW_DASHBOARD_PORTS as PORTS,
} from './names';
import { DASHBOARD_LABELS } from './private/labels';
import { clusterRoleFor, httpProbe } from './private/workload';
import { DASHBOARD_CLUSTER_RULES, DASHBOARD_NAMESPACE_RULES, policyRules } from './rbac';
import { KUBEFLOW_DASHBOARD_IMAGES } from './versions';

/** The dashboard image's user (`USER node:node` of `node:16.20.2-alpine`). */
export const DASHBOARD_UID = 1000;

export interface CentralDashboardProps {
  readonly namespace: INamespace;
  readonly gateway: IGateway;
  readonly userIdHeader: string;
  readonly userIdPrefix: string;
  readonly registrationFlow: boolean;
  readonly logoutUrl: string;
  readonly kfamHost: string;
  readonly menu: readonly MenuEntry[];
  readonly quickLinks: readonly DashboardLink[];
  readonly documentationItems: readonly DashboardLink[];
  readonly externalLinks: readonly DashboardLink[];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly resources: ResourceSpec;
}

/**
 * The central dashboard of kubeflow/dashboard v2.0.0 (`components/centraldashboard`): the
 * Express server on 8082 behind Service `dashboard` port 80, its `dashboard-config`, its RBAC,
 * and the gateway route that owns `/`.
 * @internal - built by `KubeflowDashboard`
 */
export class CentralDashboard extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;
  /** Labels of the dashboard pods. */
  public readonly podLabels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: CentralDashboardProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const labels = DASHBOARD_LABELS.labels('dashboard');
    const selector = DASHBOARD_LABELS.selector('dashboard');
    this.podLabels = selector;
    const metadata = { name: NAMES.dashboard, namespace: ns, labels };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    clusterRoleFor(this, {
      name: NAMES.dashboard,
      namespace: ns,
      labels,
      rules: DASHBOARD_CLUSTER_RULES,
    });
    new k8s.KubeRole(this, 'Role', { metadata, rules: policyRules(DASHBOARD_NAMESPACE_RULES) });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.dashboard },
      subjects: [{ kind: 'ServiceAccount', name: NAMES.dashboard, namespace: ns }],
    });

    // The menu is read when the platform synthesizes: web apps built after the dashboard add
    // their entries to the same list.
    const links = Lazy.any({
      produce: () =>
        JSON.stringify(
          {
            menuLinks: props.menu.map((m) => m.toJson()),
            externalLinks: props.externalLinks.map(linkJson),
            documentationItems: props.documentationItems.map(linkJson),
            quickLinks: props.quickLinks.map(linkJson),
          },
          null,
          2,
        ),
    });
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: NAMES.dashboardConfig, namespace: ns, labels },
      data: {
        links: links as unknown as string,
        settings: JSON.stringify(props.settings, null, 2),
      },
    });

    const env: k8s.EnvVar[] = [
      { name: 'USERID_HEADER', value: props.userIdHeader },
      { name: 'USERID_PREFIX', value: props.userIdPrefix },
      { name: 'REGISTRATION_FLOW', value: String(props.registrationFlow) },
      { name: 'COLLECT_METRICS', value: 'true' },
      { name: 'PROFILES_KFAM_SERVICE_HOST', value: props.kfamHost },
      { name: 'PROFILES_KFAM_SERVICE_PORT', value: String(PORTS.kfam) },
      { name: 'DASHBOARD_CONFIGMAP', value: NAMES.dashboardConfig },
      { name: 'LOGOUT_URL', value: props.logoutUrl },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ];
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            annotations: { 'kubectl.kubernetes.io/default-container': 'dashboard' },
          },
          spec: {
            serviceAccountName: NAMES.dashboard,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: DASHBOARD_UID,
              runAsGroup: DASHBOARD_UID,
              fsGroup: DASHBOARD_UID,
            }),
            containers: [
              {
                name: 'dashboard',
                image: resolveImage(this, KUBEFLOW_DASHBOARD_IMAGES.dashboard),
                imagePullPolicy: 'IfNotPresent',
                env,
                ports: [{ name: 'http', containerPort: PORTS.dashboard, protocol: 'TCP' }],
                livenessProbe: httpProbe('/healthz', PORTS.dashboard, 15, 30),
                readinessProbe: httpProbe('/healthz', PORTS.dashboard, 15, 30),
                resources: toResourceRequirements(props.resources),
                // the image starts with `npm start`, which writes its cache, logs and
                // update-notifier state under the home directory: the root stays writable,
                // as upstream has it
                securityContext: restrictedContainerSecurityContext({
                  readOnlyRootFilesystem: false,
                }),
              },
            ],
          },
        },
      },
    });
    httpService(this, 'Service', { metadata, selector, port: PORTS.dashboardService });

    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: NAMES.dashboard,
      prefix: '/',
      rewrite: '/',
      service: { host: `${NAMES.dashboard}.${ns}.svc.cluster.local`, port: PORTS.dashboardService },
      podPort: PORTS.dashboard,
      podLabels: selector,
      description: 'the central dashboard, the catch-all route `/` of the gateway',
      component: 'the central dashboard',
      labels,
    });
  }
}

/** KFAM's base URL as the dashboard builds it. @internal */
export function kfamUrl(host: string): string {
  return `http://${host}:${PORTS.kfam}${KFAM_PATH}`;
}
