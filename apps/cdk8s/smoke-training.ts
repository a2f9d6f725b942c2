import { imageReference } from '../../constructs/core/images';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../constructs/core/security';
import {
  KATIB_METRICS_COLLECTOR_INJECTION_LABEL,
  KATIB_NAMES,
  KATIB_RUNTIME_LABELS,
} from '../../constructs/katib/names';
import { KATIB_CONFIG_IMAGES } from '../../constructs/katib/versions';
import { RenderedPlatform } from '../../stacks/render';

/** The Experiment's name (and its label on every object of the check). */
export const SMOKE_TRAINING = 'smoke-training';
/** The objective: the metric the trial prints and Katib maximizes. */
export const SMOKE_TRAINING_METRIC = 'score';
/** The one hyperparameter and its search space: a double in [0, 6]. */
export const SMOKE_TRAINING_PARAMETER = { name: 'x', min: 0, max: 6 } as const;
/** Where the objective -(x - 3)^2 has its maximum, 0. */
export const SMOKE_TRAINING_OPTIMUM = 3;
/** Two trials, both at once; the first failed trial fails the Experiment. */
export const SMOKE_TRAINING_TRIALS = { max: 2, parallel: 2, maxFailed: 0 } as const;
/** The trial's container, `trialTemplate.primaryContainerName`. */
export const SMOKE_TRAINING_CONTAINER = 'objective';
/**
 * How long the trial waits before it prints its score. The StdOut collector looks for the
 * trial's main process once, when it starts, and fails the pod when that process has already
 * exited (`GetMainProcesses`, `pkg/metricscollector/v1beta1/common/pns.go` at v0.19.0): an
 * objective that returns at once would race it.
 */
export const SMOKE_TRAINING_SETTLE_SECONDS = 15;
/**
 * The name Katib gives the injected StdOut/File collector container
 * (`MetricLoggerCollectorContainerName`, `pkg/metricscollector/v1beta1/common/const.go` at v0.19.0).
 */
export const KATIB_COLLECTOR_CONTAINER = 'metrics-logger-and-collector';
/**
 * The trial image: the StdOut metrics collector that `katib-config` names
 * (`KATIB_CONFIG_IMAGES.fileMetricsCollector`), Alpine 3.15 with the collector binary
 * (`cmd/metricscollector/v1beta1/file-metricscollector/Dockerfile` at v0.19.0), so `sh`, `sleep`
 * and `awk` are there. Every trial pod of this check pulls it anyway for its injected collector,
 * and it is in the bill of materials whenever Katib is, also for a mirrored registry.
 */
const COLLECTOR_IMAGE = KATIB_CONFIG_IMAGES.fileMetricsCollector;

/**
 * The objective as one awk program: score = -(x - 3)^2 printed as `score=<value>`, the
 * `name=value` form that Katib's StdOut collector parses (`DefaultFilter`,
 * `pkg/metricscollector/v1beta1/common/const.go` at v0.19.0). `0 - ...` so that x = 3 gives 0, not -0.
 * No `$` in it: Kubernetes expands `$(...)` and `$$` in container args.
 */
export function smokeTrainingObjective(): string {
  const c = SMOKE_TRAINING_OPTIMUM;
  return `BEGIN { printf "${SMOKE_TRAINING_METRIC}=%.6f\\n", 0 - (x - ${c}) * (x - ${c}) }`;
}

/**
 * The trial's shell command (the one argument of `sh -c`), `${trialParameters.x}` in it for
 * Katib to fill in. Katib's webhook keeps a `sh -c` command and appends the redirect of stdout
 * into the collector's file to the end of the argument (`wrapWorkerContainer`,
 * `pkg/webhook/v1beta1/pod/utils.go` at v0.19.0), so the score is printed by the last command.
 */
export function smokeTrainingTrialCommand(): string {
  const { name } = SMOKE_TRAINING_PARAMETER;
  return `sleep ${SMOKE_TRAINING_SETTLE_SECONDS}; awk -v x=\${trialParameters.${name}} '${smokeTrainingObjective()}'`;
}

const LABELS = {
  'app.kubernetes.io/name': SMOKE_TRAINING,
  'app.kubernetes.io/part-of': 'mlops-platform',
};

/**
 * Keeps the trial pod out of the mesh: the annotation is what Kubeflow's Katib examples set
 * (`examples/v1beta1/kubeflow-pipelines/*.ipynb` at v0.19.0), the label is the form current Istio
 * reads first (its injection webhook's object selector). In a meshed pod the collector, which
 * shares the pod's process namespace and by default waits for every container's processes
 * (`WaitMainProcesses`, `waitAllProcesses` true), would wait for the proxy, which never exits.
 */
