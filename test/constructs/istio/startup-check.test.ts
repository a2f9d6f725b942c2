import { Chart, Testing } from 'cdk8s';
import {
  IstioStartupCheck,
  ISTIO_STARTUP_CHECK_NAME,
} from '../../../constructs/istio/startup-check';
import { Objects } from '../../helpers';

describe('IstioStartupCheck', () => {
  test('dry-runs an Istio resource until istiod admits it, allowed only to create PeerAuthentications', () => {
    const chart = new Chart(Testing.app(), 'Test');
    new IstioStartupCheck(chart, 'Check', { namespace: 'istio-system' });
    const o = new Objects(Testing.synth(chart));
    const job = o.find('Job', 'istio-system', ISTIO_STARTUP_CHECK_NAME);
    const script: string = job.spec.template.spec.containers[0].command[2];
    expect(script).toContain('kubectl create --dry-run=server');
    expect(script).toContain('kind: PeerAuthentication');
    expect(script).toMatch(/until .*; do/);
    expect(o.find('Role', 'istio-system', ISTIO_STARTUP_CHECK_NAME).rules).toEqual([
      { apiGroups: ['security.istio.io'], resources: ['peerauthentications'], verbs: ['create'] },
    ]);
  });
});
