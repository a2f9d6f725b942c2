import {
  evaluate,
  formatJson,
  formatSarif,
  formatText,
  KubeObject,
  platformPack,
  pssBaseline,
  SUPPRESSIONS_ANNOTATION,
} from '../../policies';
import { annotate, container, daemonSet, deployment, podSpec } from './fixtures/builders';

const web = deployment(
  podSpec({
    containers: [
      container('app', {
        image: 'busybox',
        securityContext: { privileged: true },
        resources: { limits: { cpu: undefined } },
      }),
    ],
  }),
);
const agent = annotate(
  daemonSet(podSpec({ volumes: [{ name: 'cni-bin', hostPath: { path: '/opt/cni/bin' } }] })),
  {
    [SUPPRESSIONS_ANNOTATION]: JSON.stringify([
      { rule: 'pss-baseline/host-path-volumes', reason: 'Installs the CNI plugin on the host.' },
    ]),
  },
);
const files = new Map<KubeObject, { file: string; line: number }>([
  [web, { file: 'dist\\06-platform.k8s.yaml', line: 12 }],
  [agent, { file: 'dist/03-infra.k8s.yaml', line: 1 }],
]);
const report = evaluate([agent, web], {
  packs: [pssBaseline, platformPack],
  locate: (obj) => files.get(obj),
});

describe('formatText', () => {
  it('groups findings by object, errors first, and lists every suppression', () => {
    expect(formatText(report)).toBe(
      [
        'Policy gate FAILED: 2 errors, 1 warning, 1 suppressed (2 objects, packs: pss-baseline, platform).',
        '',
        'Deployment team-a/web  (dist\\06-platform.k8s.yaml:12)',
        '  error      pss-baseline/privileged',
        '             `spec.template.spec.containers[0].securityContext.privileged` must be false or unset (got true).',
        '             Fix: Remove `securityContext.privileged` from the container or set it to false.',
        '  error      platform/image-pinned',
        '             `spec.template.spec.containers[0].image` must have a tag or digest (got "busybox").',
        "             Fix: Pin the image to a release tag or digest, taken from the component's versions.ts (`registry.example.com/app:1.4.2` or `registry.example.com/app@sha256:...`).",
        '  warning    platform/cpu-limit',
        '             `spec.template.spec.containers[0].resources.limits.cpu` should be set (got unset).',
        '             Fix: Set `resources.limits.cpu` on the container, or suppress with the reason.',
        '',
        'DaemonSet team-a/agent  (dist/03-infra.k8s.yaml:1)',
        '  suppressed pss-baseline/host-path-volumes: Installs the CNI plugin on the host.',
        '             `spec.template.spec.volumes[0].hostPath` must be unset (got {"path":"/opt/cni/bin"}).',
        '',
        'Suppressions: 1 suppression with a reason each, silencing 1 finding:',
        '  DaemonSet team-a/agent: pss-baseline/host-path-volumes (1 finding): Installs the CNI plugin on the host.',
        '',
      ].join('\n'),
    );
  });

  it('says passed, and mentions production', () => {
    const text = formatText(evaluate([], { production: true }));
    expect(text).toBe(
      'Policy gate passed: 0 errors, 0 warnings, 0 suppressed (0 objects, packs: pss-baseline, pss-restricted, platform; production rules).\n',
    );
  });
});

describe('formatJson', () => {
  it('puts the verdict and counts first and keeps the three lists apart', () => {
    const json = JSON.parse(formatJson(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'passed',
      'summary',
      'errors',
      'warnings',
      'suppressed',
      'suppressions',
    ]);
    expect(json.passed).toBe(false);
    expect(json.summary).toEqual({
      errors: 2,
      warnings: 1,
      suppressed: 1,
      objectsChecked: 2,
      production: false,
      packs: ['pss-baseline', 'platform'],
    });
    expect(json.errors).toEqual(JSON.parse(JSON.stringify(report.errors)));
    expect(json.suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'pss-baseline/host-path-volumes',
        reason: 'Installs the CNI plugin on the host.',
      }),
    ]);
  });
});

describe('formatSarif', () => {
  const sarif = JSON.parse(formatSarif(report)) as {
    version: string;
    runs: {
      tool: { driver: { name: string; rules: { id: string; defaultConfiguration: object }[] } };
      results: Record<string, unknown>[];
    }[];
  };
  const run = sarif.runs[0];

  it('is a SARIF 2.1.0 log with one descriptor per reported rule', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual([
      'pss-baseline/privileged',
      'platform/image-pinned',
      'platform/cpu-limit',
      'pss-baseline/host-path-volumes',
    ]);
    expect(run?.tool.driver.rules[2]?.defaultConfiguration).toEqual({ level: 'warning' });
  });

  it('points results at the file, line and object', () => {
    expect(run?.results[0]).toEqual({
      ruleId: 'pss-baseline/privileged',
      ruleIndex: 0,
      level: 'error',
      message: { text: report.errors[0]?.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'dist/06-platform.k8s.yaml' },
            region: { startLine: 12 },
          },
          logicalLocations: [
            {
              name: 'Deployment team-a/web',
              fullyQualifiedName: 'Deployment/team-a/web',
              kind: 'object',
            },
          ],
        },
      ],
      properties: {
        path: 'spec.template.spec.containers[0].securityContext.privileged',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web' },
      },
    });
  });

  it('keeps suppressed findings, marked as suppressed in source with the reason', () => {
    expect(run?.results[3]).toEqual(
      expect.objectContaining({
        ruleId: 'pss-baseline/host-path-volumes',
        suppressions: [{ kind: 'inSource', justification: 'Installs the CNI plugin on the host.' }],
      }),
    );
  });
});
