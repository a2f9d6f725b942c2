import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { TRAINER_FEATURE_GATES, TrainerFeatureGate, trainerConfigFile } from './config';
import { TRAINER_GROUP, TrainerCrds } from './crds';
import {
  TRAINER_CERT_DIR,
  TRAINER_CONFIG_PATH,
  TRAINER_NAMES,
  TRAINER_PORTS,
  TRAINER_WEBHOOK_PATHS,
  TRAINER_WEBHOOKS,
} from './names';
import { TRAINER_LABELS } from './private/labels';
import { TRAINER_MANAGER_RULES, TRAINER_PUBLIC_CONFIGMAP_RULES } from './rbac';
import { TRAINER_IMAGES, TRAINER_VERSION } from './versions';

/** Requests and limits of the manager (upstream's `manager.yaml` sets none). */
export const TRAINER_MANAGER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** The user of the manager's image (`gcr.io/distroless/static:nonroot`, `cmd/trainer-controller-manager/Dockerfile`). */
export const TRAINER_MANAGER_UID = 65532;

/** `--zap-log-level=2` of upstream's `manager_config_patch.yaml`. */
const ZAP_LOG_LEVEL = 2;

const INJECT_CA_FROM = 'cert-manager.io/inject-ca-from';

export interface KubeflowTrainerProps {
  /** Where the manager runs (`kubeflow-system` in Kubeflow 26.03.1). */
  readonly namespace: INamespace;
  /**
   * Signs the serving certificate of the webhooks (and of the status server); cainjector copies
   * its CA into both webhook configurations. A CA issuer (selfSigned or ca), not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /** @default 1 - upstream's; more replicas elect a leader and all serve the webhooks */
  readonly replicas?: number;
  /** @default TRAINER_MANAGER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /**
   * Feature gates in the config file. `TrainJobStatus` starts the status server (port 10443),
   * which training pods call with their progress.
   * @default - none: every gate off, as Kubeflow 26.03.1 has it
   */
  readonly featureGates?: Partial<Record<TrainerFeatureGate, boolean>>;
  /**
   * Pods that may call the status server (the tenant namespaces), when `TrainJobStatus` is on.
   * @default - none allowed
   */
  readonly statusClients?: NetworkPeer;
  /** Who may scrape the HTTPS metrics on 8443. @default - nobody */
  readonly metricsScrapers?: NetworkPeer;
  /** Create the CRDs (in the CRD layer). @default true */
  readonly crds?: boolean;
}

/**
 * The Kubeflow Trainer v2.2.0 controller manager as Kubeflow 26.03.1 installs it
 * (`applications/trainer/upstream/overlays/kubeflow-platform`): CRDs, the manager with its config
 * file, ServiceAccount, ClusterRole, Service, webhooks, the public version ConfigMap with its
 * Role, and inbound port 9443 left out of the Istio sidecar as Kubeflow's patch does.
 *
 * One departure from upstream: the serving certificate comes from the platform issuer through
 * cert-manager (`certManagement.enable: false`, which the manager supports: "certificates must be
 * provided externally"), so the manager needs no right to rewrite webhook configurations. The
 * Certificate writes upstream's Secret `kubeflow-trainer-webhook-cert` with `ca.crt`, which the
 * TrainJobStatus plugin also copies into training pods.
 * JobSet (which the manager drives) is a separate component.
 * @see https://github.com/kubeflow/trainer/tree/v2.2.0/manifests
 */
