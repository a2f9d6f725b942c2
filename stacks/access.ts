import { TENANT_LABEL } from '../constructs/tenant/tenant';
import { KubeObject, RenderedPlatform } from './render';

/** One grant inside a tenant: a subject and the role it has there. */
export interface AccessGrant {
  readonly subject: { readonly kind: string; readonly name: string };
  /** The role as bound: the ClusterRole or Role name (admin, edit, view, kubeflow-edit, ...). */
  readonly role: string;
  /** The binding that grants it, `RoleBinding <name>`. */
  readonly via: string;
  /**
   * How the mesh admits the subject's requests to the tenant's pods through the gateway, e.g.
   * `AuthorizationPolicy <name>: kubeflow-userid header`; `undefined` when no policy does.
   */
  readonly mesh?: string;
}

/** A platform service a tenant's pods may reach, by a network allow in the service's namespace. */
export interface AccessReach {
  readonly namespace: string;
  readonly policy: string;
  readonly description: string;
  readonly ports: readonly string[];
}

/**
 * What a grant lets its subject do in a platform service that authorizes with Kubernetes RBAC on
 * an API group of its own (MLflow's workspaces, `mlflow.kubeflow.org`), or a service a tenant
 * has for itself (its model registry).
 */
export interface ServiceAccess {
  /** e.g. `MLflow workspace team-a`. */
  readonly service: string;
  /** Who: a subject of a grant, or the pods and services that reach it. */
  readonly who: string;
  /** e.g. `read and write: experiments, registeredmodels`. */
  readonly access: string;
  /** The role (and its aggregated rules) or the policy it follows from. */
  readonly via: string;
}

export interface TenantAccess {
  readonly tenant: string;
  readonly grants: readonly AccessGrant[];
  readonly reaches: readonly AccessReach[];
  /** Tracking and registry access, read from the roles and policies that decide it. */
  readonly services: readonly ServiceAccess[];
}

/** Who may do what in each tenant, and what each tenant's pods may reach: the access report. */
export interface AccessReport {
  readonly environment: string;
  readonly tenants: readonly TenantAccess[];
}

interface Labelled {
  metadata: { name: string; labels?: Record<string, string> };
}

interface Peer {
  namespaceSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  podSelector?: unknown;
  ipBlock?: unknown;
}

