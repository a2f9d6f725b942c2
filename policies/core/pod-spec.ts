import { asList, asRecord, asString, dig, field, item, JsonRecord } from './access';
import { KubeObject } from './types';

/**
 * Where each workload kind keeps its pod template. Pod Security Admission checks the same kinds;
 * we key by kind and API group so that a CRD that happens to be called `Job` is left alone.
 */
const POD_SPEC_PATHS: Readonly<Record<string, { groups: readonly string[]; path: string[] }>> = {
  Pod: { groups: [''], path: [] },
  Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], path: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  Job: { groups: ['batch'], path: ['spec', 'template'] },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template'] },
  // Not in the list, but Pod Security Admission checks them too.
  ReplicationController: { groups: [''], path: ['spec', 'template'] },
  PodTemplate: { groups: [''], path: ['template'] },
};

/** Every kind that carries a pod template. */
export const POD_TEMPLATE_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Where each kind keeps its pod spec, e.g. `spec.jobTemplate.spec.template.spec` for CronJob. */
export const POD_SPEC_LOCATIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(POD_SPEC_PATHS).map(([kind, { path }]) => [kind, [...path, 'spec'].join('.')]),
);

/** The three container lists; every container rule walks all of them. */
export const CONTAINER_GROUPS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
export type ContainerGroup = (typeof CONTAINER_GROUPS)[number];

export interface ContainerView {
  readonly container: JsonRecord;
  readonly group: ContainerGroup;
  readonly index: number;
  readonly name: string;
  /** Path of the container, e.g. `spec.template.spec.initContainers[0]`. */
  readonly path: string;
}

export interface PodView {
  /** The pod spec. */
  readonly spec: JsonRecord;
  /** Path of the pod spec: `spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`. */
  readonly specPath: string;
  /** The pod (template) metadata. */
  readonly metadata: JsonRecord;
  readonly metadataPath: string;
  /** `spec.os.name: windows` exempts a pod from the Linux-only restricted controls. */
  readonly windows: boolean;
  readonly containers: readonly ContainerView[];
}

function apiGroup(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) {
    return undefined;
  }
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The pod spec of a workload with its paths, or undefined for other objects. */
export function podOf(obj: KubeObject): PodView | undefined {
  const entry = obj.kind === undefined ? undefined : POD_SPEC_PATHS[obj.kind];
  if (entry === undefined) {
    return undefined;
  }
  const group = apiGroup(obj.apiVersion);
  // A missing apiVersion is tolerated (hand-written fixtures); a foreign group is not.
  if (group !== undefined && !entry.groups.includes(group)) {
    return undefined;
  }
  const templatePath = entry.path.join('.');
  const template = entry.path.length === 0 ? obj : dig(obj, ...entry.path);
  const spec = asRecord(dig(template, 'spec'));
  if (spec === undefined) {
    return undefined;
  }
  const specPath = field(templatePath, 'spec');
  const containers: ContainerView[] = [];
  for (const group of CONTAINER_GROUPS) {
    asList(spec[group]).forEach((value, index) => {
      const container = asRecord(value);
      if (container !== undefined) {
        containers.push({
          container,
          group,
          index,
          name: asString(container.name) ?? `#${index}`,
          path: item(field(specPath, group), index),
        });
      }
    });
  }
  return {
    spec,
    specPath,
    metadata: asRecord(dig(template, 'metadata')) ?? {},
    metadataPath: field(templatePath, 'metadata'),
    windows: dig(spec, 'os', 'name') === 'windows',
    containers,
  };
}
