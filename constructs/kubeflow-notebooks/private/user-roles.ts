import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { UserRole } from '../rbac';

const aggregateLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/** The ClusterRoles of `roles`, with their aggregation labels and rules. @internal */
export function userRoles(
  scope: Construct,
  roles: readonly UserRole[],
  labels: Record<string, string>,
): void {
  for (const role of roles) {
    new k8s.KubeClusterRole(scope, role.name, {
      metadata: {
        name: role.name,
        labels: {
          ...labels,
          ...Object.fromEntries(role.aggregateTo.map((r) => [aggregateLabel(r), 'true'])),
        },
      },
      ...(role.aggregateFrom
        ? {
            aggregationRule: {
              clusterRoleSelectors: [
                { matchLabels: { [aggregateLabel(role.aggregateFrom)]: 'true' } },
              ],
            },
          }
        : {}),
      rules: role.rules.map((r) => ({ ...r })),
    });
  }
}
