import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DASHBOARD_CLUSTER_RULES,
  DASHBOARD_NAMESPACE_RULES,
  KFAM_RULES,
  PROFILE_CONTROLLER_LEADER_ELECTION_RULES,
  PROFILE_CONTROLLER_RULES,
  ruleTable,
} from '../../../constructs/kubeflow-dashboard';
import { REPO_ROOT } from '../../helpers';
import {
  DASHBOARD_CLUSTER_RULE_FACTS,
  DASHBOARD_ROLE_FACTS,
  KFAM_RULE_FACTS,
  LEADER_ELECTION_RULE_FACTS,
  PROFILE_CONTROLLER_RULE_FACTS,
  RuleFact,
} from './rbac-facts';
import { Manifest, NS, build } from './helpers';

const objects = build().objects();
const asFacts = (rules: Manifest[]): RuleFact[] =>
  rules.map(
    (r) =>
      [
        r.apiGroups,
        r.resources,
        r.verbs,
        ...(r.resourceNames ? [r.resourceNames] : []),
      ] as RuleFact,
  );

/** The ClusterRole bound to `serviceAccount` and its rules. */
function clusterRulesOf(serviceAccount: string): Manifest[] {
  const bindings = objects
    .ofKind('ClusterRoleBinding')
    .filter((b) =>
      (b.subjects as Manifest[]).some(
        (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === NS,
      ),
    );
  expect(bindings).toHaveLength(1);
  return objects.find('ClusterRole', undefined, bindings[0].roleRef.name).rules;
}

describe('RBAC of kubeflow/dashboard v2.0.0, rule by rule', () => {
  test('nothing is bound to cluster-admin, admin or edit (upstream binds the controller to cluster-admin)', () => {
    for (const b of [...objects.ofKind('ClusterRoleBinding'), ...objects.ofKind('RoleBinding')]) {
      expect(['cluster-admin', 'admin', 'edit']).not.toContain(b.roleRef.name);
    }
  });

  test('profile controller ClusterRole: exactly what its code calls', () => {
    expect(asFacts(clusterRulesOf('profiles-controller-service-account'))).toEqual(
      PROFILE_CONTROLLER_RULE_FACTS,
    );
  });

  test('profile controller leader election: a Role in its namespace only', () => {
    const binding = objects.find('RoleBinding', NS, 'profiles-leader-election-role');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'profiles-controller-service-account', namespace: NS },
    ]);
    expect(asFacts(objects.find('Role', NS, binding.roleRef.name).rules)).toEqual(
      LEADER_ELECTION_RULE_FACTS,
    );
  });

  test('KFAM ClusterRole: exactly what its code calls, under its own account', () => {
    expect(asFacts(clusterRulesOf('profiles-kfam'))).toEqual(KFAM_RULE_FACTS);
    expect(
      objects.find('Deployment', NS, 'profiles-kfam').spec.template.spec.serviceAccountName,
    ).toBe('profiles-kfam');
  });

  test('dashboard: upstream ClusterRole and Role', () => {
    expect(asFacts(clusterRulesOf('dashboard'))).toEqual(DASHBOARD_CLUSTER_RULE_FACTS);
    expect(asFacts(objects.find('Role', NS, 'dashboard').rules)).toEqual(DASHBOARD_ROLE_FACTS);
  });

  test('bind only on the Kubeflow roles, no escalate, no wildcard anywhere', () => {
    const all = [...objects.ofKind('ClusterRole'), ...objects.ofKind('Role')].flatMap(
      (r) => (r.rules ?? []) as Manifest[],
    );
    for (const rule of all) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.verbs).not.toContain('escalate');
      expect(rule.verbs).not.toContain('impersonate');
      if ((rule.verbs as string[]).includes('bind')) {
        expect(rule).toEqual({
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['clusterroles'],
          verbs: ['bind'],
          resourceNames: ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view'],
        });
      }
    }
  });

  test('every rule has a reason, and the README documents each table as the code states it', () => {
    const readme = fs.readFileSync(
      path.join(REPO_ROOT, 'constructs/kubeflow-dashboard/README.md'),
      'utf8',
    );
    for (const rules of [
      PROFILE_CONTROLLER_RULES,
      PROFILE_CONTROLLER_LEADER_ELECTION_RULES,
      KFAM_RULES,
      DASHBOARD_CLUSTER_RULES,
      DASHBOARD_NAMESPACE_RULES,
    ]) {
      for (const r of rules) expect(r.reason.length).toBeGreaterThan(20);
      expect(readme).toContain(ruleTable(rules));
    }
  });
});