export class KubeflowTrainer extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** `kubeflow-trainer-controller-manager.<namespace>.svc`. */
  public readonly serviceHost: string;
  /** The manager's image, resolved (mirror applied). */
  public readonly image: string;
  public readonly crds?: TrainerCrds;
  public readonly deployment: k8s.KubeDeployment;
  /** Labels of the manager's pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly service: k8s.KubeService;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly certificate: ApiObject;
  public readonly mutatingWebhook: k8s.KubeMutatingWebhookConfiguration;
  public readonly validatingWebhook: k8s.KubeValidatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: KubeflowTrainerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = TRAINER_NAMES;
    const P = TRAINER_PORTS;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? TRAINER_MANAGER_DEFAULT_RESOURCES;
    this.serviceHost = `${N.service}.${ns}.svc`;
    throwIfProblems('KubeflowTrainer', validate(props, this));
    this.image = resolveImage(this, TRAINER_IMAGES.controllerManager);

    if (props.crds ?? true) {
      this.crds = new TrainerCrds(scopeInLayer(this, Layer.CRDS), 'TrainerCrds');
    }

    const labels = TRAINER_LABELS.labels('manager');
    const selector = TRAINER_LABELS.selector('manager');
    this.podSelector = selector;
    const rbacLabels = TRAINER_LABELS.labels('rbac');

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: TRAINER_MANAGER_RULES.map(copyRule),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });

    // The SDK's version lookup (manifests/overlays/manager configMapGenerator, rbac/public_*).
    new k8s.KubeConfigMap(this, 'PublicConfigMap', {
      metadata: { name: N.publicConfigMap, namespace: ns, labels: TRAINER_LABELS.labels('config') },
      data: { kubeflow_trainer_version: TRAINER_VERSION },
    });
    new k8s.KubeRole(this, 'PublicRole', {
      metadata: { name: N.publicRole, namespace: ns, labels: rbacLabels },
      rules: TRAINER_PUBLIC_CONFIGMAP_RULES.map(copyRule),
    });
    new k8s.KubeRoleBinding(this, 'PublicRoleBinding', {
      metadata: { name: N.publicRoleBinding, namespace: ns, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.publicRole },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
      ],
    });

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: N.configMap, namespace: ns, labels: TRAINER_LABELS.labels('config') },
      data: {
        [N.configFile]: trainerConfigFile({
          internalCertManagement: false,
          featureGates: props.featureGates,
        }),
      },
    });

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: N.certificate,
        namespace: ns,
        labels: TRAINER_LABELS.labels('certificate'),
      },
      spec: {
        commonName: this.serviceHost,
        dnsNames: [this.serviceHost, `${N.service}.${ns}`, `${N.service}.${ns}.svc.cluster.local`],
        issuerRef: { ...props.issuer.issuerRef },
        secretName: N.certificateSecret,
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    const probe = (path: string, initialDelaySeconds: number, periodSeconds: number) => ({
      httpGet: { path, port: k8s.IntOrString.fromString('health') },
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: {
              'kubectl.kubernetes.io/default-container': N.container,
              // Kubeflow's trainer-manager-istio-and-selectors.yaml: the API server calls the
              // webhook port directly, past any sidecar.
              'traffic.sidecar.istio.io/excludeInboundPorts': String(P.webhook),
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: TRAINER_MANAGER_UID,
              runAsGroup: TRAINER_MANAGER_UID,
              fsGroup: TRAINER_MANAGER_UID,
            }),
            containers: [
              {
                name: N.container,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                args: [`--config=${TRAINER_CONFIG_PATH}`, `--zap-log-level=${ZAP_LOG_LEVEL}`],
                ports: [
                  { name: 'health', containerPort: P.health, protocol: 'TCP' },
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'webhook', containerPort: P.webhook, protocol: 'TCP' },
                  { name: 'status-server', containerPort: P.statusServer, protocol: 'TCP' },
                ],
                livenessProbe: probe('/healthz', 15, 20),
                readinessProbe: probe('/readyz', 10, 15),
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'cert', mountPath: TRAINER_CERT_DIR, readOnly: true },
                  {
                    name: N.configMap,
                    mountPath: TRAINER_CONFIG_PATH,
                    subPath: N.configFile,
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [
              { name: 'cert', secret: { secretName: N.certificateSecret, defaultMode: 0o644 } },
              { name: N.configMap, configMap: { name: N.configMap } },
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

    // manifests/base/manager/manager.yaml: one Service for metrics, webhooks and status server.
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: N.service, namespace: ns, labels },
      spec: {
        selector,
        ports: [
          {
            name: 'monitoring-port',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromString('metrics'),
            protocol: 'TCP',
          },
          {
            name: 'webhook-server',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromString('webhook'),
            protocol: 'TCP',
          },
          {
            name: 'status-server',
            port: P.statusServer,
            targetPort: k8s.IntOrString.fromString('status-server'),
            protocol: 'TCP',
          },
        ],
      },
    });

    const meta = (name: string) => ({
      name,
      labels: TRAINER_LABELS.labels('webhook'),
      annotations: { [INJECT_CA_FROM]: `${ns}/${N.certificate}` },
    });
    const hook = (name: string, path: string, resource: string) => ({
      name,
      admissionReviewVersions: ['v1'],
      clientConfig: {
        service: { name: N.service, namespace: ns, path, port: P.webhookService },
      },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      rules: [
        {
          apiGroups: [TRAINER_GROUP],
          apiVersions: ['v1alpha1'],
          operations: ['CREATE', 'UPDATE'],
          resources: [resource],
        },
      ],
    });
    const W = TRAINER_WEBHOOKS;
    const WP = TRAINER_WEBHOOK_PATHS;
    this.mutatingWebhook = new k8s.KubeMutatingWebhookConfiguration(this, 'MutatingWebhook', {
      metadata: meta(N.mutatingWebhook),
      webhooks: [hook(W.trainJobDefaulter, WP.trainJobDefaulter, 'trainjobs')],
    });
    this.validatingWebhook = new k8s.KubeValidatingWebhookConfiguration(this, 'ValidatingWebhook', {
      metadata: meta(N.validatingWebhook),
      webhooks: [
        hook(
          W.clusterTrainingRuntimeValidator,
          WP.clusterTrainingRuntimeValidator,
          'clustertrainingruntimes',
        ),
        hook(W.trainingRuntimeValidator, WP.trainingRuntimeValidator, 'trainingruntimes'),
        hook(W.trainJobValidator, WP.trainJobValidator, 'trainjobs'),
      ],
    });

    // The API server is not a pod: any source may reach the webhook port, nothing else.
    props.namespace.allowIngress('trainer-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the Trainer webhooks. The API server ' +
        'is not a pod and its address depends on the cluster, so any source may reach this port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.webhook }],
    });
    if (props.statusClients && props.featureGates?.TrainJobStatus) {
      props.namespace.allowIngress('trainer-status-server', {
        description: 'Training pods report their progress to the Trainer status server',
        podLabels: selector,
        from: [props.statusClients],
        ports: [{ port: P.statusServer }],
      });
    }
    if (props.metricsScrapers) {
      props.namespace.allowIngress('trainer-metrics', {
        description: 'Scraping the Trainer manager metrics (HTTPS)',
        podLabels: selector,
        from: [props.metricsScrapers],
        ports: [{ port: P.metrics }],
      });
    }
  }
}

function copyRule(rule: k8s.PolicyRule): k8s.PolicyRule {
  return {
    apiGroups: [...(rule.apiGroups ?? [])],
    resources: [...(rule.resources ?? [])],
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
    verbs: [...rule.verbs],
  };
}

function validate(props: KubeflowTrainerProps, t: KubeflowTrainer): string[] {
  const out: string[] = [];
  if (!Number.isInteger(t.replicas) || t.replicas < 1) {
    out.push(
      propProblem(
        'replicas',
        'must be a whole number of at least 1',
        String(t.replicas),
        'Use 1 or more.',
      ),
    );
  }
  for (const gate of Object.keys(props.featureGates ?? {})) {
    if (!(TRAINER_FEATURE_GATES as readonly string[]).includes(gate)) {
      out.push(
        propProblem(
          `featureGates.${gate}`,
          'is not a feature gate of Trainer v2.2.0',
          undefined,
          `Use one of ${TRAINER_FEATURE_GATES.join(', ')}.`,
        ),
      );
    }
  }
  if (props.statusClients && !props.featureGates?.TrainJobStatus) {
    out.push(
      propProblem(
        'statusClients',
        'is set while the status server is off',
        undefined,
        'Set featureGates.TrainJobStatus to true, or leave statusClients out.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    out.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${t.serviceHost}`,
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