const OUT_OF_MESH = { 'sidecar.istio.io/inject': 'false' };

/** Requests and limits of the trial container: one awk call. */
const TRIAL_RESOURCES = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

export interface SmokeTrainingExperimentProps {
  readonly tenant: string;
  /** The trial image (with `sh`, `sleep` and `awk`). */
  readonly image: string;
}

/**
 * The Experiment `smoke-training`: random search over x in [0, 6], two trials at once, maximize
 * `score`, no failed trial allowed. Each trial is a batch Job whose pod prints its score to stdout
 * for the StdOut collector; the pod stays out of the mesh (`sidecar.istio.io/inject: "false"`) and runs
 * with the restricted security context, without a service account token (neither the trial nor
 * the collector calls the Kubernetes API). The Job's success and failure conditions and
 * `resumePolicy` are Katib's defaults for a batch Job (`experiment_defaults.go` at v0.19.0).
 * @see https://github.com/kubeflow/katib/blob/v0.19.0/pkg/apis/controller/experiments/v1beta1/experiment_types.go
 */
export function smokeTrainingExperiment(p: SmokeTrainingExperimentProps): Record<string, unknown> {
  const { name, min, max } = SMOKE_TRAINING_PARAMETER;
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: SMOKE_TRAINING, namespace: p.tenant, labels: LABELS },
    spec: {
      objective: { type: 'maximize', objectiveMetricName: SMOKE_TRAINING_METRIC },
      algorithm: { algorithmName: 'random' },
      parallelTrialCount: SMOKE_TRAINING_TRIALS.parallel,
      maxTrialCount: SMOKE_TRAINING_TRIALS.max,
      maxFailedTrialCount: SMOKE_TRAINING_TRIALS.maxFailed,
      metricsCollectorSpec: { collector: { kind: 'StdOut' } },
      parameters: [
        {
          name,
          parameterType: 'double',
          feasibleSpace: { min: String(min), max: String(max) },
        },
      ],
      trialTemplate: {
        primaryContainerName: SMOKE_TRAINING_CONTAINER,
        trialParameters: [
          { name, description: 'Where the objective -(x - 3)^2 is evaluated', reference: name },
        ],
        trialSpec: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 300,
            template: {
              metadata: {
                labels: { ...LABELS, ...OUT_OF_MESH },
                annotations: OUT_OF_MESH,
              },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: restrictedPodSecurityContext(),
                containers: [
                  {
                    name: SMOKE_TRAINING_CONTAINER,
                    image: p.image,
                    command: ['sh', '-c'],
                    args: [smokeTrainingTrialCommand()],
                    resources: TRIAL_RESOURCES,
                    securityContext: restrictedContainerSecurityContext(),
                  },
                ],
              },
            },
          },
        },
      },
    },
  };
}

/** The collector image as rendered (mirror included), else the pinned reference. */
export function smokeTrainingImage(rendered: RenderedPlatform): string {
  const { repository, tag } = COLLECTOR_IMAGE;
  return (
    rendered.images.find((i) => i.includes(`/${repository}:${tag}`)) ??
    imageReference(COLLECTOR_IMAGE)
  );
}

export interface SmokeTrainingOptions {
  /**
   * The trial image; it needs `sh`, `sleep` and `awk` and must run as a non-root user.
   * @default - the StdOut metrics collector image of `katib-config`, as rendered
   */
  readonly image?: string;
}

/** A manifest as the script embeds it. */
const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Replaced with the tenant when the script runs (the tenant is checked to be a DNS label first). */
const TENANT_PLACEHOLDER = '@TENANT@';

/**
 * `smoke-training.sh`: an opt-in check, run by an operator after install, that hyperparameter
 * tuning works for a tenant end to end: Katib admits an Experiment, its random suggestion service
 * proposes values, two trial Jobs run with the injected metrics collector, the collector reports
 * their scores to the DB manager and the Experiment succeeds with a best trial whose score is the
 * objective at its x. `undefined` when the platform has no Katib controller.
 */
