import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { resolveImage } from '../core/images';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  KatibConfigSettings,
  ResolvedKatibConfig,
  katibConfigDocument,
  katibConfigProblems,
  resolveKatibConfig,
} from './config';
import {
  KATIB_CERT_DIR,
  KATIB_COMPONENT_LABEL,
  KATIB_CONFIG_FILE,
  KATIB_METRICS_COLLECTOR_INJECTION_LABEL,
  KATIB_NAMES,
  KATIB_PORTS,
  KATIB_WEBHOOKS,
} from './names';
import { KATIB_LABELS } from './private/labels';
import { KATIB_CONTROLLER_RULES, KATIB_LEADER_ELECTION_RULES } from './rbac';
import { KATIB_IMAGES } from './versions';

/** Requests and limits of the controller (upstream sets none). */
export const KATIB_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** The user upstream runs the controller as (`runAsUser: 1000`). */
const KATIB_UID = 1000;

/** cert-manager's cainjector fills the webhooks' caBundle from this Certificate's CA. */
const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

/** The leader-election Lease name (`DefaultLeaderElectionID` of `defaults.go`). */
export const KATIB_LEADER_ELECTION_ID = '3fbc96e9.katib.kubeflow.org';

/**
 * The DB manager as the controller dials it (gRPC, plain text): a `KatibDbManager` is one. The
 * same address goes to every metrics collector the pod webhook injects (`-s-db`), so it must
 * resolve from tenant namespaces.
 */
export interface KatibControllerDbManager {
  /** e.g. `katib-db-manager.kubeflow.svc.cluster.local`. */
  readonly serviceHost: string;
  readonly servicePort: number;
  /** Admits the controller's pods (called once, with the controller's pod labels). */
  allowFrom?(id: string, podLabels: Readonly<Record<string, string>>, why: string): void;
}

export interface KatibControllerProps {
  /** Where the controller runs (`kubeflow` in Kubeflow); `katib-config` is created there too. */
  readonly namespace: INamespace;
  /**
   * Signs the webhooks' serving certificate; cainjector copies its CA into both webhook
   * configurations. It must sign in-cluster Service names: a CA issuer, not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /** The KatibConfig settings. @default - upstream's Kubeflow config (see `KatibConfigSettings`) */
  readonly config?: KatibConfigSettings;
  /**
   * The DB manager, written to `KATIB_DB_MANAGER_SERVICE_*`: the controller reads and deletes
   * observation logs there and passes the address to every metrics collector it injects.
   * @default - upstream's address `katib-db-manager.<namespace>:6789`, with no allow
   */
  readonly dbManager?: KatibControllerDbManager;
  /**
   * Labels of the namespaces whose pods the pod webhook sees (upstream's `namespaceSelector`).
   * @default KATIB_METRICS_COLLECTOR_INJECTION_LABEL
   */
  readonly injectionNamespaceLabels?: Readonly<Record<string, string>>;
  /** @default 1 - upstream's; more replicas turn leader election on */
  readonly replicas?: number;
  /** @default KATIB_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/**
 * The core of Katib v0.19.0: Deployment `katib-controller` (experiments, suggestions, trials and
 * the admission webhooks in one process), its ServiceAccount, ClusterRole and binding, the Service
 * (webhook 443 → 8443, metrics 8080, health 18080), `katib-config`, a serving Certificate from
 * the platform issuer, the Validating- and MutatingWebhookConfiguration `katib.kubeflow.org`
 * with cainjector, and the network allow from the API server.
 *
 * Mesh: upstream labels the controller `sidecar.istio.io/inject: "false"` and so do we. The API
 * server calls its webhooks without a mesh identity, and everything it dials is outside the mesh
 * by upstream's design: suggestion pods (the controller labels them inject "false"), the DB
 * manager (inject "false" upstream) and the API server. A sidecar would add nothing but a
 * PERMISSIVE port; its TLS is its own (the cert-manager certificate).
 * @see https://github.com/kubeflow/katib/tree/v0.19.0/manifests/v1beta1/components/controller
 */
export class KatibController extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly injectionNamespaceLabels: Readonly<Record<string, string>>;
  /** The settings with every default applied, as written to `katib-config`. */
  public readonly config: ResolvedKatibConfig;
  /** `katib-controller.<namespace>.svc`. */
  public readonly serviceHost: string;
  /** `<service>.<namespace>:<port>` of the DB manager, as the controller dials it. */
  public readonly dbManagerAddress: string;
  /** The controller pod's labels, for network allows. */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly certificate: ApiObject;
  public readonly validatingWebhookConfiguration: k8s.KubeValidatingWebhookConfiguration;
  public readonly mutatingWebhookConfiguration: k8s.KubeMutatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: KatibControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KATIB_NAMES;
    const P = KATIB_PORTS;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? KATIB_CONTROLLER_DEFAULT_RESOURCES;
    this.injectionNamespaceLabels =
      props.injectionNamespaceLabels ?? KATIB_METRICS_COLLECTOR_INJECTION_LABEL;
    this.config = resolveKatibConfig(props.config ?? {}, this.replicas);
    this.serviceHost = `${N.service}.${ns}.svc`;
    const db = props.dbManager ?? {
      serviceHost: `${N.dbManagerService}.${ns}`,
      servicePort: P.dbManager,
    };
    this.dbManagerAddress = `${db.serviceHost}:${db.servicePort}`;
    throwIfProblems('KatibController', validate(props, this));

