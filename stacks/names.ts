import { AnyComponent } from '../constructs/core/component';
import { BUILT_IN_COMPONENTS } from './components';

export { TENANT_LABEL } from '../constructs/tenant/tenant';

/**
 * Namespaces of components the next releases add; reserved now so that no tenant takes a name a
 * later upgrade needs.
 */
const PLANNED_NAMESPACES = ['kubeflow', 'knative-serving', 'kserve'] as const;

/** Namespaces the platform, its components and Kubernetes own; no tenant may take one. */
export function reservedNamespaces(
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): string[] {
  return [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...PLANNED_NAMESPACES,
    ...components.flatMap((c) => c.namespaces ?? []),
  ];
}
