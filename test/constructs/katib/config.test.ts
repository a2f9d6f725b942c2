import { parse } from 'yaml';
import {
  KATIB_CONFIGURED_COLLECTOR_KINDS,
  KATIB_EARLY_STOPPING_ALGORITHMS,
  KATIB_SUGGESTION_ALGORITHMS,
} from '../../../constructs/katib/config';
import {
  CONFIG_COLLECTORS,
  CONFIG_DEFAULT_RESOURCES,
  CONFIG_EARLY_STOPPINGS,
  CONFIG_SUGGESTIONS,
  CONFIG_TRIAL_RESOURCES,
} from './facts';
import { Manifest, NS, buildController } from './helpers';

function configOf(props: Parameters<typeof buildController>[0] = {}): Manifest {
  const objects = buildController(props).objects();
  return parse(objects.find('ConfigMap', NS, 'katib-config').data['katib-config.yaml']) as Manifest;
}

describe('katib-config', () => {
  const doc = configOf();

  it("names upstream's images for every algorithm and collector, in upstream's order", () => {
    expect((doc.runtime.suggestions as Manifest[]).map((s) => [s.algorithmName, s.image])).toEqual(
      CONFIG_SUGGESTIONS,
    );
    expect(
      (doc.runtime.earlyStoppings as Manifest[]).map((s) => [s.algorithmName, s.image]),
    ).toEqual(CONFIG_EARLY_STOPPINGS);
    expect((doc.runtime.metricsCollectors as Manifest[]).map((c) => [c.kind, c.image])).toEqual(
      CONFIG_COLLECTORS,
    );
    expect(KATIB_SUGGESTION_ALGORITHMS).toEqual(CONFIG_SUGGESTIONS.map(([a]) => a));
    expect(KATIB_EARLY_STOPPING_ALGORITHMS).toEqual(['medianstop']);
    expect(KATIB_CONFIGURED_COLLECTOR_KINDS).toContain('TensorFlowEvent');
  });

  it("keeps Kubeflow's trial kinds and the controller's ports", () => {
    expect(doc.init.controller).toEqual({
      webhookPort: 8443,
      metricsAddr: ':8080',
      healthzAddr: ':18080',
      trialResources: CONFIG_TRIAL_RESOURCES,
      enableLeaderElection: false,
      injectSecurityContext: true,
      enableGRPCProbeInSuggestion: true,
    });
    expect(doc.init.certGenerator).toBeUndefined();
  });

  it("writes the controller's default resources out, with upstream's overrides", () => {
    const s = (name: string): Manifest =>
      (doc.runtime.suggestions as Manifest[]).find((x) => x.algorithmName === name) as Manifest;
    expect(s('random').resources).toEqual(CONFIG_DEFAULT_RESOURCES);
    expect(s('enas').resources.limits.memory).toBe('400Mi');
    const tf = (doc.runtime.metricsCollectors as Manifest[])[2];
    expect(tf.resources.limits.memory).toBe('1Gi');
    expect(s('pbt').persistentVolumeClaimSpec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '5Gi' } },
    });
  });

  it('runs suggestions restricted unless turned off', () => {
    for (const s of doc.runtime.suggestions as Manifest[]) {
      expect(s.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    const off = configOf({ config: { restrictedSuggestions: false } });
    expect((off.runtime.suggestions as Manifest[])[0].securityContext).toBeUndefined();
  });

  it('takes typed settings', () => {
    const custom = configOf({
      config: {
        controller: { trialResources: ['Job.v1.batch'], injectSecurityContext: false },
        suggestions: [
          {
            algorithmName: 'random',
            image: { registry: 'r.example.com', repository: 'katib/hyperopt', tag: 'v1' },
          },
        ],
        earlyStoppings: [],
      },
    });
    expect(custom.init.controller.trialResources).toEqual(['Job.v1.batch']);
    expect(custom.init.controller.injectSecurityContext).toBe(false);
    expect(custom.runtime.suggestions).toHaveLength(1);
    expect(custom.runtime.suggestions[0].image).toBe('r.example.com/katib/hyperopt:v1');
    expect(custom.runtime.earlyStoppings).toEqual([]);
  });
});
