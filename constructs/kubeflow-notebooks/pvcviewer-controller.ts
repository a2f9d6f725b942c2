import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { ImageRef, resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { IGateway } from '../core/mesh';
import { IMonitoring } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { PVC_VIEWER_API, PVC_VIEWER_LABELS, PvcViewerCrd } from './pvcviewer-crd';
import { addPvcViewerMonitoring } from './pvcviewer-monitoring';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

/** The controller image as upstream's `config/base` pins it at v1.11.0. */
export const PVC_VIEWER_CONTROLLER_IMAGE = {
  registry: 'ghcr.io',
  repository: 'kubeflow/notebooks/pvcviewer-controller',
  tag: KUBEFLOW_NOTEBOOKS_VERSION,
} as const satisfies ImageRef;

/**
 * Names of the controller's objects: upstream's after its kustomize name prefix `pvcviewer-`, so
 * that they match an upstream install, except the serving Secret (see `certificateSecret`).
 */
export const PVC_VIEWER_NAMES = {
  deployment: 'pvcviewer-controller-manager',
  container: 'manager',
  serviceAccount: 'pvcviewer-controller-manager',
  clusterRole: 'pvcviewer-role',
  clusterRoleBinding: 'pvcviewer-manager-rolebinding',
  leaderElectionRole: 'pvcviewer-leader-election-role',
  leaderElectionRoleBinding: 'pvcviewer-leader-election-rolebinding',
  webhookService: 'pvcviewer-webhook-service',
  certificate: 'pvcviewer-serving-cert',
  /**
   * Upstream's is `webhook-server-cert`, which the tensorboard controller's Certificate also
   * writes in the same namespace; ours is prefixed so that the two never overwrite each other.
   */
  certificateSecret: 'pvcviewer-webhook-server-cert',
  mutatingWebhookConfiguration: 'pvcviewer-mutating-webhook-configuration',
  validatingWebhookConfiguration: 'pvcviewer-validating-webhook-configuration',
  mutatingWebhook: 'mpvcviewer.kb.io',
  validatingWebhook: 'vpvcviewer.kb.io',
} as const;

export const PVC_VIEWER_PORTS = {
  /** controller-runtime's webhook server (`Port: 9443` in `main.go`). */
  webhook: 9443,
  webhookService: 443,
  /** Health probes (`--health-probe-bind-address=:8081`). */
  probes: 8081,
  /**
   * Metrics (`--metrics-bind-address`): on loopback only (`127.0.0.1:8080`, upstream's), or on
   * every address (`:8080`) when the platform is monitored.
   */
  metrics: 8080,
} as const;

/** The webhook paths controller-runtime derives from the kind (`/mutate-`, `/validate-`). */
export const PVC_VIEWER_WEBHOOK_PATHS = {
  mutate: '/mutate-kubeflow-org-v1alpha1-pvcviewer',
  validate: '/validate-kubeflow-org-v1alpha1-pvcviewer',
} as const;

/**
 * Labels the controller puts on every viewer pod it creates in a user namespace (besides
 * `app.kubernetes.io/name: <viewer>` and `app.kubernetes.io/instance: pvcviewer-<viewer>`).
 */
export const PVC_VIEWER_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'pvc-viewer',
};

/**
 * The port a viewer pod serves on: the file browser's `FB_PORT` in both the defaulting webhook's
 * pod spec and the volumes web app's viewer spec, which names it as `networking.targetPort`.
 */
export const PVC_VIEWER_POD_PORT = 8080;

/** The port of the Service the controller creates per viewer, the VirtualService's destination. */
export const PVC_VIEWER_SERVICE_PORT = 80;

/** Upstream's requests and limits (`config/manager/manager.yaml`). */
export const PVC_VIEWER_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '64Mi', limit: '128Mi' },
};

/** cert-manager's cainjector fills the webhooks' caBundle from this Certificate's CA. */
const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

