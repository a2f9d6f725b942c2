import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { standardLabels } from '../core/labels';
import { MAX_SUBDOMAIN_NAME, boundedName } from '../core/names';
import { ProfileContribution, ProfileIngress } from '../core/kubeflow';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
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
  /**
   * Makes the tenant a Kubeflow profile: a `Profile` owned by `owner`, the namespace labelled as
   * the profile controller labels it (so the controller adopts it and never changes it), and
   * members and groups bound in the format KFAM reads and writes.
   * @default - a plain namespace with role bindings
   */
  readonly profile?: TenantProfileOptions;
}

/** What a tenant needs to be a Kubeflow profile (from `IKubeflowProfiles`). */
export interface TenantProfileOptions {
  /** Labels of every profile namespace; pod-security labels among them are left to the tenant. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The header the gateway passes the user in, and its prefix. */
  readonly userIdHeader: string;
  readonly userIdPrefix: string;
  /** Principals a member's AuthorizationPolicy admits (KFAM's: the gateway, the Pipelines UI). */
  readonly contributorPrincipals: readonly string[];
  /** Traffic every profile namespace admits from the platform (notebooks, viewers). */
  readonly ingress: readonly ProfileIngress[];
  /** What components add to every profile namespace (Pipelines' per-tenant objects). @default [] */
  readonly contributions?: readonly ProfileContribution[];
  /**
   * Tokens the gateway verifies and forwards, re-verified in the namespace so that groups are
   * authorized on the token's verified claim. Required when the tenant has groups.
   */
  readonly tokens?: TenantTokenVerification;
}

/** The issuers whose forwarded tokens a profile namespace verifies. */
export interface TenantTokenVerification {
  /** Issuers and key sets, as the gateway's RequestAuthentication lists them. */
  readonly issuers: readonly { readonly issuer: string; readonly jwksUri: string }[];
  /** The claim that lists the user's groups. @default 'groups' */
  readonly groupsClaim?: string;
  /** The gateway's principal: group access is admitted only through the gateway. */
  readonly gatewayPrincipal: string;
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
    const profile = props.profile;
    this.namespace = new PlatformNamespace(this, 'Namespace', {
      name: ns,
      owner: 'tenant',
      labels: {
        ...(profile ? profileLabels(profile.namespaceLabels) : {}),
        [props.tenantLabel ?? TENANT_LABEL]: ns,
      },
      ...(props.meshLabels ? { meshLabels: props.meshLabels } : {}),
      ...(profile
        ? {
            // The profile controller adopts an existing namespace only with this annotation.
            annotations: { owner: props.owner },
            podSecurity: 'baseline' as const,
            podSecurityReason: PROFILE_POD_SECURITY_REASON,
          }
        : {}),
    });
    for (const allow of profile?.ingress ?? []) {
      const { id: allowId, ...rest } = allow;
      this.namespace.allowIngress(allowId, rest);
    }
    for (const c of profile?.contributions ?? []) {
      c.build(new Construct(this, `Contribution-${c.id}`), ns, {
        owner: props.owner,
        members: props.members ?? [],
        network: this.namespace,
      });
    }
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
    if (profile) {
      // The profile controller owns the namespace's quota (`kf-resource-quota`), the owner's
      // binding (`namespaceAdmin`) and policy (`ns-owner-access-istio`), and the accounts
      // `default-editor` and `default-viewer`; the Profile states them.
      const profileObject = new ApiObject(this, 'Profile', {
        apiVersion: 'kubeflow.org/v1',
        kind: 'Profile',
        metadata: { name: ns, labels },
        spec: {
          owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: props.owner },
          ...(Object.keys(hard).length > 0
            ? {
                resourceQuotaSpec: {
                  hard: Object.fromEntries(
                    Object.entries(hard).map(([k, q]) => [k, String(q.value)]),
                  ),
                },
              }
            : {}),
        },
      });
      // Applied after the namespace, so the controller adopts ours instead of creating one.
      profileObject.node.addDependency(this.namespace.resource);
    } else if (Object.keys(hard).length > 0) {
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

    if (profile) {
      this.contributors(ns, props, profile, labels);
      return;
    }
    const bind = (id: string, role: TenantRole, subject: k8s.Subject): void => {
      new k8s.KubeRoleBinding(this, id, {
        // Named by subject and role, never by list position: removing a member then leaves no
        // binding of another member with a changed roleRef, which is immutable.
        metadata: {
          name: kfamBindingName(subject.kind as 'User' | 'Group', subject.name, role),
          namespace: ns,
          labels,
        },
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

  /**
   * Members and groups as KFAM records contributors: a RoleBinding to `kubeflow-<role>` and an
   * AuthorizationPolicy of the same name, annotated with `user` and `role`, so the dashboard's
   * contributor page lists them. Groups are authorized on the verified token's groups claim.
   */
  private contributors(
    ns: string,
    props: TenantProps,
    profile: TenantProfileOptions,
    labels: Record<string, string>,
  ): void {
    const groups = props.groups ?? [];
    const tokens = profile.tokens;
    if (groups.length > 0 && !tokens) {
      throw new Error(
        `Tenant "${ns}": groups need token verification in the namespace (profile.tokens). Pass the issuers the gateway verifies.`,
      );
    }
    const contributor = (
      id: string,
      kind: 'User' | 'Group',
      name: string,
      role: TenantRole,
      rule: Record<string, unknown>,
    ): void => {
      const metadata = {
        name: kfamBindingName(kind, name, role),
        namespace: ns,
        labels,
        annotations: { user: name, role },
      };
      new k8s.KubeRoleBinding(this, `${id}-Binding`, {
        metadata,
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: KUBEFLOW_ROLE[role],
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind, name }],
      });
      new ApiObject(this, `${id}-Policy`, {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'AuthorizationPolicy',
        metadata,
        spec: { rules: [rule] },
      });
    };
    (props.members ?? []).forEach((m, i) =>
      contributor(`Member-${i}`, 'User', m.user, m.role, {
        from: [{ source: { principals: [...profile.contributorPrincipals] } }],
        when: [
          {
            key: `request.headers[${profile.userIdHeader}]`,
            values: [`${profile.userIdPrefix}${m.user}`],
          },
        ],
      }),
    );
    if (!tokens) return;
    const claim = tokens.groupsClaim ?? 'groups';
    groups.forEach((g, i) =>
      contributor(`Group-${i}`, 'Group', g.name, g.role, {
        from: [
          {
            source: {
              principals: [tokens.gatewayPrincipal],
              requestPrincipals: tokens.issuers.map((i) => `${i.issuer}/*`),
            },
          },
        ],
        when: [{ key: `request.auth.claims[${claim}]`, values: [g.name] }],
      }),
    );
    if (groups.length > 0) {
      new ApiObject(this, 'TokenVerification', {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'RequestAuthentication',
        metadata: { name: 'tenant-token-verification', namespace: ns, labels },
        spec: {
          jwtRules: tokens.issuers.map((i) => ({
            issuer: i.issuer,
            jwksUri: i.jwksUri,
            forwardOriginalToken: true,
          })),
        },
      });
    }
  }
}

/** The Kubeflow roles KFAM binds contributors to. */
const KUBEFLOW_ROLE: Record<TenantRole, string> = {
  admin: 'kubeflow-admin',
  edit: 'kubeflow-edit',
  view: 'kubeflow-view',
};

/**
 * Why profile namespaces enforce `baseline`: the notebook, tensorboard and PVC viewer
 * controllers create pods without a restricted security context (no seccomp profile, capabilities
 * not dropped, `runAsNonRoot` unset), and upstream's TensorBoard image runs as root. Audit and
 * warn stay at `restricted`, so every such pod is reported.
 */
export const PROFILE_POD_SECURITY_REASON =
  'Kubeflow controllers create notebook, TensorBoard and PVC viewer pods without a restricted security context (upstream images, some running as root); audit and warn stay restricted.';

/** The profile controller's labels, without pod-security ones (the tenant states its level). */
function profileLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(
      ([k, v]) => !k.startsWith('pod-security.kubernetes.io/') && v !== '',
    ),
  );
}

