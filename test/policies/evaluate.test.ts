import {
  ALL_PACKS,
  evaluate,
  KubeObject,
  platformPack,
  pssBaseline,
  pssRestricted,
  SUPPRESSIONS_ANNOTATION,
} from '../../policies';
import {
  annotate,
  container,
  cronJob,
  daemonSet,
  deployment,
  namespace,
  networkPolicy,
  podSpec,
} from './fixtures/builders';

const compliantSet: KubeObject[] = [
  namespace(),
  networkPolicy(),
  deployment(),
  cronJob(),
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reader', namespace: 'team-a' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  },
];

const cniAgent = (annotation?: string): KubeObject => {
  const ds = daemonSet(
    podSpec({ volumes: [{ name: 'cni-bin', hostPath: { path: '/opt/cni/bin' } }] }),
  );
  return annotation === undefined ? ds : annotate(ds, { [SUPPRESSIONS_ANNOTATION]: annotation });
};

describe('evaluate', () => {
  it('passes a compliant object set with every pack, in production', () => {
    const report = evaluate(compliantSet, { production: true });
    expect(report).toEqual({
      passed: true,
      errors: [],
      warnings: [],
      suppressed: [],
      suppressions: [],
      objectsChecked: 5,
      production: true,
      packs: ['pss-baseline', 'pss-restricted', 'platform'],
    });
  });

  it('applies every pack by default', () => {
    expect(evaluate([]).packs).toEqual(ALL_PACKS.map((p) => p.id));
  });

  it('reports a finding with identity, path, found, remediation and the full message', () => {
    const report = evaluate(
      [
        deployment(
          podSpec({ containers: [container('app', { securityContext: { privileged: true } })] }),
        ),
      ],
      { packs: [pssBaseline] },
    );
    expect(report.passed).toBe(false);
    expect(report.errors).toEqual([
      {
        ruleId: 'pss-baseline/privileged',
        level: 'error',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web' },
        path: 'spec.template.spec.containers[0].securityContext.privileged',
        problem: 'must be false or unset',
        found: 'true',
        remediation: 'Remove `securityContext.privileged` from the container or set it to false.',
        message:
          'Deployment team-a/web: `spec.template.spec.containers[0].securityContext.privileged` ' +
          'must be false or unset (got true). Remove `securityContext.privileged` from the ' +
          'container or set it to false.',
      },
    ]);
  });

  it('names cluster-scoped objects without a namespace', () => {
    const report = evaluate([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }], {
      packs: [platformPack],
    });
    expect(report.errors.map((f) => f.message)).toContain(
      "Namespace x: `metadata.labels['pod-security.kubernetes.io/enforce']` must be restricted, " +
        'baseline or privileged (got unset). Label the namespace ' +
        '`pod-security.kubernetes.io/enforce: restricted` (or `baseline`; `privileged` only for a ' +
        'namespace of node agents that need it).',
    );
  });

  it('keeps warnings apart from errors and passes with warnings only', () => {
    const report = evaluate(
      [
        deployment(
          podSpec({
            containers: [container('app', { resources: { limits: { cpu: undefined } } })],
          }),
        ),
      ],
      { packs: [platformPack] },
    );
    expect(report.passed).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((f) => [f.ruleId, f.level])).toEqual([
      ['platform/cpu-limit', 'warning'],
    ]);
  });

  describe('literal credentials', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'minio', namespace: 'team-a' },
      stringData: { accesskey: 'minio', secretkey: 'minio123' },
    };

    it('are warnings outside production', () => {
      const report = evaluate([secret], { packs: [platformPack] });
      expect(report.passed).toBe(true);
      expect(report.warnings.map((f) => f.path)).toEqual([
        'stringData.accesskey',
        'stringData.secretkey',
      ]);
    });

    it('are errors in production', () => {
      const report = evaluate([secret], { packs: [platformPack], production: true });
      expect(report.passed).toBe(false);
      expect(report.errors.map((f) => [f.ruleId, f.level])).toEqual([
        ['platform/literal-credentials', 'error'],
        ['platform/literal-credentials', 'error'],
      ]);
    });

    it('never print the value', () => {
      const report = evaluate([secret], { packs: [platformPack], production: true });
      expect(JSON.stringify(report)).not.toContain('minio123');
    });
  });

  describe('password hashes and credentials inside config files', () => {
    const HASH = '$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
    const dex: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dex', namespace: 'auth' },
      data: {
        'config.yaml': `staticPasswords:\n  - email: a@example.com\n    hash: "${HASH}"\nstorage:\n  config:\n    password: hunter2\n`,
      },
    };

    it('are warnings outside production and errors in production', () => {
      const dev = evaluate([dex], { packs: [platformPack] });
      expect(dev.passed).toBe(true);
      expect(dev.warnings.map((f) => [f.ruleId, f.problem, f.found])).toEqual([
        [
          'platform/literal-credentials',
          'holds a literal credential for password on line 6',
          'a literal value',
        ],
        ['platform/password-hashes', 'holds a password hash on line 3', 'a bcrypt hash'],
      ]);
      const prod = evaluate([dex], { packs: [platformPack], production: true });
      expect(prod.passed).toBe(false);
      expect(prod.errors.map((f) => [f.ruleId, f.level])).toEqual([
        ['platform/literal-credentials', 'error'],
        ['platform/password-hashes', 'error'],
      ]);
    });

    it('never print the hash or the password', () => {
      const report = JSON.stringify(evaluate([dex], { packs: [platformPack], production: true }));
      expect(report).not.toContain(HASH);
      expect(report).not.toContain('hunter2');
    });
  });

  describe('baseline and restricted together', () => {
    it('report a hostPath under both rules, so that each can be suppressed', () => {
      const report = evaluate([cniAgent()], { packs: [pssBaseline, pssRestricted] });
      expect(report.errors.map((f) => [f.ruleId, f.path])).toEqual([
        ['pss-baseline/host-path-volumes', 'spec.template.spec.volumes[0].hostPath'],
        ['pss-restricted/volume-types', 'spec.template.spec.volumes[0].hostPath'],
      ]);
    });

    it('apply a pack once even when listed twice', () => {
      const report = evaluate([cniAgent()], { packs: [pssBaseline, pssBaseline] });
      expect(report.errors).toHaveLength(1);
      expect(report.packs).toEqual(['pss-baseline']);
    });
  });

  describe('suppressions', () => {
    const reason = 'The Istio CNI node agent installs the CNI plugin into the host /opt/cni/bin.';
    const annotation = JSON.stringify([
      { rule: 'pss-baseline/host-path-volumes', reason },
      { rule: 'pss-restricted/volume-types', reason },
      { rule: 'platform/cpu-limit', reason: 'Not used by this object; listed anyway.' },
    ]);

    it('move findings to the suppressed list with their reason', () => {
      const report = evaluate([cniAgent(annotation)], { packs: [pssBaseline, pssRestricted] });
      expect(report.passed).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.suppressed.map((f) => [f.ruleId, f.level, f.reason])).toEqual([
        ['pss-baseline/host-path-volumes', 'error', reason],
        ['pss-restricted/volume-types', 'error', reason],
      ]);
    });

    it('are all listed, with how many findings each silenced', () => {
      const report = evaluate([cniAgent(annotation)], { packs: [pssBaseline, pssRestricted] });
      expect(report.suppressions).toEqual([
        expect.objectContaining({ rule: 'pss-baseline/host-path-volumes', reason, matched: 1 }),
        expect.objectContaining({ rule: 'pss-restricted/volume-types', reason, matched: 1 }),
        expect.objectContaining({ rule: 'platform/cpu-limit', matched: 0 }),
      ]);
      expect(report.suppressions[0]?.object).toEqual({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        namespace: 'team-a',
        name: 'agent',
      });
    });

    it('only silence the rule they name', () => {
      const report = evaluate(
        [cniAgent(JSON.stringify([{ rule: 'pss-baseline/host-path-volumes', reason }]))],
        { packs: [pssBaseline, pssRestricted] },
      );
      expect(report.errors.map((f) => f.ruleId)).toEqual(['pss-restricted/volume-types']);
    });

    it('without a reason are an error and silence nothing', () => {
      const report = evaluate(
        [cniAgent(JSON.stringify([{ rule: 'pss-baseline/host-path-volumes' }]))],
        { packs: [pssBaseline] },
      );
      expect(report.passed).toBe(false);
      expect(report.errors.map((f) => f.ruleId)).toEqual([
        'pss-baseline/host-path-volumes',
        'suppressions/reason-required',
      ]);
      expect(report.suppressions).toEqual([]);
    });

    it('naming an unknown rule are an error', () => {
      const report = evaluate(
        [cniAgent(JSON.stringify([{ rule: 'pss-baseline/hostpath', reason }]))],
        {
          packs: [pssBaseline],
        },
      );
      expect(report.errors.map((f) => f.message)).toContain(
        "DaemonSet team-a/agent: `metadata.annotations['policy.mlops-blueprint.dev/suppressions'][0].rule` " +
          'must name a suppressible rule (got "pss-baseline/hostpath"). Use a rule ID from ' +
          'policies/RULES.md, or remove the stale suppression.',
      );
    });

    it('may name a rule of a pack that is not applied', () => {
      const report = evaluate(
        [cniAgent(JSON.stringify([{ rule: 'platform/cpu-limit', reason: 'serving latency' }]))],
        { packs: [pssRestricted] },
      );
      expect(report.errors.map((f) => f.ruleId)).toEqual(['pss-restricted/volume-types']);
    });
  });

  describe('input it does not understand', () => {
    it('skips non-objects and tolerates malformed fields', () => {
      const junk = [
        null,
        42,
        { kind: 'Deployment', apiVersion: 'apps/v1', spec: 'not an object' },
        { kind: 'Pod', apiVersion: 'v1', spec: { containers: 'nope', volumes: [null, 3] } },
        { kind: 'Namespace' },
      ] as unknown as KubeObject[];
      const report = evaluate(junk);
      expect(report.objectsChecked).toBe(3);
      // Nothing to say about a pod without containers; a Namespace without a name still lacks labels.
      expect(report.errors.map((f) => [f.object.kind, f.object.name, f.ruleId])).toEqual([
        ['Namespace', '(unnamed)', 'platform/namespace-pod-security'],
      ]);
    });

    it('leaves custom resources that reuse a workload kind alone', () => {
      const volcanoJob = {
        apiVersion: 'batch.volcano.sh/v1alpha1',
        kind: 'Job',
        metadata: { name: 'train' },
        spec: {
          template: { spec: { hostNetwork: true, containers: [{ name: 'x', image: 'y' }] } },
        },
      };
      expect(evaluate([volcanoJob]).errors).toEqual([]);
    });
  });

  // How fast is `npm run bench`'s business (its 1,000-tenant scenario runs this gate); a timed
  // assertion here would only fail on a loaded machine.
  it('checks 10,000 objects of 1,000 tenants, each namespace against its own policy', () => {
    const objects: KubeObject[] = [];
    for (let t = 0; t < 1000; t++) {
      const ns = `tenant-${t}`;
      objects.push(namespace(ns), networkPolicy(ns));
      for (let i = 0; i < 8; i++) {
        const d = deployment() as { metadata: object };
        objects.push({ ...d, metadata: { name: `app-${i}`, namespace: ns } } as KubeObject);
      }
    }
    const report = evaluate(objects, { production: true });
    expect(report.objectsChecked).toBe(10000);
    expect(report.passed).toBe(true);
    // Drop one tenant's policy: exactly that namespace is reported, so every namespace was
    // matched against its own policy and not against any other tenant's.
    const without = evaluate(
      objects.filter(
        (o) => !(o.kind === 'NetworkPolicy' && o.metadata?.namespace === 'tenant-500'),
      ),
      { production: true },
    );
    expect(without.errors.map((f) => `${f.object.kind}/${f.object.name}`)).toEqual([
      'Namespace/tenant-500',
    ]);
  });
});
