import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { throwIfProblems } from '../core/validation';
import {
  MODEL_REGISTRY_UI_HEALTH_PATH,
  MODEL_REGISTRY_UI_NAMES,
  MODEL_REGISTRY_UI_POD_LABELS,
  MODEL_REGISTRY_UI_PORTS,
  MODEL_REGISTRY_UI_PREFIX,
  MODEL_REGISTRY_UI_REWRITE,
  MODEL_REGISTRY_UI_USER_HEADERS,
} from './names';
import { HUB_LABELS } from './private/labels';
import { namespaceProblems, wholeNumberProblems } from './private/validation';
import { HUB_UID } from './registry';
import { HUB_IMAGES } from './versions';

/**
 * Upstream requests 500m CPU and 2Gi memory with a 2Gi limit (`options/ui/base`); the BFF serves
 * static files and proxies JSON, so the request is lowered and upstream's limit kept.
 */
export const MODEL_REGISTRY_UI_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '256Mi', limit: '2Gi' },
};

/**
 * The UI service account's cluster-wide rules (`options/ui/base/model-registry-ui-role.yaml`;
 * Kubeflow's overlays add none). The BFF runs in `internal` auth mode: it calls the API server as
 * itself, after a SubjectAccessReview for the user of `kubeflow-userid`.
 * - `services` get, list: list the registries (`component=model-registry`) in the namespace the
 *   user asks for, and read one registry's or the catalog's Service to find its ClusterIP and
 *   `http-api` port. Cluster-wide because the namespace is the user's choice; the SAR runs first.
 * - `clusterrolebindings` get, list: find out whether the user is bound to `cluster-admin`
 *   (`IsClusterAdmin`). This reads every ClusterRoleBinding's subjects, which is broader than the
 *   question; upstream's only way to answer it.
 * - `subjectaccessreviews` create: the SARs themselves.
 * Upstream also grants `watch` on both; the BFF never watches (client-go Get and List only), so
 * it is left out.
 */
export const MODEL_REGISTRY_UI_RULES: Readonly<
  Record<'servicesReader' | 'clusterRoleBindingsReader' | 'createSars', k8s.PolicyRule>
> = {
  servicesReader: { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
  clusterRoleBindingsReader: {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterrolebindings'],
    verbs: ['get', 'list'],
  },
  createSars: {
    apiGroups: ['authorization.k8s.io'],
    resources: ['subjectaccessreviews'],
    verbs: ['create'],
  },
};

/**
 * What a tenant member needs for the UI to show and use the registry of a namespace: the BFF's
 * SubjectAccessReviews for the user (`internal_k8s_client.go`) ask for `get` and `list` on
 * `services` in that namespace (the registry list) and `get` on the registry's Service (every
 * registry call). Kubeflow's `kubeflow-view` (through `kubeflow-kubernetes-view`) grants both, so
 * neither upstream nor Kubeflow adds a role for the hub, and every member of a profile, viewers
 * included, can read and write its registry through the UI: the registry itself checks nothing.
 */
export const MODEL_REGISTRY_UI_TENANT_ACCESS: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
];

