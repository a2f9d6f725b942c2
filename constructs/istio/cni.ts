import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { INamespace } from '../core/network';
import { Suppressions } from '../core/policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { ISTIO_NAMES, ISTIO_PORTS } from './names';
import { fieldEnv, resourceEnv, VALIDATION_CONTAINER } from './proxy';
import { ISTIO_IMAGES, ISTIO_VERSION } from './versions';

/** Settings of the istio-cni node agent. */
export interface IstioCniOptions {
  /**
   * Where the node's container runtime looks for CNI plugin binaries.
   * @default '/opt/cni/bin' (GKE uses '/home/kubernetes/bin')
   */
  readonly cniBinDir?: string;
  /** Where the node's CNI network configuration lives. @default '/etc/cni/net.d' */
  readonly cniConfDir?: string;
  /** @default CNI_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Namespaces whose pods the CNI plugin never redirects. @default ['kube-system'] */
  readonly excludeNamespaces?: readonly string[];
  /**
   * Add a ResourceQuota that admits `system-node-critical` pods in the agent's namespace. GKE
   * refuses that priority class outside kube-system without one.
   * @default false
   */
  readonly priorityClassQuota?: boolean;
}

/** Upstream requests 100m and 100Mi; the memory limit is ours (GOMEMLIMIT follows it). */
export const CNI_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m' },
  memory: { request: '100Mi', limit: '1Gi' },
};

export interface IstioCniProps extends IstioCniOptions {
  /**
   * The agent's own namespace. It needs host paths and capabilities, so the platform creates it
   * with pod security `privileged` (and a reason); nothing else should run there.
   */
  readonly namespace: INamespace;
  /** @default - the default revision */
  readonly revision?: string;
}

function absolutePath(path: string, prop: string): string {
  if (!path.startsWith('/')) {
    throw new Error(
      `\`cni.${prop}\` must be an absolute path (got "${path}"). Use e.g. /opt/cni/bin.`,
    );
  }
  return path;
}

/**
 * The istio-cni node agent (DaemonSet): installs the Istio CNI plugin into every node's CNI chain
 * so that traffic redirection is set up when a pod's network is created. Application pods then
 * need no privileged istio-init container and can run under Pod Security "restricted"; only this
 * agent needs host access. It also repairs pods that started before the plugin was in place.
 * @see https://istio.io/latest/docs/setup/additional-setup/cni/
 */
export class IstioCni extends Construct {
  public readonly namespace: string;
  public readonly image: string;
  /** The agent's DaemonSet, for inspection. */
  public readonly daemonSet: ApiObject;

