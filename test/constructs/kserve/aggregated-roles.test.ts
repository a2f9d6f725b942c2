import { Chart, Testing } from 'cdk8s';
import {
  KSERVE_KUBEFLOW_ROLE_NAMES,
  KSERVE_KUBEFLOW_ROLE_RULES,
  KServeKubeflowRoles,
} from '../../../constructs/kserve/aggregated-roles';
import { KubeflowRoles } from '../../../constructs/kubeflow-dashboard/kubeflow-roles';
import { Manifest, Objects } from '../../helpers';

/**
 * Upstream facts: kserve/kserve v0.18.0 `config/overlays/kubeflow/cluster-role.yaml`, the same
 * three roles as in `install/v0.18.0/kserve_kubeflow.yaml`, which Kubeflow 26.03.1
 * (community-distribution f09f3eea, `applications/kserve/kserve/kustomization.yaml`) installs.
 * Written out by hand; upstream's misspelled `lllminferenceserviceconfigs` is listed apart.
 */
const AGG = 'rbac.authorization.kubeflow.org/aggregate-to-';
const UPSTREAM = {
  kserveResources: [
    'inferencegraphs',
    'inferenceservices',
    'servingruntimes',
    'trainedmodels',
    'llminferenceservices',
  ],
  /** In upstream's lists; no API group has such a resource, so it grants nothing. */
  misspelled: 'lllminferenceserviceconfigs',
  knativeResources: [
    'services',
    'services/status',
    'routes',
    'routes/status',
    'configurations',
    'configurations/status',
    'revisions',
    'revisions/status',
  ],
  editVerbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'patch', 'update'],
  viewKServeVerbs: ['get', 'list', 'watch'],
  viewKnativeVerbs: ['get', 'list'],
  labels: {
    'kubeflow-kserve-admin': [`${AGG}kubeflow-admin`],
    'kubeflow-kserve-edit': [`${AGG}kubeflow-edit`, `${AGG}kubeflow-kserve-admin`],
    'kubeflow-kserve-view': [`${AGG}kubeflow-view`],
  } as Record<string, string[]>,
};

function synth(build: (chart: Chart) => void): Objects {
  const chart = new Chart(Testing.app(), 'Test');
  build(chart);
  return new Objects(Testing.synth(chart) as Manifest[]);
}

const objects = synth((chart) => new KServeKubeflowRoles(chart, 'Roles'));
const role = (name: string) => objects.find('ClusterRole', undefined, name);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * The rules the API server's aggregation controller gives each ClusterRole with an
 * `aggregationRule` (matchLabels only), followed to a fixed point as it converges.
 */
function aggregate(all: readonly Manifest[]): Map<string, Rule[]> {
  const roles = all.filter((o) => o.kind === 'ClusterRole');
  const rules = new Map<string, Rule[]>(
    roles.map((r) => [r.metadata.name as string, [...((r.rules ?? []) as Rule[])]]),
  );
  for (let changed = true; changed;) {
    changed = false;
    for (const r of roles.filter((x) => x.aggregationRule)) {
      const selectors = r.aggregationRule.clusterRoleSelectors as {
        matchLabels: Record<string, string>;
      }[];
      const members = roles.filter(
        (m) =>
          m !== r &&
          selectors.some((s) =>
            Object.entries(s.matchLabels).every(([k, v]) => m.metadata.labels?.[k] === v),
          ),
      );
      const next = members.flatMap((m) => rules.get(m.metadata.name as string) ?? []);
      const key = (x: Rule[]) =>
        JSON.stringify([...new Set(x.map((y) => JSON.stringify(y)))].sort());
      if (key(next) !== key(rules.get(r.metadata.name as string) ?? [])) {
        rules.set(r.metadata.name as string, next);
        changed = true;
      }
    }
  }
  return rules;
}

/** Whether one of `rules` allows `verb` on `group`/`resource`. */
function allows(rules: readonly Rule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
  );
}

