import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExplainedRule, policyRules } from '../rbac';

/** A ServiceAccount and a ClusterRole with its ClusterRoleBinding to it, all named `name`. @internal */
export function clusterRoleFor(
  scope: Construct,
  props: {
    readonly name: string;
    readonly roleName?: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly rules: readonly ExplainedRule[];
  },
): k8s.KubeClusterRole {
  const roleName = props.roleName ?? props.name;
  const role = new k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: { name: roleName, labels: props.labels },
    rules: policyRules(props.rules),
  });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: roleName, labels: props.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
  });
  return role;
}

/** An HTTP GET probe on a numbered port, with upstream's timing. @internal */
export function httpProbe(
  path: string,
  port: number,
  initialDelaySeconds: number,
  periodSeconds: number,
): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromNumber(port), scheme: 'HTTP' },
    initialDelaySeconds,
    periodSeconds,
  };
}

/** The trust domain of a mesh principal `<trust domain>/ns/<ns>/sa/<sa>`. @internal */
export function trustDomainOf(principal: string): string {
  const at = principal.indexOf('/ns/');
  return at > 0 ? principal.slice(0, at) : 'cluster.local';
}
