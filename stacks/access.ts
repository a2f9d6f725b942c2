import { TENANT_LABEL } from '../constructs/tenant/tenant';
import { KubeObject, RenderedPlatform } from './render';

/** One grant inside a tenant: a subject and the role it has there. */
export interface AccessGrant {
  readonly subject: { readonly kind: string; readonly name: string };
  /** The role as bound: the ClusterRole or Role name (admin, edit, view, kubeflow-edit, ...). */
  readonly role: string;
  /** The binding that grants it, `RoleBinding <name>`. */
  readonly via: string;
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
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  return {
    environment: rendered.environment,
    tenants: tenants
      .map((ns) => ({
        tenant: ns.metadata.name,
        grants: grantsIn(objects, ns.metadata.name),
        reaches: policies
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

function grantsIn(objects: readonly KubeObject[], namespace: string): AccessGrant[] {
  return objects
    .filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === namespace)
    .flatMap((b) => {
      const role = (b.roleRef as { name: string }).name;
      const subjects = (b.subjects ?? []) as { kind: string; name: string }[];
      return subjects.map((s) => ({
        subject: { kind: s.kind, name: s.name },
        role,
        via: `RoleBinding ${b.metadata.name}`,
      }));
    })
    .sort((a, b) =>
      byText(
        `${a.subject.kind}/${a.subject.name}/${a.role}`,
        `${b.subject.kind}/${b.subject.name}/${b.role}`,
      ),
    );
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
    'Read from the objects the install applies: RoleBindings in each tenant namespace, and the',
    'network allows of other namespaces that admit it. Egress is not restricted by the platform.',
    '',
  ];
  if (report.tenants.length === 0) lines.push('No tenants.', '');
  for (const t of report.tenants) {
    lines.push(`## ${t.tenant}`, '', '| subject | role | granted by |', '| --- | --- | --- |');
    for (const g of t.grants) {
      lines.push(`| ${g.subject.kind} \`${g.subject.name}\` | ${g.role} | ${g.via} |`);
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
