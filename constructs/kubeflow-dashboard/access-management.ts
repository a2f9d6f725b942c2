import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { KUBEFLOW_DASHBOARD_NAMES as NAMES, KUBEFLOW_DASHBOARD_PORTS as PORTS } from './names';
import { DASHBOARD_LABELS } from './private/labels';
import { clusterRoleFor, httpProbe } from './private/workload';
import { DISTROLESS_NONROOT_UID } from './profile-controller';
import { KFAM_RULES } from './rbac';
import { KUBEFLOW_DASHBOARD_IMAGES } from './versions';

export interface AccessManagementProps {
  readonly namespace: INamespace;
  /** Pod labels of the dashboard, KFAM's only caller. */
  readonly dashboardPodLabels: Readonly<Record<string, string>>;
  /** The dashboard's mesh identity, the only principal KFAM's AuthorizationPolicy admits. */
  readonly dashboardPrincipal: string;
  readonly resources: ResourceSpec;
}

/**
 * KFAM (access-management) of kubeflow/dashboard v2.0.0: the API behind `/kfam/` that lists and
 * changes a profile's contributors. Upstream runs it as a second container of the profile
 * controller's pod; here it is its own Deployment under `KFAM_RULES`, with upstream's Service
 * `profiles-kfam` (port `http-kfam` 8081), flags, probes and AuthorizationPolicy (the dashboard's
 * principal only).
 *
 * No gateway route: upstream still ships a `/kfam/` VirtualService, but its AuthorizationPolicy
 * admits only the dashboard's service account, so a browser request through the gateway is denied
 * anyway. KFAM trusts the `kubeflow-userid` header and is called server-side by the dashboard at
 * `http://profiles-kfam.<namespace>:8081/kfam`; a route would only widen the attack surface.
 * @internal - built by `KubeflowDashboard`
 */
export class AccessManagement extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly authorizationPolicy: ApiObject;
  /** Labels that select KFAM's pods. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** `profiles-kfam.<namespace>`, the dashboard's `PROFILES_KFAM_SERVICE_HOST`. */
  public readonly serviceHost: string;

  public constructor(scope: Construct, id: string, props: AccessManagementProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const labels = DASHBOARD_LABELS.labels('access-management');
    const selector = DASHBOARD_LABELS.selector('access-management');
    this.podLabels = selector;
    const metadata = { name: NAMES.kfam, namespace: ns, labels };
    this.serviceHost = `${NAMES.kfam}.${ns}`;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    clusterRoleFor(this, { name: NAMES.kfam, namespace: ns, labels, rules: KFAM_RULES });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            // upstream injects the sidecar into this pod: the AuthorizationPolicy needs it
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            annotations: { 'kubectl.kubernetes.io/default-container': 'access-management' },
          },
          spec: {
            serviceAccountName: NAMES.kfam,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: DISTROLESS_NONROOT_UID,
              runAsGroup: DISTROLESS_NONROOT_UID,
              fsGroup: DISTROLESS_NONROOT_UID,
            }),
            containers: [
              {
                name: 'access-management',
                image: resolveImage(this, KUBEFLOW_DASHBOARD_IMAGES.accessManagement),
                imagePullPolicy: 'IfNotPresent',
                command: [
                  '/access-management',
                  '-cluster-admin',
                  '$(ADMIN)',
                  '-userid-header',
                  '$(USERID_HEADER)',
                  '-userid-prefix',
                  '$(USERID_PREFIX)',
                ],
                envFrom: [{ configMapRef: { name: NAMES.profilesConfig } }],
                ports: [{ name: 'http-kfam', containerPort: PORTS.kfam, protocol: 'TCP' }],
                livenessProbe: httpProbe('/metrics', PORTS.kfam, 15, 30),
                readinessProbe: httpProbe('/metrics', PORTS.kfam, 15, 30),
                resources: toResourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    httpService(this, 'Service', { metadata, selector, port: PORTS.kfam, portName: 'http-kfam' });

    props.namespace.allowIngress(`${NAMES.kfam}-from-dashboard`, {
      description: 'the central dashboard calls the KFAM API (profiles and contributors)',
      podLabels: { ...selector },
      from: [NetworkPeer.sameNamespace({ ...props.dashboardPodLabels })],
      ports: [{ port: PORTS.kfam }],
    });
    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: NAMES.kfam, namespace: ns, labels },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { principals: [props.dashboardPrincipal] } }],
            to: [{ operation: { ports: [String(PORTS.kfam)] } }],
          },
        ],
      },
    });
  }
}