export function smokeTrainingScript(
  rendered: RenderedPlatform,
  opts: SmokeTrainingOptions = {},
): string | undefined {
  if (opts.image !== undefined && !/^[A-Za-z0-9][A-Za-z0-9./:@_-]*$/.test(opts.image)) {
    throw new Error(
      `\`image\` is not an image reference (got "${opts.image}"). Use registry/repository:tag, such as ${imageReference(COLLECTOR_IMAGE)}.`,
    );
  }
  const objects = rendered.layers.flatMap((l) => l.objects);
  if (!objects.some((o) => o.kind === 'Deployment' && o.metadata.name === KATIB_NAMES.deployment)) {
    return undefined;
  }
  const [label, labelValue] = Object.entries(KATIB_METRICS_COLLECTOR_INJECTION_LABEL)[0];
  const tenants = objects
    .filter((o) => o.kind === 'Namespace' && o.metadata.labels?.[label] === labelValue)
    .map((o) => o.metadata.name);
  const T = TENANT_PLACEHOLDER;
  const image = opts.image ?? smokeTrainingImage(rendered);
  const experiment = json(smokeTrainingExperiment({ tenant: T, image }));
  const { name: param, min, max } = SMOKE_TRAINING_PARAMETER;
  const metric = SMOKE_TRAINING_METRIC;
  const c = SMOKE_TRAINING_OPTIMUM;
  const trials = SMOKE_TRAINING_TRIALS.max;
  const labelPath = label.replace(/\./g, '\\.');

  return `#!/usr/bin/env bash
# Smoke test of hyperparameter tuning (Katib) in the environment "${rendered.environment}":
# 1. applies the Experiment ${SMOKE_TRAINING} in the tenant: random search for ${param} in [${min}, ${max}],
#    ${trials} trials at once, maximizing ${metric} = -(${param} - ${c})^2, which each trial (a batch Job)
#    prints to stdout for Katib's StdOut metrics collector;
# 2. waits until the Experiment has succeeded, prints the best trial and checks that
#    ${trials} trials succeeded and that the best ${metric} is the objective at its ${param};
# 3. deletes the Experiment with its trials (--keep leaves them).
#
#   bash smoke-training.sh [--keep] [--timeout <duration>] <tenant>
#${tenants.length > 0 ? `\n# Tenants with Katib's metrics collector: ${tenants.join(', ')}.\n#` : ''}
# --timeout (or TIMEOUT, 600s) bounds the wait for the Experiment. KUBECTL="kubectl --context prod"
# chooses the cluster. Needs kubectl and awk.
# Generated by mlops-blueprint; re-running it is safe (it starts from a new Experiment).
set -euo pipefail
read -r -a KUBECTL_CMD <<< "\${KUBECTL:-kubectl}"
kc() { "\${KUBECTL_CMD[@]}" "$@"; }
fail() { echo "smoke-training: $*" >&2; exit 1; }
usage() { echo "Usage: bash $0 [--keep] [--timeout <duration>] <tenant>" >&2; exit 2; }
seconds_of() {
  local rest=$1 total=0
  while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do
    case \${BASH_REMATCH[2]} in
      h) total=$((total + BASH_REMATCH[1] * 3600)) ;;
      m) total=$((total + BASH_REMATCH[1] * 60)) ;;
      s) total=$((total + BASH_REMATCH[1])) ;;
    esac
    rest=\${BASH_REMATCH[3]}
  done
  [ -z "$rest" ] && [ "$1" != "" ] && [ "$total" -gt 0 ] || { echo "The timeout must be a duration such as 600s, 15m or 1h30m (got '$1')." >&2; exit 2; }
  echo "$total"
}

TIMEOUT="\${TIMEOUT:-600s}" KEEP=0 TENANT=
while [ $# -gt 0 ]; do
  case $1 in
    --keep) KEEP=1 ;;
    --timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift ;;
    --timeout=*) TIMEOUT=\${1#--timeout=} ;;
    -*) usage ;;
    *) [ -z "$TENANT" ] || usage; TENANT=$1 ;;
  esac
  shift
