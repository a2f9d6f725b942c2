import { asList, asRecord, field, item, show } from '../../core/access';
import { podRule } from '../../core/define';
import { RuleViolation } from '../../core/types';

/** Volume sources that only project data the pod is entitled to. */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

export const volumeTypes = podRule({
  id: 'pss-restricted/volume-types',
  level: 'error',
  title: 'Pods use only the restricted volume types',
  rationale:
    'In-tree volume plugins (hostPath, nfs, iscsi, ...) reach storage with node credentials ' +
    'and bypass the storage class and PersistentVolume controls.',
  remediation:
    'Use one of ' +
    [...RESTRICTED_VOLUME_TYPES].join(', ') +
    ' (a persistentVolumeClaim for network storage).',
  checkPod(pod) {
    const violations: RuleViolation[] = [];
    const volumesPath = field(pod.specPath, 'volumes');
    asList(pod.spec.volumes).forEach((value, index) => {
      const volume = asRecord(value) ?? {};
      for (const [type, source] of Object.entries(volume)) {
        if (type !== 'name' && source !== null && !RESTRICTED_VOLUME_TYPES.has(type)) {
          violations.push({
            path: field(item(volumesPath, index), type),
            problem: 'is not an allowed volume type',
            found: show(type),
          });
        }
      }
    });
    return violations;
  },
});