    const labels = KATIB_LABELS.labels('controller');
    // Upstream's label too: Kubeflow's NetworkPolicies and docs select the controller by it.
    const selector = {
      ...KATIB_LABELS.selector('controller'),
      [KATIB_COMPONENT_LABEL]: 'controller',
    };
    this.podSelector = selector;
    const rbacLabels = KATIB_LABELS.labels('rbac');

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: N.certificate, namespace: ns, labels: KATIB_LABELS.labels('certificate') },
      spec: {
        secretName: N.certificateSecret,
        issuerRef: { ...props.issuer.issuerRef },
        // Upstream's names (installs/katib-cert-manager/certificate.yaml).
        commonName: this.serviceHost,
        dnsNames: [this.serviceHost, `${this.serviceHost}.cluster.local`],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: [...KATIB_CONTROLLER_RULES],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    if (this.config.enableLeaderElection) {
      new k8s.KubeRole(this, 'LeaderElectionRole', {
        metadata: { name: N.leaderElection, namespace: ns, labels: rbacLabels },
        rules: [...KATIB_LEADER_ELECTION_RULES],
      });
      new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
        metadata: { name: N.leaderElection, namespace: ns, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.leaderElection },
        subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
      });
    }

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: N.configMap, namespace: ns, labels: KATIB_LABELS.labels('config') },
      data: { [N.configKey]: katibConfigDocument(this, this.config) },
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels: { ...labels, ...selector } },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels, ...selector, 'sidecar.istio.io/inject': 'false' },
            annotations: {
              'kubectl.kubernetes.io/default-container': N.container,
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(P.metrics),
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: KATIB_UID,
              runAsGroup: KATIB_UID,
              fsGroup: KATIB_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KATIB_IMAGES.controller),
                imagePullPolicy: 'IfNotPresent',
                command: ['./katib-controller'],
                args: [`--katib-config=${KATIB_CONFIG_FILE}`],
                env: [
                  {
                    name: 'KATIB_CORE_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  // The controller dials `<IP>.<NAMESPACE>:<PORT>`, or `<IP>:<PORT>` when the
                  // namespace is set empty (`GetDBManagerAddr`): the full host goes in IP.
                  { name: 'KATIB_DB_MANAGER_SERVICE_NAMESPACE', value: '' },
                  { name: 'KATIB_DB_MANAGER_SERVICE_IP', value: db.serviceHost },
                  { name: 'KATIB_DB_MANAGER_SERVICE_PORT', value: String(db.servicePort) },
                ],
                ports: [
                  { name: 'webhook', containerPort: P.webhook, protocol: 'TCP' },
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'healthz', containerPort: P.healthz, protocol: 'TCP' },
                ],
                // Ready once the webhook server serves (`hookServer.StartedChecker()`).
                readinessProbe: {
                  httpGet: { path: '/readyz', port: k8s.IntOrString.fromString('healthz') },
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('healthz') },
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  failureThreshold: 3,
                },
                volumeMounts: [
                  { name: 'cert', mountPath: KATIB_CERT_DIR, readOnly: true },
                  {
                    name: 'katib-config',
                    mountPath: KATIB_CONFIG_FILE,
                    subPath: N.configKey,
                    readOnly: true,
                  },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext({ runAsUser: KATIB_UID }),
              },
            ],
            volumes: [
              { name: 'cert', secret: { secretName: N.certificateSecret, defaultMode: 0o444 } },
              { name: 'katib-config', configMap: { name: N.configMap } },
            ],
          },
        },
      },
    });
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name: N.deployment, namespace: ns, labels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    new k8s.KubeService(this, 'Service', {
      metadata: {
        name: N.service,
        namespace: ns,
        labels: { ...labels, [KATIB_COMPONENT_LABEL]: 'controller' },
        annotations: {
          'prometheus.io/port': String(P.metrics),
          'prometheus.io/scheme': 'http',
          'prometheus.io/scrape': 'true',
        },
      },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'webhook',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromNumber(P.webhook),
            protocol: 'TCP',
          },
          {
            name: 'metrics',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromNumber(P.metrics),
            protocol: 'TCP',
          },
          {
            name: 'healthz',
            port: P.healthz,
            targetPort: k8s.IntOrString.fromNumber(P.healthz),
            protocol: 'TCP',
          },
        ],
      },
    });

    const webhookMeta = {
      name: N.webhookConfiguration,
      labels: KATIB_LABELS.labels('webhook'),
      annotations: { [INJECT_CA_FROM_ANNOTATION]: `${ns}/${N.certificate}` },
    };
    const clientConfig = (path: string): k8s.WebhookClientConfig => ({
      service: { name: N.service, namespace: ns, path, port: P.webhookService },
    });
    const experiments: k8s.RuleWithOperations[] = [
      {
        apiGroups: ['kubeflow.org'],
        apiVersions: ['v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['experiments'],
      },
    ];
    // Upstream leaves failurePolicy at the API's default, Fail: an experiment is never stored
    // unvalidated or without its defaults, and a trial pod never runs without its collector.
    this.validatingWebhookConfiguration = new k8s.KubeValidatingWebhookConfiguration(
      this,
      'ValidatingWebhookConfiguration',
      {
        metadata: webhookMeta,
        webhooks: [
          {
            name: KATIB_WEBHOOKS.validateExperiment.name,
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: clientConfig(KATIB_WEBHOOKS.validateExperiment.path),
            rules: experiments,
          },
        ],
      },
    );
    this.mutatingWebhookConfiguration = new k8s.KubeMutatingWebhookConfiguration(
      this,
      'MutatingWebhookConfiguration',
      {
        metadata: webhookMeta,
        webhooks: [
          {
            name: KATIB_WEBHOOKS.mutateExperiment.name,
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: clientConfig(KATIB_WEBHOOKS.mutateExperiment.path),
            rules: experiments,
          },
          {
            name: KATIB_WEBHOOKS.mutatePod.name,
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: clientConfig(KATIB_WEBHOOKS.mutatePod.path),
            namespaceSelector: { matchLabels: { ...this.injectionNamespaceLabels } },
            // The controller's own requests never need a collector (upstream's condition).
            matchConditions: [
              {
                name: 'exclude-katib-controller',
                expression: `request.userInfo.username != "system:serviceaccount:${ns}:${N.serviceAccount}"`,
              },
            ],
            rules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['pods'],
              },
            ],
          },
        ],
      },
    );

    props.namespace.allowIngress('katib-controller-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the Katib webhooks (experiments, ' +
        'trial pods). The API server is not a pod and its source address depends on the ' +
        'cluster, so any source may reach this one port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.webhook }],
    });
    db.allowFrom?.(
      'katib-controller',
      selector,
      "The Katib controller reads and deletes trials' observation logs",
    );
  }
}

function validate(props: KatibControllerProps, c: KatibController): string[] {
  const out = katibConfigProblems(props.config ?? {});
  if (!Number.isInteger(c.replicas) || c.replicas < 1) {
    out.push(
      propProblem(
        'replicas',
        'must be a whole number of at least 1',
        String(c.replicas),
        'Use 1 or more.',
      ),
    );
  }
  if (c.replicas > 1 && props.config?.controller?.enableLeaderElection === false) {
    out.push(
      propProblem(
        'config.controller.enableLeaderElection',
        'is false with several replicas',
        `replicas ${c.replicas}`,
        'Turn leader election on or run one replica: two active controllers reconcile every experiment twice.',
      ),
    );
  }
  if (Object.keys(c.injectionNamespaceLabels).length === 0) {
    out.push(
      propProblem(
        'injectionNamespaceLabels',
        'is empty',
        '{}',
        'Name the labels of the namespaces that run experiments; an empty selector sends every pod of the cluster to the webhook.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    out.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${c.serviceHost}`,
        'An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ),
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace.name) {
    out.push(
      propProblem(
        'issuer',
        `is an Issuer of namespace ${issuerNs}`,
        `a webhook in ${props.namespace.name}`,
        "Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ),
    );
  }
  return out;
}