/**
 * The object name KFAM gives a contributor's RoleBinding and AuthorizationPolicy
 * (kubeflow/dashboard v2.0.0 `access-management/kfam/bindings.go`): subject kind, name, `ClusterRole`
 * and the role, lower-cased, every run of other characters than letters and digits a hyphen.
 */
export function kfamBindingName(kind: 'User' | 'Group', name: string, role: TenantRole): string {
  const other = /[^a-zA-Z0-9]+/g;
  const kfam = [kind, name.replace(other, '-'), 'ClusterRole', role]
    .join('-')
    .toLowerCase()
    .replace(other, '-');
  // KFAM itself cannot create a longer name; past the limit ours ends in a stable hash.
  return kfam.length <= MAX_SUBDOMAIN_NAME && /^[a-z0-9]/.test(kfam) && /[a-z0-9]$/.test(kfam)
    ? kfam
    : boundedName([kind, name, 'clusterrole', role], { max: MAX_SUBDOMAIN_NAME });
}

/** Every problem with a tenant's props: the name becomes the namespace, and subjects need names. */
function tenantProblems(props: TenantProps): string[] {
  const problems: string[] = [];
  // An empty value tells the profile controller to delete the label on every reconcile; on a
  // label the namespace sets itself, the two would undo each other (pod security above all).
  const own = (key: string): boolean =>
    key.startsWith('pod-security.kubernetes.io/') ||
    key.startsWith('app.kubernetes.io/') ||
    key === (props.tenantLabel ?? TENANT_LABEL) ||
    key in (props.meshLabels ?? {});
  for (const [key, value] of Object.entries(props.profile?.namespaceLabels ?? {})) {
    if (value === '' && own(key)) {
      problems.push(
        propProblem(
          `profile.namespaceLabels["${key}"]`,
          'removes a label the tenant namespace sets itself',
          '""',
          'Leave the key out of the profile namespace labels; the namespace states it.',
        ),
      );
    }
  }
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