/** The user of the distroless image (`USER 65532:65532` in upstream's Dockerfile). */
const NONROOT_UID = 65532;

/** Where controller-runtime reads the serving certificate by default. */
const CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';

/**
 * The controller's ClusterRole, rule by rule as upstream's `config/rbac/role.yaml` at v1.11.0: it
 * creates and updates each viewer's Deployment, Service and VirtualService in the viewer's
 * namespace, and reads pods and PVCs to place a viewer next to a ReadWriteOnce volume.
 */
export const PVC_VIEWER_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims', 'pods'],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: [''], resources: ['services'], verbs: ['create', 'get', 'list', 'update', 'watch'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['create', 'get', 'list', 'update', 'watch'],
  },
  {
    apiGroups: [PVC_VIEWER_API.group],
    resources: [PVC_VIEWER_API.plural],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: [PVC_VIEWER_API.group], resources: ['pvcviewers/finalizers'], verbs: ['update'] },
  {
    apiGroups: [PVC_VIEWER_API.group],
    resources: ['pvcviewers/status'],
    verbs: ['get', 'patch', 'update'],
  },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices'],
    verbs: ['create', 'get', 'list', 'update', 'watch'],
  },
];

/**
 * The leader-election Role: upstream's rules without its ConfigMap rule. controller-runtime
 * v0.17 (upstream's) locks with Leases only, and write access to every ConfigMap of the
 * platform namespace would let the controller rewrite other components' settings.
 */
export const PVC_VIEWER_LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

export interface PvcViewerControllerProps {
  /** Where the controller runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** The gateway each viewer's VirtualService binds to (`ISTIO_GATEWAY`). */
  readonly gateway: IGateway;
  /**
   * Signs the webhooks' serving certificate; cainjector copies its CA into both webhook
   * configurations. It must sign in-cluster Service names: a CA issuer, not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /** Replicas; leader election keeps one reconciling, all serve the webhooks. @default 1 */
  readonly replicas?: number;
  /** @default PVC_VIEWER_CONTROLLER_DEFAULT_RESOURCES - upstream's */
  readonly resources?: ResourceSpec;
  /** Create the PVCViewer CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
  /**
   * The cluster's Prometheus: the metrics are then bound on every address with a container
   * port `http-metrics`, scraped directly (the pod has no sidecar) and alerted on.
   * @default - not monitored: metrics stay on loopback
   */
  readonly monitoring?: IMonitoring;
}

/**
 * The PVC viewer controller of kubeflow/notebooks v1.11.0: for each PVCViewer it runs a
 * Deployment with the viewer's pod spec mounting the PVC (a file browser), a Service on port 80
 * and a VirtualService under `<basePrefix>/<namespace>/<name>/` on the gateway, all in the viewer's
 * namespace. Its webhooks fill an empty pod spec and refuse a viewer whose pod does not mount its
 * PVC. The CRD, the Deployment `pvcviewer-controller-manager` with its service account,
 * ClusterRole (upstream's rules) and leader-election Role, the webhook Service, the serving
 * Certificate from the platform issuer, both webhook configurations with their CA injected by
 * cert-manager, and the network allow from the API server. Tenant objects (network allows for the
 * viewer pods) are the platform's: see `viewerPodLabels` and `viewerPort`.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/pvcviewer-controller
 */
