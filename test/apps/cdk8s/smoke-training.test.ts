import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  SMOKE_TRAINING_SETTLE_SECONDS,
  smokeTrainingExperiment,
  smokeTrainingImage,
  smokeTrainingObjective,
  smokeTrainingScript,
  smokeTrainingTrialCommand,
} from '../../../apps/cdk8s/smoke-training';
import { LAYERS } from '../../../constructs/core/layers';
import { KATIB_METRICS_COLLECTOR_INJECTION_LABEL } from '../../../constructs/katib/names';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';

// smoke-training.sh, generated from a hand-made RenderedPlatform with the few objects the
// generator reads, then run with bash against a stand-in kubectl: what it checks first, the
// Experiment it applies, how it waits, what it reports and how it cleans up. The trial's command
// itself runs in sh, wrapped as Katib's pod webhook wraps it.

const TENANT = 'team-demo';
const COLLECTOR = 'ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0';

const obj = (
  kind: string,
  namespace: string | undefined,
  name: string,
  fields: Record<string, unknown> = {},
  apiVersion = 'v1',
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...fields,
});

const CONTROLLER = obj('Deployment', 'kubeflow', 'katib-controller', {}, 'apps/v1');
const TENANT_NAMESPACE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: TENANT,
    labels: { 'katib.kubeflow.org/metrics-collector-injection': 'enabled' },
  },
};
const OTHER_NAMESPACE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team-other', labels: { 'istio-injection': 'enabled' } },
};

function platform(
  objects: readonly KubeObject[],
  images: readonly string[] = [COLLECTOR],
): RenderedPlatform {
  return {
    environment: 'dev',
    production: false,
    layers: [{ info: LAYERS[0], objects }],
    images,
    requiredNamespaces: [],
    requiredSecrets: [],
    requiredCrds: [],
    requiredMeshProviders: [],
    readiness: [],
    overrides: [],
    versions: [],
    upgrades: [],
  };
}

const KATIB = platform([CONTROLLER, TENANT_NAMESPACE, OTHER_NAMESPACE]);

/** Katib's `DefaultFilter` for `name=value` lines (`pkg/metricscollector/v1beta1/common/const.go`). */
const KATIB_DEFAULT_FILTER = /([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)/g;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// --- Stand-in ---

/**
 * A stand-in kubectl: records each call; saves what `apply -f -` reads; answers the namespace
 * reads ($NAMESPACE_EXISTS, $INJECTION), `wait` by $EXP_STATE (Succeeded at once; otherwise it
 * times out after a second, or fails with $WAIT_ERROR), and the Experiment's status reads
 * ($RESULT for the best trial).
 */
const FAKE_KUBECTL = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_DIR/kubectl.log"
case "$*" in
  *"get namespace"*jsonpath*) printf '%s' "$INJECTION" ;;
  *"get namespace"*) [ "$NAMESPACE_EXISTS" = 1 ] || exit 1 ;;
  *"wait --for=condition=Succeeded"*)
    [ "$EXP_STATE" = Succeeded ] && exit 0
    if [ -n "$WAIT_ERROR" ]; then echo "$WAIT_ERROR" >&2; exit 1; fi
    /bin/sleep 1
    echo "error: timed out waiting for the condition on experiments/smoke-training" >&2
    exit 1 ;;
  *"get experiment/smoke-training"*'type=="Failed"'*)
    if [ "$EXP_STATE" = Failed ]; then
      printf 'True|["smoke-training-7x2kq4wb"]|ExperimentMaxFailedTrialsReached: Experiment has failed because max failed count has reached'
    else
      printf '||: '
    fi ;;
  *"get experiment/smoke-training"*trialsPending*)
    printf 'trials 2, running 0, pending 2, succeeded 0; Created: ExperimentCreated Experiment is created; Running: ExperimentRunning Experiment is running; ' ;;
  *"get experiment/smoke-training"*currentOptimalTrial*) printf '%s' "$RESULT" ;;
  *"apply"*"-f -"*)
    n=$(($(cat "$FAKE_DIR/apply.count" 2>/dev/null || echo 0) + 1))
    echo $n > "$FAKE_DIR/apply.count"
    cat > "$FAKE_DIR/applied-$n" ;;
