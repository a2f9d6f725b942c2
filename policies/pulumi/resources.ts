import { KubeObject } from '../core/types';

/** The parts of a Pulumi resource (validateResource args or a stack resource) we read. */
export interface PulumiResourceLike {
  readonly type: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly name?: string;
}

/** `kubernetes:apps/v1:Deployment` -> group `apps`, version `v1`, kind `Deployment`. */
const KUBERNETES_TYPE = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/;

/**
 * The plain Kubernetes object behind a Pulumi Kubernetes resource, or undefined for anything
 * else. Component resources (`kubernetes:yaml/v2:ConfigGroup`, `kubernetes:helm.sh/v4:Chart`)
 * and Helm releases hold no object of their own; their children are checked one by one. Server-
 * side patch resources (`...Patch`) hold partial objects and would be judged unfairly.
 */
export function kubeObjectOf(resource: PulumiResourceLike): KubeObject | undefined {
  const match = KUBERNETES_TYPE.exec(resource.type);
  if (match === null) {
    return undefined;
  }
  const [, group = '', version = '', kind = ''] = match;
  if (
    kind.endsWith('Patch') ||
    kind.endsWith('List') ||
    (group === 'helm.sh' && kind === 'Release')
  ) {
    return undefined;
  }
  const props = resource.props;
  // Components carry chart values, file lists and the like, never a `spec`/`data` object body.
  if (group === 'yaml' || (group === 'helm.sh' && kind === 'Chart') || group === 'kustomize') {
    return undefined;
  }
  const apiVersion =
    typeof props.apiVersion === 'string'
      ? props.apiVersion
      : group === 'core'
        ? version
        : `${group}/${version}`;
  const metadata =
    typeof props.metadata === 'object' && props.metadata !== null
      ? (props.metadata as Record<string, unknown>)
      : {};
  // Pulumi auto-names objects without metadata.name; fall back to the resource name meanwhile.
  const name = typeof metadata.name === 'string' ? metadata.name : resource.name;
  return {
    ...props,
    apiVersion,
    kind: typeof props.kind === 'string' ? props.kind : kind,
    metadata: name === undefined ? metadata : { ...metadata, name },
  };
}