export class PvcViewerController extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** The controller's environment: the gateway of the viewers' VirtualServices. */
  public readonly settings: Readonly<Record<string, string>>;
  /** The name of the controller's service account, in `namespace`. */
  public readonly serviceAccountName: string;
  /** Its Kubernetes identity (`system:serviceaccount:<ns>:<sa>`), which creates the viewers' objects. */
  public readonly kubernetesPrincipal: string;
  /** The webhook Service's name and FQDN. */
  public readonly webhookServiceName: string;
  public readonly webhookServiceHost: string;
  /** Labels every viewer pod carries, for the tenant network allow from the gateway. */
  public readonly viewerPodLabels: Readonly<Record<string, string>>;
  /** The port viewer pods serve on, which the gateway must reach. */
  public readonly viewerPort: number;
  public readonly crd?: PvcViewerCrd;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly certificate: ApiObject;
  public readonly mutatingWebhookConfiguration: k8s.KubeMutatingWebhookConfiguration;
  public readonly validatingWebhookConfiguration: k8s.KubeValidatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: PvcViewerControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = PVC_VIEWER_NAMES;
    const P = PVC_VIEWER_PORTS;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? PVC_VIEWER_CONTROLLER_DEFAULT_RESOURCES;
    validate(props, this.replicas);
    this.settings = { ISTIO_GATEWAY: props.gateway.gatewayRef };
    this.serviceAccountName = N.serviceAccount;
    this.kubernetesPrincipal = `system:serviceaccount:${ns}:${N.serviceAccount}`;
    this.webhookServiceName = N.webhookService;
    this.webhookServiceHost = `${N.webhookService}.${ns}.svc`;
    this.viewerPodLabels = PVC_VIEWER_POD_LABELS;
    this.viewerPort = PVC_VIEWER_POD_PORT;

    if (props.crd ?? true) {
      this.crd = new PvcViewerCrd(scopeInLayer(this, Layer.CRDS), 'PvcViewerCrd');
    }

    const labels = PVC_VIEWER_LABELS.labels('pvcviewer-controller');
    const selector = PVC_VIEWER_LABELS.selector('pvcviewer-controller');
    const rbacLabels = PVC_VIEWER_LABELS.labels('rbac');
    const metadata = (name: string, l = labels) => ({ name, namespace: ns, labels: l });

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: metadata(N.certificate, PVC_VIEWER_LABELS.labels('certificate')),
      spec: {
        secretName: N.certificateSecret,
        issuerRef: { ...props.issuer.issuerRef },
        // The names the API server reaches the Service by (upstream's).
        dnsNames: [this.webhookServiceHost, `${this.webhookServiceHost}.cluster.local`],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: PVC_VIEWER_CONTROLLER_RULES.map((r) => ({ ...r })),
    });
    const subjects = [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }];
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects,
    });
    new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: metadata(N.leaderElectionRole, rbacLabels),
      rules: PVC_VIEWER_LEADER_ELECTION_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: metadata(N.leaderElectionRoleBinding, rbacLabels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.leaderElectionRole },
      subjects,
    });

    const probe = (path: string, initialDelaySeconds: number, periodSeconds: number) => ({
      httpGet: { path, port: k8s.IntOrString.fromString('probes') },
      initialDelaySeconds,
      periodSeconds,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            // Only the API server calls it (no mesh identity) and it calls only the API server;
            // without a sidecar the webhook's TLS port needs no exclusion (upstream's annotation).
            labels: { ...labels, 'sidecar.istio.io/inject': 'false' },
            annotations: { 'kubectl.kubernetes.io/default-container': N.container },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 10,
            securityContext: restrictedPodSecurityContext({
              runAsUser: NONROOT_UID,
              runAsGroup: NONROOT_UID,
              fsGroup: NONROOT_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, PVC_VIEWER_CONTROLLER_IMAGE),
                imagePullPolicy: 'IfNotPresent',
                command: ['/manager'],
                // Upstream's flags. Unmonitored, metrics stay on loopback: upstream publishes them
                // only through a kube-rbac-proxy sidecar, which we do not run. Monitored, they
                // are bound for Prometheus, which alone may reach the port (network allow).
                args: [
                  `--health-probe-bind-address=:${P.probes}`,
                  `--metrics-bind-address=${props.monitoring ? '' : '127.0.0.1'}:${P.metrics}`,
                  '--leader-elect',
                ],
                env: Object.entries(this.settings).map(([name, value]) => ({ name, value })),
                ports: [
                  { name: 'webhook-server', containerPort: P.webhook, protocol: 'TCP' },
                  { name: 'probes', containerPort: P.probes, protocol: 'TCP' },
                  ...(props.monitoring
                    ? [{ name: 'http-metrics', containerPort: P.metrics, protocol: 'TCP' }]
                    : []),
                ],
                livenessProbe: probe('/healthz', 15, 20),
                readinessProbe: probe('/readyz', 5, 10),
                volumeMounts: [{ name: 'cert', mountPath: CERT_DIR, readOnly: true }],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'cert', secret: { secretName: N.certificateSecret, defaultMode: 0o444 } },
            ],
          },
        },
      },
    });
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: metadata(N.deployment),
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    new k8s.KubeService(this, 'WebhookService', {
      metadata: metadata(N.webhookService),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'https-webhook',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromString('webhook-server'),
            protocol: 'TCP',
          },
        ],
      },
    });

    // Both webhooks fail closed: they only intercept PVCViewer objects (not pods or any other
    // kind, and not status updates), so a webhook that is down only delays new viewers and never
    // blocks the platform; failing open would admit viewers whose pod does not mount their PVC.
    const webhook = (name: string, path: string) => ({
      name,
      admissionReviewVersions: ['v1'],
      clientConfig: {
        service: { name: N.webhookService, namespace: ns, path, port: P.webhookService },
      },
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      sideEffects: 'None',
      timeoutSeconds: 10,
      rules: [
        {
          apiGroups: [PVC_VIEWER_API.group],
          apiVersions: [PVC_VIEWER_API.version],
          operations: ['CREATE', 'UPDATE'],
          resources: [PVC_VIEWER_API.plural],
        },
      ],
    });
    const webhookMetadata = (name: string) => ({
      name,
      labels,
      annotations: { [INJECT_CA_FROM_ANNOTATION]: `${ns}/${N.certificate}` },
    });
    this.mutatingWebhookConfiguration = new k8s.KubeMutatingWebhookConfiguration(
      this,
      'MutatingWebhookConfiguration',
      {
        metadata: webhookMetadata(N.mutatingWebhookConfiguration),
        webhooks: [
          {
            ...webhook(N.mutatingWebhook, PVC_VIEWER_WEBHOOK_PATHS.mutate),
            reinvocationPolicy: 'Never',
          },
        ],
      },
    );
    this.validatingWebhookConfiguration = new k8s.KubeValidatingWebhookConfiguration(
      this,
      'ValidatingWebhookConfiguration',
      {
        metadata: webhookMetadata(N.validatingWebhookConfiguration),
        webhooks: [webhook(N.validatingWebhook, PVC_VIEWER_WEBHOOK_PATHS.validate)],
      },
    );

    props.namespace.allowIngress('pvcviewer-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the PVC viewer webhooks. The API ' +
        'server is not a pod and its source address depends on the cluster, so any source may ' +
        'reach this one port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.webhook }],
    });

    if (props.monitoring) {
      addPvcViewerMonitoring(this, {
        monitoring: props.monitoring,
        namespace: props.namespace,
        deploymentName: N.deployment,
        container: N.container,
        serviceAccountName: N.serviceAccount,
        podLabels: selector,
        port: { name: 'http-metrics', number: P.metrics },
      });
    }
  }
}

function validate(props: PvcViewerControllerProps, replicas: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(replicas) || replicas < 1) {
    problems.push(
      propProblem(
        'replicas',
        'is not a whole number of at least 1',
        String(replicas),
        'Use 1 or more.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    problems.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${PVC_VIEWER_NAMES.webhookService}.${props.namespace.name}.svc`,
        'An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ),
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace.name) {
    problems.push(
      propProblem(
        'issuer',
        `is an Issuer of namespace ${issuerNs}`,
        `a webhook in ${props.namespace.name}`,
        "Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ),
    );
  }
  throwIfProblems('PvcViewerController', problems);
}
