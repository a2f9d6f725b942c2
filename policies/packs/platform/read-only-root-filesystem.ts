import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';

export const readOnlyRootFilesystem = containerRule({
  id: 'platform/read-only-root-filesystem',
  level: 'warning',
  title: 'Containers have a read-only root filesystem',
  rationale:
    'A read-only root filesystem stops an intruder from dropping tools or changing binaries ' +
    'in the container, and makes writable paths explicit emptyDir volumes.',
  remediation:
    'Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the ' +
    'process writes (/tmp, caches).',
  checkContainer(c) {
    const value = dig(c.container, 'securityContext', 'readOnlyRootFilesystem');
    if (value === true) {
      return [];
    }
    return [
      {
        path: fields(c.path, 'securityContext', 'readOnlyRootFilesystem'),
        problem: 'should be true',
        found: show(value),
      },
    ];
  },
});
