import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../../constructs/core/security';
import { toResourceRequirements } from '../../../constructs/core/resources';
import { selectorLabels, standardLabels } from '../../../constructs/core/labels';

describe('restricted security contexts', () => {
  test('container defaults pass Pod Security restricted', () => {
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a writable root filesystem and a fixed user are explicit opt-ins', () => {
    const ctx = restrictedContainerSecurityContext({
      readOnlyRootFilesystem: false,
      runAsUser: 1337,
    });
    expect(ctx.readOnlyRootFilesystem).toBe(false);
    expect(ctx.runAsUser).toBe(1337);
    expect(ctx.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('pod defaults run as uid/gid 1000 with RuntimeDefault seccomp', () => {
    expect(restrictedPodSecurityContext()).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('resources', () => {
  test('memory always has a limit; a CPU limit only when given', () => {
    const r = toResourceRequirements({
      cpu: { request: '100m' },
      memory: { request: '64Mi', limit: '128Mi' },
    });
    expect(r.requests?.cpu?.value).toBe('100m');
    expect(r.limits?.memory?.value).toBe('128Mi');
    expect(r.limits?.cpu).toBeUndefined();
  });
});

describe('labels', () => {
  test('selector labels leave out the version so selectors never change', () => {
    const opts = { name: 'minio', component: 'server', version: 'RELEASE.1' };
    expect(selectorLabels(opts)).toEqual({
      'app.kubernetes.io/name': 'minio',
      'app.kubernetes.io/instance': 'minio',
      'app.kubernetes.io/component': 'server',
    });
    expect(standardLabels(opts)).toMatchObject({
      'app.kubernetes.io/version': 'RELEASE.1',
      'app.kubernetes.io/part-of': 'mlops-platform',
      'app.kubernetes.io/managed-by': 'mlops-blueprint',
    });
  });
});