  public constructor(scope: Construct, id: string, props: IstioCniProps) {
    super(scope, id);
    const ns = props.namespace.name;
    this.namespace = ns;
    const names = ISTIO_NAMES.cni;
    const binDir = absolutePath(props.cniBinDir ?? '/opt/cni/bin', 'cniBinDir');
    const confDir = absolutePath(props.cniConfDir ?? '/etc/cni/net.d', 'cniConfDir');
    const labelOptions: ComponentLabelOptions = {
      name: 'istio-cni',
      component: 'node-agent',
      version: ISTIO_VERSION,
    };
    const labels = {
      ...standardLabels(labelOptions),
      'istio.io/rev': props.revision ?? 'default',
    };
    const selector = { ...selectorLabels(labelOptions), 'k8s-app': names.daemonSet };
    this.image = resolveImage(this, ISTIO_IMAGES.installCni);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: names.serviceAccount, namespace: ns, labels },
    });
    const subjects = [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: ns }];
    const roleRef = (name: string): k8s.RoleRef => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: names.clusterRole, labels },
      rules: [
        {
          apiGroups: [''],
          resources: ['pods', 'nodes', 'namespaces'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: names.clusterRole, labels },
      roleRef: roleRef(names.clusterRole),
      subjects,
    });
    // Repair in place: pods are fixed, not labelled or deleted, so no write access to pods.
    new k8s.KubeClusterRole(this, 'RepairClusterRole', {
      metadata: { name: names.repairClusterRole, labels },
      rules: [
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'RepairClusterRoleBinding', {
      metadata: { name: names.repairClusterRoleBinding, labels },
      roleRef: roleRef(names.repairClusterRole),
      subjects,
    });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: names.configMap, namespace: ns, labels },
      data: {
        CURRENT_AGENT_VERSION: ISTIO_VERSION,
        AMBIENT_ENABLED: 'false',
        AMBIENT_ENABLEMENT_SELECTOR: stringify([
          { podSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
          {
            podSelector: {
              matchExpressions: [
                { key: 'istio.io/dataplane-mode', operator: 'NotIn', values: ['none'] },
              ],
            },
            namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
          },
        ]),
        AMBIENT_DNS_CAPTURE: 'true',
        AMBIENT_IPV6: 'true',
        AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
        ENABLE_AMBIENT_DETECTION_RETRY: 'false',
        ISTIO_OWNED_CNI_CONFIG: 'false',
        CHAINED_CNI_PLUGIN: 'true',
        EXCLUDE_NAMESPACES: (props.excludeNamespaces ?? ['kube-system']).join(','),
        REPAIR_ENABLED: 'true',
        REPAIR_LABEL_PODS: 'false',
        REPAIR_DELETE_PODS: 'false',
        REPAIR_REPAIR_PODS: 'true',
        REPAIR_INIT_CONTAINER_NAME: VALIDATION_CONTAINER,
        REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
        REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
        NATIVE_NFTABLES: 'false',
      },
    });

    const hostPath = (name: string, path: string, type?: string): k8s.Volume => ({
      name,
      hostPath: { path, ...(type ? { type } : {}) },
    });
    // A plain ApiObject: the typed KubeDaemonSet predates `appArmorProfile` and would drop it.
    this.daemonSet = new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: names.daemonSet, namespace: ns, labels },
      spec: k8s.toJson_DaemonSetSpec({
        selector: { matchLabels: selector },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) },
        },
        template: {
          metadata: {
            labels: {
              ...labels,
              ...selector,
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
            },
            annotations: {
              'sidecar.istio.io/inject': 'false',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(ISTIO_PORTS.cni.metrics),
              'prometheus.io/path': '/metrics',
            },
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            // A node agent: it runs on every node, tainted or not.
            tolerations: [
              { effect: 'NoSchedule', operator: 'Exists' },
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
            ],
            priorityClassName: 'system-node-critical',
            serviceAccountName: names.serviceAccount,
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'install-cni',
                image: this.image,
                command: ['install-cni'],
                args: ['--log_output_level=info'],
                ports: [
                  { name: 'metrics', containerPort: ISTIO_PORTS.cni.metrics, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: {
                    path: '/readyz',
                    port: k8s.IntOrString.fromNumber(ISTIO_PORTS.cni.readiness),
                  },
                },
                securityContext: {
                  privileged: false,
                  runAsGroup: 0,
                  runAsUser: 0,
                  runAsNonRoot: false,
                  capabilities: {
                    drop: ['ALL'],
                    add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'],
                  },
                  // Upstream's suggested hardening; the capabilities above keep setns and mount.
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                envFrom: [{ configMapRef: { name: names.configMap } }],
                env: [
                  fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
                  { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
                  { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
                  { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
                  {
                    name: 'NODE_NAME',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
                  },
                  resourceEnv('GOMEMLIMIT', 'limits.memory'),
                  resourceEnv('GOMAXPROCS', 'limits.cpu'),
                  fieldEnv('POD_NAME', 'metadata.name'),
                  fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                ],
                volumeMounts: [
                  { name: 'cni-bin-dir', mountPath: '/host/opt/cni/bin' },
                  { name: 'cni-host-procfs', mountPath: '/host/proc', readOnly: true },
                  { name: 'cni-net-dir', mountPath: '/host/etc/cni/net.d' },
                  { name: 'cni-socket-dir', mountPath: '/var/run/istio-cni' },
                ],
                resources: toResourceRequirements(props.resources ?? CNI_DEFAULT_RESOURCES),
              },
            ],
            volumes: [
              hostPath('cni-bin-dir', binDir),
              // Repair enters pods' network namespaces through the host's /proc.
              hostPath('cni-host-procfs', '/proc', 'Directory'),
              hostPath('cni-net-dir', confDir),
              // UDS socket between the plugin and the agent (logs, events).
              hostPath('cni-socket-dir', '/var/run/istio-cni'),
            ],
          },
        },
      }),
    });
    // Unconfined AppArmor as the securityContext field (GA since Kubernetes 1.30; the platform
    // targets 1.34), not the deprecated pod annotation upstream's chart still writes by default
    // (`useAppArmorAnnotation: true`).
    this.daemonSet.addJsonPatch(
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/appArmorProfile', {
        type: 'Unconfined',
      }),
    );
    this.suppress(this.daemonSet);

    if (props.priorityClassQuota ?? false) {
      new k8s.KubeResourceQuota(this, 'PriorityClassQuota', {
        metadata: { name: names.resourceQuota, namespace: ns, labels },
        spec: {
          hard: { pods: k8s.Quantity.fromNumber(5000) },
          scopeSelector: {
            matchExpressions: [
              { operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] },
            ],
          },
        },
      });
    }
  }

  /** The documented exception to Pod Security: why each host-level permission is needed. */
  private suppress(ds: ApiObject): void {
    const hostPaths =
      'The CNI agent writes the Istio plugin binary and its network configuration into the ' +
      "node's CNI directories, reads /proc to enter pods' network namespaces for repair, and " +
      'shares a socket directory with the plugin; all are host paths by nature.';
    const capabilities =
      'NET_ADMIN and NET_RAW program iptables in pod network namespaces (repair), SYS_ADMIN and ' +
      "SYS_PTRACE open those namespaces through /proc, DAC_OVERRIDE writes the node's CNI " +
      'directories; privileged stays false and every other capability is dropped.';
    const root =
      "The node's CNI directories belong to root; the agent runs as UID 0 like upstream.";
    Suppressions.add(ds, 'pss-baseline/host-path-volumes', hostPaths);
    Suppressions.add(ds, 'pss-restricted/volume-types', hostPaths);
    Suppressions.add(ds, 'pss-baseline/capabilities', capabilities);
    Suppressions.add(ds, 'pss-restricted/capabilities-add', capabilities);
    Suppressions.add(ds, 'pss-restricted/run-as-non-root', root);
    Suppressions.add(ds, 'pss-restricted/run-as-user', root);
    Suppressions.add(
      ds,
      'pss-restricted/allow-privilege-escalation',
      'Kubernetes rejects allowPrivilegeEscalation: false on a container that adds SYS_ADMIN, ' +
        'which the agent needs (see pss-baseline/capabilities).',
    );
    Suppressions.add(
      ds,
      'pss-baseline/apparmor',
      'Upstream runs install-cni with AppArmor Unconfined: the runtime default profile blocks ' +
        "entering other pods' network namespaces, which repair needs.",
    );
    Suppressions.add(
      ds,
      'platform/read-only-root-filesystem',
      'Upstream does not run install-cni with a read-only root filesystem; the platform keeps ' +
        'the upstream setting for the node agent that every pod start depends on.',
    );
    Suppressions.add(
      ds,
      'platform/cpu-limit',
      'Every pod start on the node waits for this agent; like upstream it is not CPU-throttled.',
    );
  }
}
