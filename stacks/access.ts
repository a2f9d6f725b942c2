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

export interface TenantAccess {
  readonly tenant: string;
  readonly grants: readonly AccessGrant[];
  readonly reaches: readonly AccessReach[];
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
  const policiesFor = (tenant: string): KubeObject[] => {
    const named = naming.get(tenant);
    return named ? [...new Set([...selecting, ...named])] : selecting;
  };
  return {
    environment: rendered.environment,
    tenants: tenants
      .map((ns) => ({
        tenant: ns.metadata.name,
        grants: grantsIn(
          byNamespace.get(ns.metadata.name) ?? [],
          profiles.get(ns.metadata.name),
          ns.metadata.name,
        ),
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
      }))
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
      ]),
    );
  const a = facts(before);
  const b = facts(after);
  return [
    ...[...a].filter((f) => !b.has(f)).map((f) => `- ${f}`),
    ...[...b].filter((f) => !a.has(f)).map((f) => `+ ${f}`),
  ].sort((x, y) => byText(x.slice(2), y.slice(2)) || byText(x, y));
}
