import { asRecord, show } from '../../core/access';
import { defineRule } from '../../core/define';

export const clusterAdminBinding = defineRule({
  id: 'platform/cluster-admin-binding',
  level: 'error',
  kinds: ['ClusterRoleBinding', 'RoleBinding'],
  subject: 'object',
  title: 'Nothing is bound to cluster-admin',
  rationale:
    'cluster-admin is unrestricted superuser access to the whole cluster, every tenant ' +
    'included; a compromised subject bound to it compromises everything.',
  remediation:
    'Bind a role that lists only the permissions the subject needs (or an aggregated role ' +
    'such as kubeflow-admin scoped to a namespace).',
  check(obj) {
    const roleRef = asRecord(obj.roleRef);
    if (roleRef?.kind === 'ClusterRole' && roleRef.name === 'cluster-admin') {
      return [
        {
          path: 'roleRef.name',
          problem: 'must not be cluster-admin',
          found: show(roleRef.name),
        },
      ];
    }
    return [];
  },
});
