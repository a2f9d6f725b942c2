import { Testing } from 'cdk8s';
import { CertManager } from '../../../constructs/cert-manager/cert-manager';
import { STARTUP_CHECK_NAME } from '../../../constructs/cert-manager/startup-check';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { findObject, testChart } from '../../helpers';

describe('CertManagerStartupCheck', () => {
  test('a Job that dry-runs a Certificate until the webhook admits it, allowed only to create certificates', () => {
    const { chart } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'cert-manager' });
    const cm = new CertManager(chart, 'CertManager', { namespace });
    expect(cm.startupCheck.jobName).toBe(STARTUP_CHECK_NAME);
    const objects = Testing.synth(chart);
    const job = findObject(objects, 'Job', 'cert-manager', STARTUP_CHECK_NAME);
    const script: string = job.spec.template.spec.containers[0].command[2];
    expect(script).toContain('kubectl create --dry-run=server');
    expect(script).toContain('kind: Certificate');
    expect(script).toMatch(/until .*; do/);
    expect(findObject(objects, 'Role', 'cert-manager', STARTUP_CHECK_NAME).rules).toEqual([
      { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['create'] },
    ]);
    expect(job.spec.template.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
  });
});
