import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { KUBEFLOW_DASHBOARD_NAMES as NAMES, KUBEFLOW_DASHBOARD_PORTS as PORTS } from './names';
import { DASHBOARD_LABELS } from './private/labels';
import { clusterRoleFor, httpProbe } from './private/workload';
import {
  PROFILE_CONTROLLER_LEADER_ELECTION_RULES,
  PROFILE_CONTROLLER_RULES,
  policyRules,
} from './rbac';
import { KUBEFLOW_DASHBOARD_IMAGES } from './versions';

/** The user of the distroless `static:nonroot` base of the Go images (`USER 65532:65532`). */
export const DISTROLESS_NONROOT_UID = 65532;

/** Where the controller reads the namespace labels (`-namespace-labels-path`, upstream's default). */
const NAMESPACE_LABELS_DIR = '/etc/profile-controller';
const NAMESPACE_LABELS_FILE = 'namespace-labels.yaml';

export interface ProfileControllerProps {
  /** The namespace it runs in (Kubeflow's `kubeflow`). */
  readonly namespace: string;
  /** The header the gateway puts the user in (`USERID_HEADER`). */
  readonly userIdHeader: string;
  /** The prefix before the user in that header (`USERID_PREFIX`). */
  readonly userIdPrefix: string;
  /** Labels of every profile namespace, written to `profiles-namespace-labels-data`. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /**
   * Principals the controller admits in each profile namespace's `ns-owner-access-istio`
   * (`ISTIO_INGRESS_GATEWAY_PRINCIPAL`, `NOTEBOOK_CONTROLLER_PRINCIPAL`, `KFP_UI_PRINCIPAL`).
   */
  readonly principals: {
    readonly ingressGateway: string;
    readonly notebookController: string;
    readonly pipelinesUi: string;
  };
  /** Users KFAM treats as cluster admins (`ADMIN`, comma-joined). */
  readonly clusterAdmins: readonly string[];
  readonly resources: ResourceSpec;
  /**
   * Serve controller-runtime's metrics on `KUBEFLOW_DASHBOARD_PORTS.profileControllerMetrics`
   * (for the platform's Prometheus, through the sidecar).
   * @default false - upstream's `--metrics-bind-address=0`
   */
  readonly metrics?: boolean;
}

/**
 * The profile controller of kubeflow/dashboard v2.0.0: reconciles each Profile into its
 * namespace, `default-editor`/`default-viewer`, the owner's RoleBinding, the owner's Istio
 * AuthorizationPolicy and the ResourceQuota. Runs under `PROFILE_CONTROLLER_RULES`, not
 * cluster-admin. Its flags, ports and probes are upstream's (`base/manager/manager.yaml`).
 * @internal - built by `KubeflowDashboard`
 */
export class ProfileController extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;
  /** Labels that select the controller's pods. */
  public readonly podLabels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: ProfileControllerProps) {
    super(scope, id);
    const problems: string[] = [];
    for (const [key, value] of Object.entries(props.namespaceLabels)) {
      if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) {
        problems.push(
          propProblem(
            `namespaceLabels.${key}`,
            'is not a label key',
            `"${key}"`,
            'Use a key such as example.com/team.',
          ),
        );
      }
      if (!/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value)) {
        problems.push(
          propProblem(
            `namespaceLabels.${key}`,
            'is not a label value',
            `"${value}"`,
            'Use at most 63 letters, digits, -, _ and .',
          ),
        );
      }
    }
    throwIfProblems('KubeflowDashboard profile controller', problems);

    const ns = props.namespace;
    const metrics = props.metrics ?? false;
    const labels = DASHBOARD_LABELS.labels('profile-controller');
    const selector = DASHBOARD_LABELS.selector('profile-controller');
    this.podLabels = selector;
    const sa = NAMES.profileControllerServiceAccount;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: sa, namespace: ns, labels },
    });
    this.clusterRole = clusterRoleFor(this, {
      name: sa,
      roleName: NAMES.profileControllerClusterRole,
      namespace: ns,
      labels,
      rules: PROFILE_CONTROLLER_RULES,
    });
    new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: { name: NAMES.leaderElectionRole, namespace: ns, labels },
      rules: policyRules(PROFILE_CONTROLLER_LEADER_ELECTION_RULES),
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: { name: NAMES.leaderElectionRole, namespace: ns, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: NAMES.leaderElectionRole,
      },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
    });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: NAMES.profilesConfig, namespace: ns, labels },
      data: profilesConfigData(props),
    });
    const labelLines = Object.entries(props.namespaceLabels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    new k8s.KubeConfigMap(this, 'NamespaceLabels', {
      metadata: { name: NAMES.namespaceLabels, namespace: ns, labels },
      data: { [NAMESPACE_LABELS_FILE]: labelLines.length ? `${labelLines.join('\n')}\n` : '{}\n' },
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: NAMES.profileController, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { 'kubectl.kubernetes.io/default-container': 'manager' },
          },
          spec: {
            serviceAccountName: sa,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: DISTROLESS_NONROOT_UID,
              runAsGroup: DISTROLESS_NONROOT_UID,
              fsGroup: DISTROLESS_NONROOT_UID,
            }),
            volumes: [{ name: 'namespace-labels', configMap: { name: NAMES.namespaceLabels } }],
            containers: [
              {
                name: 'manager',
                image: resolveImage(this, KUBEFLOW_DASHBOARD_IMAGES.profileController),
                imagePullPolicy: 'IfNotPresent',
                command: [
                  '/manager',
                  '-userid-header',
                  '$(USERID_HEADER)',
                  '-userid-prefix',
                  '$(USERID_PREFIX)',
                  '-workload-identity',
                  '$(WORKLOAD_IDENTITY)',
                ],
                args: [
                  '--leader-elect',
                  `--health-probe-bind-address=:${PORTS.profileControllerProbes}`,
                  `--metrics-bind-address=${metrics ? `:${PORTS.profileControllerMetrics}` : '0'}`,
                ],
                envFrom: [{ configMapRef: { name: NAMES.profilesConfig } }],
                ports: [
                  { name: 'http', containerPort: PORTS.profileControllerProbes, protocol: 'TCP' },
                  ...(metrics
                    ? [
                        {
                          name: 'http-metrics',
                          containerPort: PORTS.profileControllerMetrics,
                          protocol: 'TCP',
                        },
                      ]
                    : []),
                ],
                livenessProbe: httpProbe('/healthz', PORTS.profileControllerProbes, 15, 30),
                readinessProbe: httpProbe('/readyz', PORTS.profileControllerProbes, 5, 10),
                volumeMounts: [
                  { name: 'namespace-labels', mountPath: NAMESPACE_LABELS_DIR, readOnly: true },
                ],
                resources: toResourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
  }
}

/** `profiles-config`: upstream's `params.env` keys, shared by the controller and KFAM. @internal */
export function profilesConfigData(props: ProfileControllerProps): Record<string, string> {
  return {
    ADMIN: props.clusterAdmins.join(','),
    WORKLOAD_IDENTITY: '',
    USERID_HEADER: props.userIdHeader,
    USERID_PREFIX: props.userIdPrefix,
    ISTIO_INGRESS_GATEWAY_PRINCIPAL: props.principals.ingressGateway,
    NOTEBOOK_CONTROLLER_PRINCIPAL: props.principals.notebookController,
    KFP_UI_PRINCIPAL: props.principals.pipelinesUi,
  };
}