/** Code-point order: the same on every machine, whatever its locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a NetworkPolicy peer's namespace selector selects `namespace` (with its labels). */
function selects(peer: Peer, namespace: Labelled): boolean {
  const sel = peer.namespaceSelector;
  if (!sel) return false;
  const labels: Record<string, string | undefined> = {
    ...namespace.metadata.labels,
    'kubernetes.io/metadata.name': namespace.metadata.name,
  };
  const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (sel.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

/**
 * The access report of a rendered platform, read from the objects themselves (RoleBindings in
 * each tenant namespace, NetworkPolicies elsewhere that admit it), so that it states what the
 * cluster will enforce rather than what the configuration meant.
 */
export function accessReport(rendered: RenderedPlatform): AccessReport {
  const objects = rendered.layers.flatMap((l) => l.objects);
  const tenants = objects.filter(
    (o) => o.kind === 'Namespace' && o.metadata.labels?.[TENANT_LABEL] !== undefined,
  );
  // Indexed once, so that the report stays linear in tenants: objects by namespace, and network
  // policies by the one namespace they admit when they name it (most do), the rest kept aside
  // and matched against every tenant.
  const byNamespace = new Map<string, KubeObject[]>();
  const profiles = new Map<string, KubeObject>();
  const naming = new Map<string, Set<KubeObject>>();
  const selecting: KubeObject[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns !== undefined) {
      const list = byNamespace.get(ns);
      if (list) list.push(o);
      else byNamespace.set(ns, [o]);
    }
    if (o.kind === 'Profile') profiles.set(o.metadata.name, o);
    if (o.kind !== 'NetworkPolicy') continue;
    const named = ingressPeers(o).map(namedNamespace);
    if (named.some((n) => n === null)) selecting.push(o);
    for (const n of named) {
      if (typeof n === 'string') naming.set(n, (naming.get(n) ?? new Set()).add(o));
    }
  }
  const rbac = rbacServices(objects);
  const policiesFor = (tenant: string): KubeObject[] => {
    const named = naming.get(tenant);
    return named ? [...new Set([...selecting, ...named])] : selecting;
  };
  return {
    environment: rendered.environment,
    tenants: tenants
      .map((ns) => {
        const grants = grantsIn(
          byNamespace.get(ns.metadata.name) ?? [],
          profiles.get(ns.metadata.name),
          ns.metadata.name,
        );
        return {
          tenant: ns.metadata.name,
          grants,
          services: [...rbac(ns, grants), ...registryAccess(ns.metadata.name, byNamespace)],
          reaches: policiesFor(ns.metadata.name)
            .filter((p) => p.metadata.namespace !== ns.metadata.name)
            .filter((p) => ingressPeers(p).some((peer) => selects(peer, ns)))
            .map((p) => ({
              namespace: p.metadata.namespace ?? '',
              policy: p.metadata.name,
              description: p.metadata.annotations?.['mlops-blueprint.dev/description'] ?? '',
              ports: ingressPorts(p),
            }))
            .sort((a, b) => byText(`${a.namespace}/${a.policy}`, `${b.namespace}/${b.policy}`)),
        };
      })
      .sort((a, b) => byText(a.tenant, b.tenant)),
  };
}

function grantsIn(
  inNamespace: readonly KubeObject[],
  profile: KubeObject | undefined,
  namespace: string,
): AccessGrant[] {
  const policies = new Map(
    inNamespace.filter((o) => o.kind === 'AuthorizationPolicy').map((p) => [p.metadata.name, p]),
  );
  const owner = (profile?.spec as { owner?: { kind: string; name: string } } | undefined)?.owner;
  return [
    // The profile controller binds the owner (RoleBinding `namespaceAdmin`, AuthorizationPolicy
    // `ns-owner-access-istio`) once it reconciles the Profile.
    ...(owner
      ? [
          {
            subject: { kind: owner.kind, name: owner.name },
            role: 'kubeflow-admin',
            via: `Profile ${namespace} (owner)`,
            mesh: 'ns-owner-access-istio (profile controller): kubeflow-userid header',
          },
        ]
      : []),
    ...inNamespace
      .filter((o) => o.kind === 'RoleBinding')
      .flatMap((b) => {
        const ref = b.roleRef as { kind: string; name: string };
        // A namespaced Role (a platform job's narrow grant) is named as such; ClusterRoles by name.
        const role = ref.kind === 'Role' ? `Role ${ref.name}` : ref.name;
        const subjects = (b.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
        const policy = policies.get(b.metadata.name);
        const mesh = policy ? meshAdmission(policy) : undefined;
        return subjects.map((s) => ({
          subject: {
            kind: s.kind,
            name: s.kind === 'ServiceAccount' ? `${s.namespace ?? namespace}/${s.name}` : s.name,
          },
          role,
          via: `RoleBinding ${b.metadata.name}`,
          ...(mesh ? { mesh } : {}),
        }));
      }),
  ].sort((a, b) =>
    byText(
      `${a.subject.kind}/${a.subject.name}/${a.role}`,
      `${b.subject.kind}/${b.subject.name}/${b.role}`,
    ),
  );
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** The API groups of platform services that authorize with Kubernetes RBAC, by workspace. */
const RBAC_SERVICES = [
  {
    group: 'mlflow.kubeflow.org',
    /** A tenant has a workspace when a tracking server lists its namespace. */
    name: (tenant: string) => `MLflow workspace ${tenant}`,
    servers: (o: KubeObject): string | undefined => {
      if (o.kind !== 'Deployment') return undefined;
      const containers = ((o.spec as { template?: { spec?: { containers?: unknown[] } } })?.template
        ?.spec?.containers ?? []) as {
        args?: string[];
        env?: { name: string; value?: string }[];
      }[];
      const server = containers.find((c) =>
        (c.args ?? []).some((a) => a.includes('--enable-workspaces')),
      );
      if (!server) return undefined;
      return server.env?.find((e) => e.name === 'MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR')?.value ?? '';
    },
  },
];

/**
 * The access each tenant's grants give in the services of `RBAC_SERVICES`: the rules of the
 * granted ClusterRole and of every ClusterRole it aggregates, on the service's API group.
 */
function rbacServices(
  objects: readonly KubeObject[],
): (ns: KubeObject, grants: readonly AccessGrant[]) => ServiceAccess[] {
  const clusterRoles = objects.filter((o) => o.kind === 'ClusterRole');
  const byName = new Map(clusterRoles.map((r) => [r.metadata.name, r]));
  const memo = new Map<string, Rule[]>();
  const rulesOf = (name: string, seen: Set<string> = new Set()): Rule[] => {
    const cached = memo.get(name);
    if (cached) return cached;
    const role = byName.get(name);
    if (!role || seen.has(name)) return [];
    seen.add(name);
    const own = ((role as { rules?: Rule[] }).rules ?? []) as Rule[];
    const selectors =
      (
        role as {
          aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] };
        }
      ).aggregationRule?.clusterRoleSelectors ?? [];
    const aggregated = clusterRoles
      .filter((r) =>
        selectors.some((sel) =>
          Object.entries(sel.matchLabels ?? {}).every(([k, v]) => r.metadata.labels?.[k] === v),
        ),
      )
      .flatMap((r) => rulesOf(r.metadata.name, seen));
    const rules = [...own, ...aggregated];
    memo.set(name, rules);
    return rules;
  };
  const services = RBAC_SERVICES.map((svc) => ({
    svc,
    selectors: objects.map(svc.servers).filter((s): s is string => s !== undefined),
  })).filter((s) => s.selectors.length > 0);
  return (ns, grants) =>
    services.flatMap(({ svc, selectors }) => {
      const listed = selectors.some((sel) =>
        sel === ''
          ? true
          : sel.split(',').every((term) => {
              const [k, v] = term.split('=');
              return ns.metadata.labels?.[k.trim()] === v?.trim();
            }),
      );
      if (!listed) return [];
      return grants.flatMap((g) => {
        const rules = rulesOf(g.role).filter((r) => (r.apiGroups ?? []).includes(svc.group));
        if (rules.length === 0) return [];
        const verbs = new Set(rules.flatMap((r) => r.verbs ?? []));
        const resources = [
          ...new Set(rules.flatMap((r) => (r.resources ?? []).filter((x) => !x.includes('/')))),
        ].sort(byText);
        const writes = ['create', 'update', 'delete', '*'].some((v) => verbs.has(v));
        return [
          {
            service: svc.name(ns.metadata.name),
            who: `${g.subject.kind} ${g.subject.name}`,
            access: `${writes ? 'read and write' : 'read'}: ${resources.join(', ')}`,
            via: `${g.role} (${g.via})`,
          },
        ];
      });
    });
}

/** A tenant's own model registry: who its AuthorizationPolicies let call it. */
function registryAccess(
  tenant: string,
  byNamespace: ReadonlyMap<string, readonly KubeObject[]>,
): ServiceAccess[] {
  const inNamespace = byNamespace.get(tenant) ?? [];
  const service = inNamespace.find(
    (o) => o.kind === 'Service' && o.metadata.name === 'model-registry-service',
  );
  if (!service) return [];
  const selector = (service.spec as { selector?: Record<string, string> })?.selector ?? {};
  return inNamespace
    .filter((o) => o.kind === 'AuthorizationPolicy')
    .filter((p) => {
      const spec = p.spec as {
        action?: string;
        selector?: { matchLabels?: Record<string, string> };
      };
      const labels = spec.selector?.matchLabels ?? {};
      return (
        (spec.action ?? 'ALLOW') === 'ALLOW' &&
        Object.keys(labels).length > 0 &&
        Object.entries(labels).every(([k, v]) => selector[k] === v)
      );
    })
    .flatMap((p) => {
      const rules =
        (
          p.spec as {
            rules?: { from?: { source?: { principals?: string[]; namespaces?: string[] } }[] }[];
          }
        ).rules ?? [];
      return rules.flatMap((r) =>
        (r.from ?? []).map((f) => {
          const src = f.source ?? {};
          const who = [
            ...(src.namespaces ?? []).map((n) => `pods of ${n}`),
            ...(src.principals ?? []).map((pr) => {
              const account = pr.replace(/^[^/]+\/ns\//, '').replace('/sa/', '/');
              // The UI's backend calls on behalf of a user it has checked with a
              // SubjectAccessReview (get and list services in the namespace).
              return account.endsWith('/model-registry-ui')
                ? `users RBAC lets read Services in ${tenant}, through the registry UI (${account})`
                : account;
            }),
          ].join(', ');
          return {
            service: `Model registry of ${tenant}`,
            who: who || 'any caller in the mesh',
            access: 'read and write: registered models, versions, artifacts',
            via: `AuthorizationPolicy ${p.metadata.name}`,
          };
        }),
      );
    });
}

/** What an AuthorizationPolicy of a contributor matches on, in a few words. */
function meshAdmission(policy: KubeObject): string {
  const rules = ((policy.spec as { rules?: { when?: { key: string; values?: string[] }[] }[] })
    ?.rules ?? []) as { when?: { key: string; values?: string[] }[] }[];
  const conditions = rules.flatMap((r) => r.when ?? []);
  const on = conditions.map((c) => {
    const header = /^request\.headers\[(.+)\]$/.exec(c.key);
    const claim = /^request\.auth\.claims\[(.+)\]$/.exec(c.key);
    return header ? `${header[1]} header` : claim ? `verified token claim ${claim[1]}` : c.key;
  });
  return `AuthorizationPolicy ${policy.metadata.name}: ${on.join(', ') || 'every request'}`;
}

/**
 * The namespace a peer names by `kubernetes.io/metadata.name` alone; `undefined` for a peer that
 * selects no other namespace (pods of its own, an IP block); `null` for one that selects by
 * other labels.
 */
function namedNamespace(peer: Peer): string | null | undefined {
  const sel = peer.namespaceSelector;
  if (!sel) return undefined;
  const labels = Object.entries(sel.matchLabels ?? {});
  const byName =
    labels.length === 1 &&
    labels[0][0] === 'kubernetes.io/metadata.name' &&
    (sel.matchExpressions ?? []).length === 0;
  return byName ? labels[0][1] : null;
}

function ingressPeers(policy: KubeObject): Peer[] {
  const spec = policy.spec as { ingress?: { from?: Peer[] }[] } | undefined;
  return (spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
}

function ingressPorts(policy: KubeObject): string[] {
  const spec = policy.spec as { ingress?: { ports?: { port?: unknown; protocol?: string }[] }[] };
  const ports = (spec.ingress ?? []).flatMap((rule) => rule.ports ?? []);
  return ports.length === 0
    ? ['every port']
    : ports.map((p) => `${String(p.port)}/${p.protocol ?? 'TCP'}`);
}

/** The report as Markdown, for `dist/access.md`. */
export function accessMarkdown(report: AccessReport): string {
  const lines = [
    `# Access in the "${report.environment}" environment`,
    '',
    'Read from the objects the install applies: the Profile, RoleBindings and AuthorizationPolicies',
    'in each tenant namespace, and the network allows of other namespaces that admit it. Egress is',
    'not restricted by the platform.',
    '',
  ];
  if (report.tenants.length === 0) lines.push('No tenants.', '');
  for (const t of report.tenants) {
    lines.push(
      `## ${t.tenant}`,
      '',
      '| subject | role | granted by | through the gateway |',
      '| --- | --- | --- | --- |',
    );
    for (const g of t.grants) {
      lines.push(
        `| ${g.subject.kind} \`${g.subject.name}\` | ${g.role} | ${g.via} | ${g.mesh ?? 'no'} |`,
      );
    }
    lines.push('', 'Its pods may reach:', '');
    if (t.reaches.length === 0) lines.push('- no platform service', '');
    for (const r of t.reaches) {
      lines.push(`- \`${r.namespace}\` (${r.ports.join(', ')}): ${r.description || r.policy}`);
    }
    lines.push('');
    if (t.services.length > 0) {
      lines.push(
        'Tracking and registry:',
        '',
        '| service | who | access | by |',
        '| --- | --- | --- | --- |',
        ...t.services.map((a) => `| ${a.service} | ${a.who} | ${a.access} | ${a.via} |`),
        '',
      );
    }
  }
  return lines.join('\n');
}

/**
 * What changes in access from `before` to `after`, one line each: `+` a grant, tenant or reach
 * gained, `-` one lost, sorted by tenant. Empty when access does not change.
 */
export function accessDiff(before: AccessReport, after: AccessReport): string[] {
  const grantKey = (t: string, g: AccessGrant): string =>
    `${t}: ${g.subject.kind} ${g.subject.name} has ${g.role}`;
  const reachKey = (t: string, r: AccessReach): string =>
    `${t}: pods may reach ${r.namespace} on ${r.ports.join(', ')}`;
  const facts = (report: AccessReport): Set<string> =>
    new Set(
      report.tenants.flatMap((t) => [
        `${t.tenant}: tenant exists`,
        ...t.grants.map((g) => grantKey(t.tenant, g)),
        ...t.reaches.map((r) => reachKey(t.tenant, r)),
        ...t.services.map((a) => `${t.tenant}: ${a.who} may ${a.access} in ${a.service}`),
      ]),
    );
  const a = facts(before);
  const b = facts(after);
  return [
    ...[...a].filter((f) => !b.has(f)).map((f) => `- ${f}`),
    ...[...b].filter((f) => !a.has(f)).map((f) => `+ ${f}`),
  ].sort((x, y) => byText(x.slice(2), y.slice(2)) || byText(x, y));
}