export interface ModelRegistryUiProps {
  /**
   * Where the UI runs: Kubeflow's namespace. Kubeflow 26.03.1's example installs it with each
   * profile's registry; one shared UI serves every namespace, as the BFF checks access per request.
   * @default 'kubeflow'
   */
  readonly namespace?: string;
  /** @default HUB_IMAGES.ui - ghcr.io/kubeflow/hub/ui:v0.3.9 */
  readonly image?: ImageRef;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default MODEL_REGISTRY_UI_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * The Kubeflow Hub v0.3.9 UI (the React frontend served by its Go BFF) in Kubeflow deployment
 * mode (`--deployment-mode=kubeflow`, `options/ui/overlays/kubeflow`): the central dashboard's
 * namespace selector chooses the namespace, the BFF reads the user from `kubeflow-userid` (and
 * `kubeflow-groups`), checks with SubjectAccessReviews that the user may get and list `services`
 * in that namespace (the registry list) or get the registry's Service (every registry call), then
 * lists Services labelled `component=model-registry` there and calls the chosen one at
 * `http://<ClusterIP>:<http-api port>/api/model_registry/v1alpha3` without any credential of the
 * user. The catalog is looked up the same way: Service `model-catalog` labelled
 * `component=model-catalog` in the namespace of the request.
 *
 * The gateway route (the integrator's): `/model-registry/` rewritten to `/` to the Service port
 * 80; the frontend is built with the base path `/model-registry/` in Kubeflow mode.
 * @see https://github.com/kubeflow/hub/tree/v0.3.8/clients/ui/bff
 */
export class ModelRegistryUi extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** `model-registry-ui-service.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  public readonly serviceName: string = MODEL_REGISTRY_UI_NAMES.service;
  /** 80: the Service port the gateway routes to. */
  public readonly servicePort: number = MODEL_REGISTRY_UI_PORTS.service;
  /** 8080: the pod port (for network allows and AuthorizationPolicy `ports`). */
  public readonly port: number = MODEL_REGISTRY_UI_PORTS.http;
  /** `/model-registry/`, rewritten to `rewrite` (`/`). */
  public readonly pathPrefix: string = MODEL_REGISTRY_UI_PREFIX;
  public readonly rewrite: string = MODEL_REGISTRY_UI_REWRITE;
  /** The header the BFF requires for the user. */
  public readonly userIdHeader: string = MODEL_REGISTRY_UI_USER_HEADERS.userId;
  public readonly groupsHeader: string = MODEL_REGISTRY_UI_USER_HEADERS.groups;
  /** The UI pods' selector labels. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The ServiceAccount (the UI's mesh identity, which registries must admit on 8080). */
  public readonly serviceAccountName: string = MODEL_REGISTRY_UI_NAMES.serviceAccount;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: ModelRegistryUiProps = {}) {
    super(scope, id);
    const N = MODEL_REGISTRY_UI_NAMES;
    const P = MODEL_REGISTRY_UI_PORTS;
    const ns = props.namespace ?? 'kubeflow';
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? MODEL_REGISTRY_UI_DEFAULT_RESOURCES;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    throwIfProblems(`ModelRegistryUi "${id}"`, [
      ...namespaceProblems('namespace', ns),
      ...wholeNumberProblems('replicas', this.replicas, 1, '1'),
    ]);

    const labels = { ...HUB_LABELS.labels('ui'), ...MODEL_REGISTRY_UI_POD_LABELS };
    const selector = { ...HUB_LABELS.selector('ui'), ...MODEL_REGISTRY_UI_POD_LABELS };
    this.podLabels = selector;
    const rbacLabels = HUB_LABELS.labels('rbac');

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
    });
    const bind = (cid: string, role: string, binding: string, rule: k8s.PolicyRule) => {
      new k8s.KubeClusterRole(this, cid, {
        metadata: { name: role, labels: rbacLabels },
        rules: [
          {
            apiGroups: [...(rule.apiGroups ?? [])],
            resources: [...(rule.resources ?? [])],
            verbs: [...rule.verbs],
          },
        ],
      });
      new k8s.KubeClusterRoleBinding(this, `${cid}Binding`, {
        metadata: { name: binding, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
      });
    };
    const R = MODEL_REGISTRY_UI_RULES;
    bind('ServicesReader', N.servicesReader, N.servicesReaderBinding, R.servicesReader);
    bind(
      'ClusterRoleBindingsReader',
      N.clusterRoleBindingsReader,
      N.clusterRoleBindingsReaderBinding,
      R.clusterRoleBindingsReader,
    );
    bind('CreateSars', N.createSars, N.createSarsBinding, R.createSars);

    const probe = (initialDelaySeconds: number): k8s.Probe => ({
      httpGet: {
        path: MODEL_REGISTRY_UI_HEALTH_PATH,
        port: k8s.IntOrString.fromString(N.portName),
        scheme: 'HTTP',
      },
      initialDelaySeconds,
      timeoutSeconds: 15,
      periodSeconds: 30,
      successThreshold: 1,
      failureThreshold: 3,
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: N.serviceAccount,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: HUB_UID,
              runAsGroup: HUB_UID,
              fsGroup: HUB_UID,
            }),
            containers: [
              {
                name: N.container,
                image: resolveImage(this, props.image ?? HUB_IMAGES.ui),
                imagePullPolicy: 'IfNotPresent',
                args: ['--deployment-mode=kubeflow', `--port=${P.http}`],
                ports: [{ name: N.portName, containerPort: P.http, protocol: 'TCP' }],
                // Upstream's probes (`options/ui/base/model-registry-ui-deployment.yaml`).
                livenessProbe: probe(30),
                readinessProbe: probe(15),
                resources: toResourceRequirements(this.resources),
                // A static binary on distroless serving files from the image: nothing is written.
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: N.service, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          {
            name: N.portName,
            port: P.service,
            targetPort: k8s.IntOrString.fromString(N.portName),
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });
  }
}
