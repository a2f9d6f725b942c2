import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { apiTokenVolume, clusterRbac, plain } from './api-server';
import { KFP_NAMES, KFP_TOKEN_AUDIENCE } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** Requests and limits of the persistence agent (upstream requests 120m and 500Mi). */
export const PERSISTENCE_AGENT_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '120m', limit: '500m' },
  memory: { request: '500Mi', limit: '1Gi' },
};

/**
 * The persistence agent's ClusterRole in multi-user mode
 * (`base/installs/multi-user/persistence-agent/cluster-role.yaml`): it watches workflows and
 * scheduled workflows in every namespace and reports them to the API server, which checks the
 * `report`, `reportMetrics` and `readArtifact` verbs with a SubjectAccessReview.
 */
export const PERSISTENCE_AGENT_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['scheduledworkflows'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['pipelines.kubeflow.org'],
    resources: ['scheduledworkflows', 'workflows'],
    verbs: ['report'],
  },
  {
    apiGroups: ['pipelines.kubeflow.org'],
    resources: ['runs'],
    verbs: ['reportMetrics', 'readArtifact'],
  },
];

/** Where the agent reads its token (`tokenrefresher.SaTokenFile`). */
export const PERSISTENCE_AGENT_TOKEN_DIR = '/var/run/secrets/kubeflow/tokens';

export interface PersistenceAgentProps {
  /** Where the agent runs: the API server's namespace (it calls `ml-pipeline` there). */
  readonly namespace: INamespace;
  /** How long a finished workflow stays (`TTL_SECONDS_AFTER_WORKFLOW_FINISH`). @default 86400 - upstream's day */
  readonly ttlSecondsAfterWorkflowFinish?: number;
  /** Sync workers (`NUM_WORKERS`). @default 2 */
  readonly numWorkers?: number;
  /** @default PERSISTENCE_AGENT_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/**
 * The persistence agent of Kubeflow Pipelines 2.16.1 (`ml-pipeline-persistenceagent`): it
 * watches Argo workflows and scheduled workflows of every namespace (`NAMESPACE` empty, the
 * multi-user patch) and reports their state to the API server with a projected ServiceAccount
 * token. It serves no port, so it has no probe (nor upstream).
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/backend/src/agent/persistence
 */
export class PersistenceAgent extends Construct {
  public readonly namespace: string;
  public readonly resources: ResourceSpec;
  public readonly ttlSecondsAfterWorkflowFinish: number;
  public readonly numWorkers: number;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, props: PersistenceAgentProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.persistenceAgent;
    this.namespace = ns;
    this.resources = props.resources ?? PERSISTENCE_AGENT_DEFAULT_RESOURCES;
    this.ttlSecondsAfterWorkflowFinish = props.ttlSecondsAfterWorkflowFinish ?? 86400;
    this.numWorkers = props.numWorkers ?? 2;
    const problems: string[] = [];
    for (const [path, v] of [
      ['ttlSecondsAfterWorkflowFinish', this.ttlSecondsAfterWorkflowFinish],
      ['numWorkers', this.numWorkers],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) {
        problems.push(
          propProblem(path, 'is not a whole number of at least 1', String(v), 'Use 1 or more.'),
        );
      }
    }
    throwIfProblems('PersistenceAgent', problems);

    const labels = KFP_LABELS.labels('persistence-agent');
    const selector = KFP_LABELS.selector('persistence-agent');
    this.clusterRole = clusterRbac(this, {
      namespace: ns,
      serviceAccount: N.serviceAccount,
      clusterRole: N.clusterRole,
      clusterRoleBinding: N.clusterRoleBinding,
      rules: PERSISTENCE_AGENT_RULES,
      labels,
      rbacLabels: KFP_LABELS.labels('rbac'),
    });
    const tokenVolume = 'persistenceagent-sa-token';
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: {
              'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
              // It calls the API server as it starts.
              ...HOLD_UNTIL_PROXY_STARTS,
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.persistenceAgent),
                imagePullPolicy: 'IfNotPresent',
                // The image's CMD passes these to the flags.
                env: [
                  plain('NAMESPACE', ''),
                  plain(
                    'TTL_SECONDS_AFTER_WORKFLOW_FINISH',
                    String(this.ttlSecondsAfterWorkflowFinish),
                  ),
                  plain('NUM_WORKERS', String(this.numWorkers)),
                  plain('LOG_LEVEL', 'info'),
                ],
                volumeMounts: [
                  { name: tokenVolume, mountPath: PERSISTENCE_AGENT_TOKEN_DIR, readOnly: true },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [apiTokenVolume(tokenVolume, KFP_TOKEN_AUDIENCE)],
          },
        },
      },
    });
  }
}