describe("KServe's Kubeflow roles (config/overlays/kubeflow/cluster-role.yaml)", () => {
  test('exactly three ClusterRoles, named as upstream', () => {
    expect(objects.all.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ClusterRole/kubeflow-kserve-admin',
      'ClusterRole/kubeflow-kserve-edit',
      'ClusterRole/kubeflow-kserve-view',
    ]);
    expect(Object.values(KSERVE_KUBEFLOW_ROLE_NAMES)).toEqual(Object.keys(UPSTREAM.labels));
  });

  test.each(Object.entries(UPSTREAM.labels))(
    '%s carries the aggregation labels %j and no others',
    (name, labels) => {
      const keys = Object.keys(role(name).metadata.labels as Record<string, string>);
      expect(keys.filter((k) => k.startsWith(AGG)).sort()).toEqual([...labels].sort());
      for (const label of labels) expect(role(name).metadata.labels[label]).toBe('true');
      expect(role(name).metadata.labels['app.kubernetes.io/name']).toBe('kserve');
      expect(role(name).metadata.labels['app.kubernetes.io/component']).toBe('rbac');
    },
  );

  test('kubeflow-kserve-admin has no rules of its own and aggregates kubeflow-kserve-admin members', () => {
    const admin = role('kubeflow-kserve-admin');
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { [`${AGG}kubeflow-kserve-admin`]: 'true' } }],
    });
    expect(admin.rules).toEqual([]);
    expect(role('kubeflow-kserve-edit').aggregationRule).toBeUndefined();
    expect(role('kubeflow-kserve-view').aggregationRule).toBeUndefined();
  });

  test('kubeflow-kserve-edit: every write verb on the KServe kinds and the Knative objects', () => {
    expect(role('kubeflow-kserve-edit').rules).toEqual([
      {
        apiGroups: ['serving.kserve.io'],
        resources: UPSTREAM.kserveResources,
        verbs: UPSTREAM.editVerbs,
      },
      {
        apiGroups: ['serving.knative.dev'],
        resources: UPSTREAM.knativeResources,
        verbs: UPSTREAM.editVerbs,
      },
    ]);
  });

  test('kubeflow-kserve-view: read the KServe kinds, get and list (no watch) the Knative objects', () => {
    expect(role('kubeflow-kserve-view').rules).toEqual([
      {
        apiGroups: ['serving.kserve.io'],
        resources: UPSTREAM.kserveResources,
        verbs: UPSTREAM.viewKServeVerbs,
      },
      {
        apiGroups: ['serving.knative.dev'],
        resources: UPSTREAM.knativeResources,
        verbs: UPSTREAM.viewKnativeVerbs,
      },
    ]);
  });

  test("upstream's misspelled resource is left out; no subresource but status is granted", () => {
    const resources = objects
      .ofKind('ClusterRole')
      .flatMap((r) => (r.rules as Rule[]).flatMap((x) => x.resources));
    expect(resources).not.toContain(UPSTREAM.misspelled);
    expect(resources).not.toContain('llminferenceserviceconfigs');
    expect(resources.filter((r) => r.includes('/') && !r.endsWith('/status'))).toEqual([]);
  });

  test('the exported rules and names are what the roles carry', () => {
    expect(role('kubeflow-kserve-edit').rules).toEqual(KSERVE_KUBEFLOW_ROLE_RULES.edit);
    expect(role('kubeflow-kserve-view').rules).toEqual(KSERVE_KUBEFLOW_ROLE_RULES.view);
    const c = new KServeKubeflowRoles(new Chart(Testing.app(), 'X'), 'Roles', {});
    expect(c.edit.name).toBe('kubeflow-kserve-edit');
    expect(c.roleNames.admin).toBe('kubeflow-kserve-admin');
    expect(KSERVE_KUBEFLOW_ROLE_RULES.edit[0].resources).toHaveLength(5);
  });

  test('deterministic: the same objects with no props and with {}', () => {
    const again = synth((chart) => new KServeKubeflowRoles(chart, 'Roles', {}));
    expect(again.all).toEqual(objects.all);
  });
});

describe("aggregated into Kubeflow's roles (with the dashboard's KubeflowRoles)", () => {
  const both = synth((chart) => {
    new KubeflowRoles(chart, 'KubeflowRoles');
    new KServeKubeflowRoles(chart, 'KServeRoles');
  });
  const effective = aggregate(both.all);
  const get = (name: string) => effective.get(name) ?? [];

  test.each(['kubeflow-admin', 'kubeflow-edit', 'kubeflow-kserve-admin'])(
    '%s may create, patch and delete InferenceServices and InferenceGraphs',
    (name) => {
      for (const resource of ['inferenceservices', 'inferencegraphs', 'servingruntimes']) {
        for (const verb of ['create', 'get', 'list', 'watch', 'patch', 'delete'])
          expect(allows(get(name), 'serving.kserve.io', resource, verb)).toBe(true);
      }
      expect(allows(get(name), 'serving.kserve.io', 'trainedmodels', 'create')).toBe(true);
    },
  );

  test('kubeflow-view may read InferenceServices and their Knative revisions but change nothing', () => {
    const view = get('kubeflow-view');
    for (const verb of ['get', 'list', 'watch'])
      expect(allows(view, 'serving.kserve.io', 'inferenceservices', verb)).toBe(true);
    expect(allows(view, 'serving.knative.dev', 'revisions', 'get')).toBe(true);
    const kserveRules = view.filter(
      (r) =>
        r.apiGroups.includes('serving.kserve.io') || r.apiGroups.includes('serving.knative.dev'),
    );
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection'])
      expect(kserveRules.some((r) => r.verbs.includes(verb))).toBe(false);
  });

  test('no Kubeflow role gets cluster-scoped KServe kinds', () => {
    for (const name of ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view']) {
      const resources = get(name)
        .filter((r) => r.apiGroups.includes('serving.kserve.io'))
        .flatMap((r) => r.resources);
      expect(resources).not.toContain('clusterservingruntimes');
      expect(resources).not.toContain('clusterstoragecontainers');
    }
  });
});
