import { asRecord, field } from '../../core/access';
import { ContainerView, podOf } from '../../core/pod-spec';
import { KubeObject } from '../../core/types';
import { SUPPRESSIONS_ANNOTATION } from '../../suppressions';

/** One annotation of an object or of its pod template, with its field path. */
export interface AnnotationEntry {
  readonly path: string;
  readonly key: string;
  readonly value: unknown;
}

function entries(annotations: unknown, metadataPath: string): AnnotationEntry[] {
  const path = field(metadataPath, 'annotations');
  return Object.entries(asRecord(annotations) ?? {})
    .filter(([key]) => key !== SUPPRESSIONS_ANNOTATION)
    .map(([key, value]) => ({ path: field(path, key), key, value }));
}

/**
 * The annotations the credential rules read: the object's own and those of its pod template
 * (which every pod inherits). The suppressions annotation is the gate's own and is left out.
 */
export function annotationsOf(obj: KubeObject): AnnotationEntry[] {
  const own = entries(obj.metadata?.annotations, 'metadata');
  const pod = podOf(obj);
  if (pod === undefined || pod.metadataPath === 'metadata') {
    return own;
  }
  return [...own, ...entries(pod.metadata.annotations, pod.metadataPath)];
}

/** Every container, init container and ephemeral container of a workload; none otherwise. */
export function containersOf(obj: KubeObject): readonly ContainerView[] {
  return podOf(obj)?.containers ?? [];
}
