import { podRule } from '../../core/define';
import { checkContextField } from '../../core/security-context';

/** SELinux types a container may request; container_engine_t is accepted from Kubernetes v1.31. */
const ALLOWED_TYPES: ReadonlySet<unknown> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

export const seLinux = podRule({
  id: 'pss-baseline/selinux',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'SELinux options do not escape the container domain',
  rationale:
    'A custom SELinux user, role or a type outside the container types lifts the mandatory ' +
    'access control that keeps a container away from host files and processes.',
  remediation:
    'Leave `seLinuxOptions.user` and `seLinuxOptions.role` unset, and set `seLinuxOptions.type` ' +
    'only to container_t, container_init_t, container_kvm_t or container_engine_t.',
  checkPod: (pod) => [
    ...checkContextField(
      pod,
      ['seLinuxOptions', 'type'],
      (value) => ALLOWED_TYPES.has(value),
      'must be container_t, container_init_t, container_kvm_t, container_engine_t or unset',
    ),
    ...checkContextField(
      pod,
      ['seLinuxOptions', 'user'],
      (value) => value === '',
      'must be empty or unset',
    ),
    ...checkContextField(
      pod,
      ['seLinuxOptions', 'role'],
      (value) => value === '',
      'must be empty or unset',
    ),
  ],
});
