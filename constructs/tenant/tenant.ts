import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { standardLabels } from '../core/labels';
import { NetworkPeer } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import { PlatformNamespace } from '../namespaces/namespace';

export type TenantRole = 'admin' | 'edit' | 'view';

export interface TenantQuota {
  /** Sum of CPU requests in the namespace, e.g. `'16'`. @default - no limit */
  readonly cpu?: string;
  /** Sum of memory requests in the namespace, e.g. `'64Gi'`. @default - no limit */
  readonly memory?: string;
  /** NVIDIA GPUs the namespace may request. @default - no limit */
  readonly gpu?: number;
  /** Sum of PersistentVolumeClaim requests. @default - no limit */
  readonly storageGiB?: number;
  /** @default - no limit */
  readonly pods?: number;
}

export interface TenantProps {
  /** The team's name, which is also its namespace. */
  readonly name: string;
  /** The owner's identity (email, as the identity provider reports it); gets `admin`. */
  readonly owner: string;
  /** @default [] */
  readonly members?: readonly { readonly user: string; readonly role: TenantRole }[];
  /** Identity-provider groups and their role. @default [] */
  readonly groups?: readonly { readonly name: string; readonly role: TenantRole }[];
  /** @default - no quota */
  readonly quota?: TenantQuota;
  /**
   * Requests and limits a container gets when it states none, so that quota accounting works.
   * @default TENANT_DEFAULT_CONTAINER_RESOURCES
   */
  readonly defaultContainerResources?: ResourceSpec;
  /**
   * Labels that put the namespace in the service mesh (`IMesh.injectionLabels`).
   * @default - not labelled for injection
   */
  readonly meshLabels?: Readonly<Record<string, string>>;
  /**
   * Label that marks the namespace as a tenant's, with the tenant name as value; platform
   * services (the object store, later pipelines and serving) admit namespaces by it.
   * @default TENANT_LABEL
   */
  readonly tenantLabel?: string;
}

/** Label on every tenant namespace, with the tenant's name as value. */
export const TENANT_LABEL = 'mlops-blueprint.dev/tenant';

export const TENANT_DEFAULT_CONTAINER_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2' },
  memory: { request: '256Mi', limit: '2Gi' },
};

/** Built-in ClusterRoles a tenant role maps to. */
const CLUSTER_ROLE: Record<TenantRole, string> = { admin: 'admin', edit: 'edit', view: 'view' };

/**
 * A team's space on the platform: its namespace (restricted, default-deny with traffic inside the
 * namespace allowed), quota, default container resources, and role bindings for its owner,
 * members and groups.
 */
export class Tenant extends Construct {
  public readonly namespace: PlatformNamespace;

  public constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    throwIfProblems(`Tenant "${props.name}"`, tenantProblems(props));
    const ns = props.name;
    const labels = standardLabels({ name: 'tenant', instance: ns, component: 'tenant' });
    this.namespace = new PlatformNamespace(this, 'Namespace', {
      name: ns,
      owner: 'tenant',
      labels: { [props.tenantLabel ?? TENANT_LABEL]: ns },
      ...(props.meshLabels ? { meshLabels: props.meshLabels } : {}),
    });
    this.namespace.allowIngress('same-namespace', {
      description: "The team's own workloads talk to each other",
      from: [NetworkPeer.sameNamespace()],
    });

    const q = props.quota;
    const hard: Record<string, k8s.Quantity> = {};
    if (q?.cpu) hard['requests.cpu'] = k8s.Quantity.fromString(q.cpu);
    if (q?.memory) hard['requests.memory'] = k8s.Quantity.fromString(q.memory);
    if (q?.gpu !== undefined) hard['requests.nvidia.com/gpu'] = k8s.Quantity.fromNumber(q.gpu);
    if (q?.storageGiB !== undefined)
      hard['requests.storage'] = k8s.Quantity.fromString(`${q.storageGiB}Gi`);
    if (q?.pods !== undefined) hard.pods = k8s.Quantity.fromNumber(q.pods);
    if (Object.keys(hard).length > 0) {
      new k8s.KubeResourceQuota(this, 'Quota', {
        metadata: { name: 'tenant-quota', namespace: ns, labels },
        spec: { hard },
      });
    }

    const d = props.defaultContainerResources ?? TENANT_DEFAULT_CONTAINER_RESOURCES;
    new k8s.KubeLimitRange(this, 'Defaults', {
      metadata: { name: 'container-defaults', namespace: ns, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: {
              cpu: k8s.Quantity.fromString(d.cpu.request),
              memory: k8s.Quantity.fromString(d.memory.request),
            },
            default: {
              ...(d.cpu.limit ? { cpu: k8s.Quantity.fromString(d.cpu.limit) } : {}),
              memory: k8s.Quantity.fromString(d.memory.limit),
            },
          },
        ],
      },
    });

    const bind = (id: string, role: TenantRole, subject: k8s.Subject): void => {
      new k8s.KubeRoleBinding(this, id, {
        metadata: { name: `tenant-${id.toLowerCase()}`, namespace: ns, labels },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: CLUSTER_ROLE[role],
        },
        subjects: [subject],
      });
    };
    bind('Owner', 'admin', {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: props.owner,
    });
    (props.members ?? []).forEach((m, i) =>
      bind(`Member-${i}`, m.role, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'User',
        name: m.user,
      }),
    );
    (props.groups ?? []).forEach((g, i) =>
      bind(`Group-${i}`, g.role, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: g.name,
      }),
    );
  }
}

/** Every problem with a tenant's props: the name becomes the namespace, and subjects need names. */
function tenantProblems(props: TenantProps): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(props.name)) {
    problems.push(
      propProblem(
        'name',
        'is not a namespace name',
        `"${props.name}"`,
        'Use lower-case letters, digits and hyphens, start and end with a letter or digit, at most 63 characters.',
      ),
    );
  }
  const subjects: [string, string][] = [
    ['owner', props.owner],
    ...(props.members ?? []).map((m, i): [string, string] => [`members[${i}].user`, m.user]),
    ...(props.groups ?? []).map((g, i): [string, string] => [`groups[${i}].name`, g.name]),
  ];
  for (const [path, name] of subjects) {
    if (!name.trim()) {
      problems.push(
        propProblem(
          path,
          'is empty',
          JSON.stringify(name),
          'Name the user or group as the identity provider reports it.',
        ),
      );
    }
  }
  return problems;
}