esac
exit 0
`;

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly kubectl: string[];
  readonly applied: Json[];
}

function run(
  script: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Result {
  if (script === undefined) throw new Error('no script');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-training-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'smoke-training.sh'), script, { mode: 0o755 });
    const r = spawnSync('bash', [path.join(dir, 'smoke-training.sh'), ...args], {
      encoding: 'utf8',
      timeout: 30000,
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        FAKE_DIR: dir,
        KUBECTL: `${path.join(bin, 'kubectl')} --context prod`,
        NAMESPACE_EXISTS: '1',
        INJECTION: 'enabled',
        EXP_STATE: 'Succeeded',
        WAIT_ERROR: '',
        RESULT: '2|smoke-training-bq5dz8wl|2.5|-0.250000|',
        ...env,
      },
    });
    const read = (f: string): string =>
      fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '';
    const applied: Json[] = [];
    for (let n = 1; fs.existsSync(path.join(dir, `applied-${n}`)); n++)
      applied.push(JSON.parse(read(`applied-${n}`)) as Json);
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      kubectl: read('kubectl.log')
        .split('\n')
        .filter(Boolean)
        .map((c) => c.replace(/^--context prod /, '')),
      applied,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the trial's command for a value of x as the pod would: Katib fills in
 * `${trialParameters.x}`, its webhook appends the redirect into the collector's file and the
 * completion marker to the `sh -c` argument (`wrapWorkerContainer`, `pkg/webhook/v1beta1/pod/utils.go`
 * at v0.19.0), and Kubernetes turns `$$` into `$`. Returns the metrics file and the marker.
 */
function runTrial(x: string): {
  status: number | null;
  metrics: string;
  marker: string;
  stderr: string;
} {
  const experiment = smokeTrainingExperiment({ tenant: TENANT, image: COLLECTOR }) as Json;
  const container = experiment.spec.trialTemplate.trialSpec.spec.template.spec.containers[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-trial-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\necho "sleep $*" >&2\n', { mode: 0o755 });
    const filled = (container.args[0] as string).replace(/\$\{trialParameters\.x\}/g, x);
    const wrapped = [filled, `1>${dir}/metrics.log 2>&1`, '&&', `echo completed > ${dir}/$$.pid`];
    const r = spawnSync(container.command[0], [container.command[1], wrapped.join(' ')], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    });
    const markers = fs.readdirSync(dir).filter((f) => f.endsWith('.pid'));
    return {
      status: r.status,
      stderr: r.stderr,
      metrics: fs.readFileSync(path.join(dir, 'metrics.log'), 'utf8'),
      marker: markers.length === 1 ? fs.readFileSync(path.join(dir, markers[0]), 'utf8') : '',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('smokeTrainingScript', () => {
  test('there is no smoke test without the Katib controller', () => {
    expect(smokeTrainingScript(platform([TENANT_NAMESPACE]))).toBe(undefined);
    expect(
      smokeTrainingScript(platform([obj('Deployment', 'kubeflow', 'katib-ui', {}, 'apps/v1')])),
    ).toBe(undefined);
    expect(smokeTrainingScript(KATIB)).toMatch(/^#!\/usr\/bin\/env bash\n/);
  });

  test('bash -n accepts the script; strict mode; kubectl only; header within 100 columns', () => {
    const script = smokeTrainingScript(KATIB) ?? '';
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(script).toContain('set -euo pipefail');
    expect(script).not.toMatch(/\bcurl\b|\bjq\b/);
    expect(script.split('\n').filter((l) => l.startsWith('#') && l.length > 100)).toEqual([]);
    expect(script).toContain("# Tenants with Katib's metrics collector: team-demo.\n");
    expect(smokeTrainingScript(platform([CONTROLLER]))).not.toContain('# Tenants');
  });

  test('the trial image is the StdOut collector as rendered (mirror included), else pinned, or given', () => {
    const mirrored = 'registry.example.com/kubeflow/katib/file-metrics-collector:v0.19.0';
    expect(smokeTrainingImage(KATIB)).toBe(COLLECTOR);
    expect(smokeTrainingImage(platform([CONTROLLER], ['quay.io/minio/mc:x', mirrored]))).toBe(
      mirrored,
    );
    expect(smokeTrainingImage(platform([CONTROLLER], []))).toBe(COLLECTOR);
    const r = run(smokeTrainingScript(platform([CONTROLLER], [mirrored])), [TENANT]);
    expect(r.applied[0].spec.trialTemplate.trialSpec.spec.template.spec.containers[0].image).toBe(
      mirrored,
    );
    const given = 'registry.example.com/library/busybox:1.36';
    expect(smokeTrainingScript(KATIB, { image: given })).toContain(`"image": "${given}"`);
    expect(() => smokeTrainingScript(KATIB, { image: 'busybox; rm -rf /' })).toThrow(
      '`image` is not an image reference (got "busybox; rm -rf /"). Use registry/repository:tag, such as ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0.',
    );
  });
});

describe('the Experiment', () => {
  const experiment = smokeTrainingExperiment({ tenant: TENANT, image: COLLECTOR }) as Json;

  test('random search over x in [0, 6], two trials at once, no failure allowed, maximize score', () => {
    expect(experiment.apiVersion).toBe('kubeflow.org/v1beta1');
    expect(experiment.kind).toBe('Experiment');
    expect(experiment.metadata).toEqual({
      name: 'smoke-training',
      namespace: TENANT,
      labels: {
        'app.kubernetes.io/name': 'smoke-training',
        'app.kubernetes.io/part-of': 'mlops-platform',
      },
    });
    const { trialTemplate, ...spec } = experiment.spec;
    expect(spec).toEqual({
      objective: { type: 'maximize', objectiveMetricName: 'score' },
      algorithm: { algorithmName: 'random' },
      parallelTrialCount: 2,
      maxTrialCount: 2,
      maxFailedTrialCount: 0,
      metricsCollectorSpec: { collector: { kind: 'StdOut' } },
      parameters: [{ name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '6' } }],
    });
    expect(Object.keys(trialTemplate).sort()).toEqual([
      'primaryContainerName',
      'trialParameters',
      'trialSpec',
    ]);
  });

  test('the trial template: a batch Job, its parameter referenced, out of the mesh, restricted', () => {
    const template = experiment.spec.trialTemplate;
    expect(template.primaryContainerName).toBe('objective');
    expect(template.trialParameters).toEqual([
      { name: 'x', description: 'Where the objective -(x - 3)^2 is evaluated', reference: 'x' },
    ]);
    // Every trial parameter references a search parameter and is used in the trial spec.
    const names = experiment.spec.parameters.map((p: Json) => p.name);
    for (const p of template.trialParameters) {
      expect(names).toContain(p.reference);
      expect(JSON.stringify(template.trialSpec)).toContain(`\${trialParameters.${p.name}}`);
    }
    const job = template.trialSpec;
    expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(300);
    expect(job.spec.template.metadata).toEqual({
      labels: {
        'app.kubernetes.io/name': 'smoke-training',
        'app.kubernetes.io/part-of': 'mlops-platform',
        'sidecar.istio.io/inject': 'false',
      },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.name).toBe(template.primaryContainerName);
    expect(container.image).toBe(COLLECTOR);
    // Katib keeps a `sh -c` command as it is and appends its redirect to the argument.
    expect(container.command).toEqual(['sh', '-c']);
    expect(container.args).toEqual([
      'sleep 15; awk -v x=${trialParameters.x} \'BEGIN { printf "score=%.6f\\n", 0 - (x - 3) * (x - 3) }\'',
    ]);
    expect(container.args).toEqual([smokeTrainingTrialCommand()]);
    // Kubernetes would expand $(...) and $$ in args; Katib's own ${trialParameters.x} is the only $.
    expect(container.args[0].replace('${trialParameters.x}', '')).not.toContain('$');
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '100m', memory: '64Mi' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the objective, run as the wrapped trial: score = -(x - 3)^2 in the form the collector parses', () => {
    const expected = (x: number) => 0 - (x - 3) * (x - 3);
    for (const [x, score] of [
      ['3', 0],
      ['0', -9],
      ['6', -9],
      ['4.5', -2.25],
      ['1.234567', expected(1.234567)],
    ] as const) {
      const trial = runTrial(x);
      expect([x, trial.status, trial.marker]).toEqual([x, 0, 'completed\n']);
      const found = [...trial.metrics.matchAll(KATIB_DEFAULT_FILTER)].map((m) => [m[1], m[2]]);
      expect(found).toHaveLength(1);
      expect(found[0][0]).toBe('score');
      expect(Number(found[0][1])).toBeCloseTo(score, 6);
      expect(Number(found[0][1])).toBeCloseTo(expected(Number(x)), 6);
    }
    // Only the last command's output goes to the collector's file: the score is printed last.
    const atOptimum = runTrial('3');
    expect([atOptimum.metrics, atOptimum.stderr]).toEqual(['score=0.000000\n', 'sleep 15\n']);
    expect(SMOKE_TRAINING_SETTLE_SECONDS).toBe(15);
    expect(smokeTrainingObjective()).toBe(
      'BEGIN { printf "score=%.6f\\n", 0 - (x - 3) * (x - 3) }',
    );
  });

  test('the objective in node: its maximum is 0 at x = 3 and -9 at the ends of the space', () => {
    // The awk expression read as JavaScript, to check its value where it matters.
    const expression = /printf "score=%\.6f\\n", (.*) \}$/.exec(smokeTrainingObjective())?.[1];
    expect(expression).toBe('0 - (x - 3) * (x - 3)');
    const f = new Function('x', `return ${expression ?? ''};`) as (x: number) => number;
    expect([f(3), f(0), f(6), f(2)]).toEqual([0, -9, -9, -1]);
  });
});

describe('smoke-training.sh against a stand-in kubectl', () => {
  test('checks the tenant, applies the Experiment, waits, reports the best trial, cleans up', () => {
    const r = run(smokeTrainingScript(KATIB), [TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.applied).toEqual([smokeTrainingExperiment({ tenant: TENANT, image: COLLECTOR })]);
    expect(r.kubectl).toEqual([
      `get namespace ${TENANT}`,
      `get namespace ${TENANT} -o jsonpath={.metadata.labels.katib\\.kubeflow\\.org/metrics-collector-injection}`,
      `-n ${TENANT} delete experiment smoke-training --ignore-not-found --wait=true`,
      'apply --server-side --field-manager=mlops-blueprint -f -',
      `-n ${TENANT} wait --for=condition=Succeeded experiment/smoke-training --timeout=10s`,
      `-n ${TENANT} get experiment/smoke-training -o jsonpath={.status.trialsSucceeded}|{.status.currentOptimalTrial.bestTrialName}|{.status.currentOptimalTrial.parameterAssignments[?(@.name=="x")].value}|{.status.currentOptimalTrial.observation.metrics[?(@.name=="score")].latest}|{.status.metricsUnavailableTrialList}`,
      `-n ${TENANT} delete experiment smoke-training --ignore-not-found --wait=true`,
    ]);
    expect(r.stdout).toBe(
      [
        '==> Experiment team-demo/smoke-training: random search, 2 trials, maximize score = -(x - 3)^2 for x in [0, 6]',
        '==> waiting up to 600s for the Experiment to succeed',
        '    Best trial: smoke-training-bq5dz8wl with x = 2.5, score = -0.250000',
        'Hyperparameter tuning works in team-demo: 2 trials succeeded, the best at x = 2.5 with score = -0.250000.',
        'Deleted Experiment team-demo/smoke-training (its trials, their Jobs and its suggestion go with it).',
        '',
      ].join('\n'),
    );
  });

  test('a failed Experiment stops the wait at once with its reason and failed trials, and is deleted', () => {
    const r = run(smokeTrainingScript(KATIB), [TENANT], { EXP_STATE: 'Failed' });
    expect([r.status, r.stderr]).toEqual([
      1,
      'smoke-training: Experiment team-demo/smoke-training failed: ExperimentMaxFailedTrialsReached: Experiment has failed because max failed count has reached. Failed trials: ["smoke-training-7x2kq4wb"]; a trial\'s collector log: kubectl -n team-demo logs -l katib.kubeflow.org/trial=<trial> -c metrics-logger-and-collector (--keep keeps them).\n',
    ]);
    expect(r.kubectl.filter((c) => c.includes(' wait '))).toHaveLength(1);
    expect(r.kubectl[r.kubectl.length - 1]).toBe(
      `-n ${TENANT} delete experiment smoke-training --ignore-not-found --wait=true`,
    );
  });

  test('an Experiment still running at the timeout fails with its state', () => {
    const r = run(smokeTrainingScript(KATIB), ['--timeout', '1s', TENANT], {
      EXP_STATE: 'Running',
    });
    expect([r.status, r.stderr]).toEqual([
      1,
      "smoke-training: Experiment team-demo/smoke-training did not succeed within 1s (trials 2, running 0, pending 2, succeeded 0; Created: ExperimentCreated Experiment is created; Running: ExperimentRunning Experiment is running; ). See kubectl -n team-demo describe experiment/smoke-training and the suggestion's pod: kubectl -n team-demo get pods -l katib.kubeflow.org/experiment=smoke-training (--keep keeps them).\n",
    ]);
    expect(r.kubectl).toContain(
      `-n ${TENANT} wait --for=condition=Succeeded experiment/smoke-training --timeout=1s`,
    );
    expect(r.stdout).toContain('Deleted Experiment team-demo/smoke-training');
  });

  test('an error other than a timeout is tried again until the deadline', () => {
    const r = run(smokeTrainingScript(KATIB), ['--timeout=1s', TENANT], {
      EXP_STATE: 'Running',
      WAIT_ERROR: 'Error from server (Forbidden): experiments.kubeflow.org is forbidden',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^smoke-training: Experiment team-demo\/smoke-training did not succeed within 1s/,
    );
  });

  test('fewer than two successful trials, or metrics the objective cannot give, fail', () => {
    const one = run(smokeTrainingScript(KATIB), [TENANT], {
      RESULT: '1|smoke-training-bq5dz8wl|2.5|-0.250000|["smoke-training-k8r2m5qz"]',
    });
    expect([one.status, one.stderr]).toEqual([
      1,
      'smoke-training: 1 of 2 trials succeeded; without metrics: ["smoke-training-k8r2m5qz"] (does the collector reach the Katib DB manager?).\n',
    ]);
    const none = run(smokeTrainingScript(KATIB), [TENANT], { RESULT: '||||' });
    expect(none.stderr).toBe('smoke-training: 0 of 2 trials succeeded.\n');
    expect(none.stdout).toContain('    Best trial: none with x = ?, score = ?\n');
    const noBest = run(smokeTrainingScript(KATIB), [TENANT], { RESULT: '2||||' });
    expect(noBest.stderr).toBe(
      "smoke-training: The Experiment succeeded but has no best trial with x and score: Katib did not record the trials' metrics.\n",
    );
    const wrong = run(smokeTrainingScript(KATIB), [TENANT], {
      RESULT: '2|smoke-training-bq5dz8wl|2.5|-1.000000|',
    });
    expect(wrong.stderr).toBe(
      "smoke-training: The best trial's score -1.000000 is not -(x - 3)^2 for x = 2.5 in [0, 6].\n",
    );
    const outside = run(smokeTrainingScript(KATIB), [TENANT], {
      RESULT: '2|smoke-training-bq5dz8wl|7|-16.000000|',
    });
    expect(outside.status).toBe(1);
    const best = run(smokeTrainingScript(KATIB), [TENANT], {
      RESULT: '2|smoke-training-bq5dz8wl|3.0001234|-0.000000|',
    });
    expect([best.status, best.stderr]).toEqual([0, '']);
  });

  test('without the metrics collector label nothing is applied, and the script says why', () => {
    const r = run(smokeTrainingScript(KATIB), [TENANT], { INJECTION: '' });
    expect([r.status, r.stderr, r.applied]).toEqual([
      1,
      'smoke-training: Namespace team-demo does not carry the label katib.kubeflow.org/metrics-collector-injection=enabled: Katib adds its metrics collector to trial pods only in labelled namespaces, so no trial would report score. The platform labels its training tenants; is team-demo one?\n',
      [],
    ]);
    expect(r.kubectl.some((c) => c.includes('delete'))).toBe(false);
    const disabled = run(smokeTrainingScript(KATIB), [TENANT], { INJECTION: 'disabled' });
    expect(disabled.stderr).toContain("=enabled (it is 'disabled'): Katib adds");
    expect(KATIB_METRICS_COLLECTOR_INJECTION_LABEL).toEqual({
      'katib.kubeflow.org/metrics-collector-injection': 'enabled',
    });
  });

  test('a namespace that does not exist stops the script before anything is applied', () => {
    const r = run(smokeTrainingScript(KATIB), [TENANT], { NAMESPACE_EXISTS: '0' });
    expect([r.status, r.stderr, r.applied, r.stdout]).toEqual([
      1,
      'smoke-training: Namespace team-demo does not exist (or kubectl cannot read it). Give a tenant of this environment.\n',
      [],
      '',
    ]);
  });

  test('--keep leaves the Experiment; a re-run starts from a new one', () => {
    const r = run(smokeTrainingScript(KATIB), ['--keep', TENANT]);
    expect(r.status).toBe(0);
    expect(r.kubectl.filter((c) => c.includes(' delete '))).toEqual([
      `-n ${TENANT} delete experiment smoke-training --ignore-not-found --wait=true`,
    ]);
    expect(
      r.kubectl.indexOf(
        `-n ${TENANT} delete experiment smoke-training --ignore-not-found --wait=true`,
      ),
    ).toBeLessThan(r.kubectl.indexOf('apply --server-side --field-manager=mlops-blueprint -f -'));
    expect(r.stdout).toContain(
      'Kept (--keep): Experiment team-demo/smoke-training with its trials; run without --keep to remove them.\n',
    );
  });

  test('usage errors exit 2 before kubectl runs', () => {
    for (const args of [
      [],
      ['a', 'b'],
      ['--verbose', TENANT],
      ['Team_A'],
      ['--timeout', 'ten', TENANT],
      ['--timeout', '0s', TENANT],
      ['--timeout'],
    ]) {
      const r = run(smokeTrainingScript(KATIB), args);
      expect([args, r.status, r.kubectl]).toEqual([args, 2, []]);
    }
  });
});