done
[ -n "$TENANT" ] || usage
[[ $TENANT =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "The tenant must be a namespace name (got '$TENANT')." >&2; exit 2; }
TIMEOUT_SECONDS=$(seconds_of "$TIMEOUT")

for tool in "\${KUBECTL_CMD[0]}" awk; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; this script needs kubectl and awk."
done
kc get namespace "$TENANT" >/dev/null 2>&1 || fail "Namespace $TENANT does not exist (or kubectl cannot read it). Give a tenant of this environment."
injection=$(kc get namespace "$TENANT" -o jsonpath='{.metadata.labels.${labelPath}}')
[ "$injection" = ${labelValue} ] || fail "Namespace $TENANT does not carry the label ${label}=${labelValue}\${injection:+ (it is '$injection')}: Katib adds its metrics collector to trial pods only in labelled namespaces, so no trial would report ${metric}. The platform labels its training tenants; is $TENANT one?"

EXP=experiment/${SMOKE_TRAINING}
APPLIED=
# A manifest from a quoted here-document, with the tenant put in.
manifest() { local m; m=$(cat); printf '%s\\n' "\${m//${T}/$TENANT}"; }
cleanup() {
  local status=$?
  if [ -n "$APPLIED" ]; then
    if [ "$KEEP" = 1 ]; then
      echo "Kept (--keep): Experiment $TENANT/${SMOKE_TRAINING} with its trials; run without --keep to remove them."
    else
      kc -n "$TENANT" delete experiment ${SMOKE_TRAINING} --ignore-not-found --wait=true >/dev/null 2>&1 && echo "Deleted Experiment $TENANT/${SMOKE_TRAINING} (its trials, their Jobs and its suggestion go with it)." || echo "smoke-training: could not delete Experiment $TENANT/${SMOKE_TRAINING}; delete it with kubectl." >&2
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A finished Experiment never runs again: start from none.
kc -n "$TENANT" delete experiment ${SMOKE_TRAINING} --ignore-not-found --wait=true >/dev/null
echo "==> Experiment $TENANT/${SMOKE_TRAINING}: random search, ${trials} trials, maximize ${metric} = -(${param} - ${c})^2 for ${param} in [${min}, ${max}]"
APPLIED=1
manifest <<'EXPERIMENT' | kc apply --server-side --field-manager=mlops-blueprint -f - >/dev/null
${experiment}
EXPERIMENT

echo "==> waiting up to $TIMEOUT for the Experiment to succeed"
# kubectl wait in short rounds: between them a Failed Experiment ends the wait at once.
deadline=$((SECONDS + TIMEOUT_SECONDS)) error=
while :; do
  left=$((deadline - SECONDS))
  [ "$left" -le 10 ] || left=10
  [ "$left" -ge 1 ] || left=1
  if out=$(kc -n "$TENANT" wait --for=condition=Succeeded "$EXP" --timeout="\${left}s" 2>&1); then break; fi
  case $out in
    *"timed out"*) error= ;;
    *) error=$out; sleep 5 ;;
  esac
  failed=$(kc -n "$TENANT" get "$EXP" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}|{.status.failedTrialList}|{.status.conditions[?(@.type=="Failed")].reason}: {.status.conditions[?(@.type=="Failed")].message}' 2>/dev/null) || failed=
  IFS='|' read -r is_failed failed_trials why <<< "$failed"
  if [ "$is_failed" = True ]; then
    fail "Experiment $TENANT/${SMOKE_TRAINING} failed: $why. Failed trials: \${failed_trials:-none}; a trial's collector log: kubectl -n $TENANT logs -l ${KATIB_RUNTIME_LABELS.trial}=<trial> -c ${KATIB_COLLECTOR_CONTAINER} (--keep keeps them)."
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    state=$(kc -n "$TENANT" get "$EXP" -o jsonpath='trials {.status.trials}, running {.status.trialsRunning}, pending {.status.trialsPending}, succeeded {.status.trialsSucceeded}; {range .status.conditions[?(@.status=="True")]}{.type}: {.reason} {.message}; {end}' 2>/dev/null) || state=
    fail "Experiment $TENANT/${SMOKE_TRAINING} did not succeed within $TIMEOUT (\${state:-\${error:-no status}}). See kubectl -n $TENANT describe $EXP and the suggestion's pod: kubectl -n $TENANT get pods -l ${KATIB_RUNTIME_LABELS.experiment}=${SMOKE_TRAINING} (--keep keeps them)."
  fi
done

result=$(kc -n "$TENANT" get "$EXP" -o jsonpath='{.status.trialsSucceeded}|{.status.currentOptimalTrial.bestTrialName}|{.status.currentOptimalTrial.parameterAssignments[?(@.name=="${param}")].value}|{.status.currentOptimalTrial.observation.metrics[?(@.name=="${metric}")].latest}|{.status.metricsUnavailableTrialList}')
IFS='|' read -r succeeded best x score unavailable <<< "$result"
echo "    Best trial: \${best:-none} with ${param} = \${x:-?}, ${metric} = \${score:-?}"
[ "\${succeeded:-0}" = ${trials} ] || fail "\${succeeded:-0} of ${trials} trials succeeded\${unavailable:+; without metrics: $unavailable (does the collector reach the Katib DB manager?)}."
[ -n "$best" ] && [ -n "$x" ] && [ -n "$score" ] || fail "The Experiment succeeded but has no best trial with ${param} and ${metric}: Katib did not record the trials' metrics."
awk -v x="$x" -v s="$score" 'BEGIN { d = s + (x - ${c}) * (x - ${c}); exit !(x >= ${min} && x <= ${max} && d < 0.00001 && d > -0.00001) }' || fail "The best trial's ${metric} $score is not -(${param} - ${c})^2 for ${param} = $x in [${min}, ${max}]."
echo "Hyperparameter tuning works in $TENANT: ${trials} trials succeeded, the best at ${param} = $x with ${metric} = $score."
`;
}
