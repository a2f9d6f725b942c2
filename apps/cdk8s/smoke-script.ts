import { isDeepStrictEqual } from 'node:util';
import { imageReference } from '../../constructs/core/images';
import {
  KFP_ENABLED_NAMESPACE_LABELS,
  KFP_NAMES,
  KFP_PORTS,
  KFP_PREFIX,
  KFP_TOKEN_AUDIENCE,
} from '../../constructs/kubeflow-pipelines/names';
import { KFP_IMAGES } from '../../constructs/kubeflow-pipelines/versions';
import { MachineToMachine } from '../../constructs/oauth2-proxy/machine-to-machine';
import { KubeObject, RenderedPlatform } from '../../stacks/render';

export interface SmokeScriptOptions {
  /**
   * The service account in the tenant that the smoke test acts as; it is bound to
   * `kubeflow-edit` there.
   * @default 'pipelines-smoke'
   */
  readonly serviceAccount?: string;
  /**
   * The experiment of the tenant that smoke runs are filed under (created if missing, kept).
   * @default 'smoke'
   */
  readonly experiment?: string;
}

/** The pipeline's name (`pipelineInfo.name`), its task and the uploads' name prefix. */
export const SMOKE_PIPELINE = 'pipelines-smoke';
/** What the step prints. */
export const SMOKE_GREETING = 'pipelines-smoke: hello from a Kubeflow Pipelines step';

/**
 * A compiled KFP v2 pipeline (IR, `schemaVersion` 2.1.0, the only one the 2.16.1 API server
 * accepts) with one container step that prints a line, in the shape the SDK compiles
 * (`test_data/sdk_compiled_pipelines/valid/essential/container_no_input.yaml` at 2.16.1). The
 * cache is off so that every smoke run really starts a pod.
 * @see https://github.com/kubeflow/pipelines/blob/2.16.1/api/v2alpha1/pipeline_spec.proto
 */
export function smokePipelineSpec(image: string): Record<string, unknown> {
  return {
    pipelineInfo: { name: SMOKE_PIPELINE },
    schemaVersion: '2.1.0',
    root: {
      dag: {
        tasks: {
          hello: {
            taskInfo: { name: 'hello' },
            componentRef: { name: 'comp-hello' },
            cachingOptions: { enableCache: false },
          },
        },
      },
    },
    components: { 'comp-hello': { executorLabel: 'exec-hello' } },
    deploymentSpec: {
      executors: {
        'exec-hello': { container: { image, command: ['echo'], args: [SMOKE_GREETING] } },
      },
    },
  };
}

/** The step's image: the busybox the platform pins for KFP's cache, as rendered (mirror included). */
function stepImage(rendered: RenderedPlatform): string {
  const { repository, tag } = KFP_IMAGES.cacheStep;
  return (
    rendered.images.find((i) => i.endsWith(`/${repository}:${tag}`)) ??
    imageReference(KFP_IMAGES.cacheStep)
  );
}

/**
 * The audience of the gateway's machine-to-machine rule (the rule `MachineToMachine` writes,
 * whatever its issuer and keys), if the gateway admits service account tokens.
 */
export function machineAudience(objects: readonly KubeObject[]): string | undefined {
  const rule = objects
    .filter((o) => o.kind === 'RequestAuthentication')
    .flatMap((o) => (o.spec as { jwtRules?: Record<string, unknown>[] }).jwtRules ?? [])
    .find((r) => {
      const audience = (r.audiences as string[] | undefined)?.[0];
      if (typeof r.issuer !== 'string' || typeof r.jwksUri !== 'string' || !audience) return false;
      const expected = MachineToMachine.kubernetesServiceAccounts({
        issuer: r.issuer,
        audience,
        jwksUri: r.jwksUri,
      }).jwtRule();
      return isDeepStrictEqual(r, expected);
    });
  return (rule?.audiences as string[] | undefined)?.[0];
}

/** Where the gateway admits service account tokens for Pipelines, if machineToMachine is on. */
function gatewayAccess(
  objects: readonly KubeObject[],
  namespace: string,
): { url: string; audience: string } | undefined {
  const route = objects.find(
    (o) =>
      o.kind === 'VirtualService' &&
      o.metadata.namespace === namespace &&
      o.metadata.name === KFP_NAMES.ui.route,
  );
  const host = (route?.spec as { hosts?: string[] } | undefined)?.hosts?.[0];
  const audience = machineAudience(objects);
  if (!host || !audience) return undefined;
  return { url: `https://${host}${KFP_PREFIX}`, audience };
}

/** Reads one string field at an object depth (1: top level) from JSON on stdin; no jq needed. */
const JSON_GET = String.raw`
json_get() {
  awk -v want="$1" -v key="$2" '
    { buf = buf $0 "\n" }
    END {
      n = length(buf); depth = 0; take = 0
      for (i = 1; i <= n; i++) {
        c = substr(buf, i, 1)
        if (c == "\"") {
          s = ""
          for (i++; i <= n; i++) {
            c = substr(buf, i, 1)
            if (c == "\\") { i++; s = s substr(buf, i, 1); continue }
            if (c == "\"") break
            s = s c
          }
          if (take) { print s; exit 0 }
          j = i + 1
          while (substr(buf, j, 1) ~ /[ \t\r\n]/) j++
          if (substr(buf, j, 1) == ":" && depth == want && s == key) { take = 1; i = j }
          continue
        }
        if (take && c !~ /[ \t\r\n]/) exit 1
        if (c == "{" || c == "[") depth++
        else if (c == "}" || c == "]") depth--
      }
      exit 1
    }'
}`;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `smoke-pipelines.sh`: an opt-in check, run by an operator after install, that Pipelines works
 * for a tenant end to end (authentication, authorization, upload, a run's pod, the persistence
 * agent reporting its state). `undefined` when the platform has no Pipelines.
 */
export function smokeScript(
  rendered: RenderedPlatform,
  opts: SmokeScriptOptions = {},
): string | undefined {
  const serviceAccount = opts.serviceAccount ?? 'pipelines-smoke';
  const experiment = opts.experiment ?? 'smoke';
  if (!NAME.test(serviceAccount)) {
    throw new Error(
      `\`serviceAccount\` is not a Kubernetes name (got "${serviceAccount}"). Use lower-case letters, digits and '-', such as pipelines-smoke.`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(experiment)) {
    throw new Error(
      `\`experiment\` has characters the script does not quote (got "${experiment}"). Use letters, digits, spaces, '.', '_' and '-', such as smoke.`,
    );
  }
  const objects = rendered.layers.flatMap((l) => l.objects);
  const api = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === KFP_NAMES.apiServer.deployment,
  );
  if (!api) return undefined;
  const ns = api.metadata.namespace ?? 'default';
  const gateway = gatewayAccess(objects, ns);
  const [label, labelValue] = Object.entries(KFP_ENABLED_NAMESPACE_LABELS)[0];
  const tenants = objects
    .filter((o) => o.kind === 'Namespace' && o.metadata.labels?.[label] === labelValue)
    .map((o) => o.metadata.name);
  const spec = JSON.stringify(smokePipelineSpec(stepImage(rendered)), null, 2);
  const filter = JSON.stringify({
    predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: experiment }],
  });
  const options = gateway ? '[--via-gateway] [--keep]' : '[--keep]';

  return `#!/usr/bin/env bash
# Smoke test of Kubeflow Pipelines in the environment "${rendered.environment}": uploads a one-step
# pipeline to a tenant, runs it in the experiment "${experiment}", waits until the run succeeds,
# then deletes the run and the pipeline (--keep leaves them for inspection).
#
#   bash smoke-pipelines.sh ${options} <tenant>
#${tenants.length > 0 ? `\n# Tenants with Pipelines: ${tenants.join(', ')}.\n#` : ''}
# KUBECTL="kubectl --context prod" chooses the cluster, TIMEOUT (600s) bounds the wait for the
# run, POLL_SECONDS (5) sets how often its state is read. Needs kubectl, curl and awk (no jq).
#
# It acts as the service account ${serviceAccount} of the tenant, bound to kubeflow-edit there,
# and calls the API server (svc/${KFP_NAMES.apiServer.service} in ${ns}) through a kubectl
# port-forward with a token for the audience ${KFP_TOKEN_AUDIENCE}: the API server checks
# the token with a TokenReview and the account with a SubjectAccessReview, the route upstream
# documents for the SDK inside the cluster. The gateway admits such tokens only with
# identity.machineToMachine configured, and needs DNS and trust in its certificate.${
    gateway
      ? `
# This environment has it: --via-gateway calls ${gateway.url}
# with a token for the audience ${gateway.audience} instead (curl honours CURL_CA_BUNDLE,
# e.g. the platform-ca.crt of README.md, "Logging in").`
      : ''
  }
# Generated by mlops-blueprint; re-running it is safe.
set -euo pipefail
read -r -a KUBECTL_CMD <<< "\${KUBECTL:-kubectl}"
kc() { "\${KUBECTL_CMD[@]}" "$@"; }
TIMEOUT="\${TIMEOUT:-600s}"
POLL_SECONDS="\${POLL_SECONDS:-5}"
fail() { echo "smoke-pipelines: $*" >&2; exit 1; }
usage() { echo "Usage: bash $0 ${options} <tenant>" >&2; exit 2; }
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
  [ -z "$rest" ] && [ "$1" != "" ] || { echo "TIMEOUT must be a duration such as 600s, 15m or 1h30m (got '$1')." >&2; exit 2; }
  echo "$total"
}
TIMEOUT_SECONDS=$(seconds_of "$TIMEOUT")
[[ $POLL_SECONDS =~ ^[0-9]+$ ]] || { echo "POLL_SECONDS must be a whole number of seconds (got '$POLL_SECONDS')." >&2; exit 2; }

VIA_GATEWAY=0 KEEP=0 TENANT=
for arg in "$@"; do
  case $arg in
${
  gateway
    ? '    --via-gateway) VIA_GATEWAY=1 ;;'
    : `    --via-gateway) echo "--via-gateway needs identity.machineToMachine in the environment: the gateway of \\"${rendered.environment}\\" does not admit service account tokens." >&2; exit 2 ;;`
}
    --keep) KEEP=1 ;;
    -*) usage ;;
    *) [ -z "$TENANT" ] || usage; TENANT=$arg ;;
  esac
done
[ -n "$TENANT" ] || usage
[[ $TENANT =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "The tenant must be a namespace name (got '$TENANT')." >&2; exit 2; }
${JSON_GET}
urlencode() {
  local s=$1 out= c i
  for ((i = 0; i < \${#s}; i++)); do
    c=\${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}

for tool in "\${KUBECTL_CMD[0]}" curl awk mktemp; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; this script needs kubectl, curl and awk."
done
kc get namespace "$TENANT" >/dev/null 2>&1 || fail "Namespace $TENANT does not exist (or kubectl cannot read it). Give a tenant of this environment."
[ "$(kc get namespace "$TENANT" -o jsonpath='{.metadata.labels.${label.replace(/\./g, '\\.')}}')" = "${labelValue}" ] || fail "Namespace $TENANT is not a Pipelines tenant (label ${label} is not \\"${labelValue}\\")."
kc get clusterrole kubeflow-edit >/dev/null 2>&1 || fail "ClusterRole kubeflow-edit not found: the tenant roles of Kubeflow are missing (install.sh)."
kc -n ${ns} get service ${KFP_NAMES.apiServer.service} >/dev/null 2>&1 || fail "Service ${ns}/${KFP_NAMES.apiServer.service} not found: is Pipelines installed (install.sh)?"

WORK=$(mktemp -d)
PF_PID= PIPELINE_ID= RUN_ID=
cleanup() {
  local status=$?
  if [ "$KEEP" = 1 ]; then
    [ -z "$RUN_ID" ] || echo "Kept run $RUN_ID and pipeline $PIPELINE_ID (--keep); delete them in the Pipelines UI of $TENANT."
  else
    if [ -n "$RUN_ID" ]; then
      call DELETE "/apis/v2beta1/runs/$RUN_ID" >/dev/null 2>&1 && echo "Deleted run $RUN_ID." || echo "smoke-pipelines: could not delete run $RUN_ID; delete it in the Pipelines UI of $TENANT." >&2
    fi
    if [ -n "$PIPELINE_ID" ]; then
      call DELETE "/apis/v2beta1/pipelines/$PIPELINE_ID?cascade=true" >/dev/null 2>&1 && echo "Deleted pipeline $PIPELINE_ID." || echo "smoke-pipelines: could not delete pipeline $PIPELINE_ID; delete it in the Pipelines UI of $TENANT." >&2
    fi
  fi
  [ -z "$PF_PID" ] || kill "$PF_PID" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One API call: the answer in $WORK/answer, its HTTP status returned in CODE; the token is read
# from a file so that it never shows in the process list.
call() {
  local method=$1 path=$2
  shift 2
  : > "$WORK/answer"
  CODE=$(curl -sS -o "$WORK/answer" -w '%{http_code}' -X "$method" -H @"$WORK/auth" "$@" "$BASE$path" 2> "$WORK/curl-error") || CODE=
  case $CODE in 2??) return 0 ;; *) return 1 ;; esac
}
# The same, failing the script with the API's own message.
api() {
  local method=$1 path=\${2%%\\?*}
  call "$@" && return 0
  local why
  if [ -z "$CODE" ]; then
    why="no answer from $BASE ($(head -n 1 "$WORK/curl-error"))"
  else
    why=$(json_get 1 message < "$WORK/answer" || json_get 1 error_message < "$WORK/answer" || head -c 300 "$WORK/answer")
  fi
  fail "$method $path failed (HTTP \${CODE:-none}): $why"
}
field() { json_get "$1" "$2" < "$WORK/answer" || fail "The answer to $3 has no $2: $(head -c 300 "$WORK/answer")"; }

echo "==> service account ${serviceAccount} in $TENANT, bound to kubeflow-edit"
kc -n "$TENANT" create serviceaccount ${serviceAccount} --dry-run=client -o yaml | kc apply --server-side --field-manager=mlops-blueprint -f - >/dev/null
kc -n "$TENANT" create rolebinding ${serviceAccount} --clusterrole=kubeflow-edit --serviceaccount="$TENANT:${serviceAccount}" --dry-run=client -o yaml | kc apply --server-side --field-manager=mlops-blueprint -f - >/dev/null

if [ "$VIA_GATEWAY" = 1 ]; then
  AUDIENCE=${gateway?.audience ?? ''}
  BASE=${gateway?.url ?? ''}
else
  AUDIENCE=${KFP_TOKEN_AUDIENCE}
  # Created before kubectl starts, so that reading it never races the background redirect.
  : > "$WORK/port-forward"
  "\${KUBECTL_CMD[@]}" -n ${ns} port-forward svc/${KFP_NAMES.apiServer.service} :${KFP_PORTS.apiHttp} > "$WORK/port-forward" 2>&1 &
  PF_PID=$!
  deadline=$((SECONDS + 30))
  until [[ $(cat "$WORK/port-forward") =~ 127[.]0[.]0[.]1:([0-9]+) ]]; do
    kill -0 "$PF_PID" 2>/dev/null || fail "kubectl port-forward to svc/${KFP_NAMES.apiServer.service} in ${ns} stopped: $(tail -n 1 "$WORK/port-forward")"
    [ "$SECONDS" -lt "$deadline" ] || fail "kubectl port-forward to svc/${KFP_NAMES.apiServer.service} in ${ns} did not start within 30s."
    sleep 0.2
  done
  BASE="http://127.0.0.1:\${BASH_REMATCH[1]}"
fi
TOKEN=$(kc -n "$TENANT" create token ${serviceAccount} --audience "$AUDIENCE" --duration "$((TIMEOUT_SECONDS + 600))s") || fail "Cannot create a token for $TENANT/${serviceAccount}."
printf 'Authorization: Bearer %s\\n' "$TOKEN" > "$WORK/auth"
echo "==> Pipelines API at $BASE as system:serviceaccount:$TENANT:${serviceAccount}"

cat > "$WORK/${SMOKE_PIPELINE}.json" <<'SPEC'
${spec}
SPEC
NAME="${SMOKE_PIPELINE}-$(date +%Y%m%d-%H%M%S)-$RANDOM"
api POST "/apis/v2beta1/pipelines/upload?name=$NAME&namespace=$TENANT" -F "uploadfile=@$WORK/${SMOKE_PIPELINE}.json"
PIPELINE_ID=$(field 1 pipeline_id "the upload") || exit 1
api GET "/apis/v2beta1/pipelines/$PIPELINE_ID/versions?page_size=1"
VERSION_ID=$(field 3 pipeline_version_id "the list of versions") || exit 1
echo "==> uploaded pipeline $NAME ($PIPELINE_ID, version $VERSION_ID)"

api GET "/apis/v2beta1/experiments?namespace=$TENANT&page_size=1&filter=$(urlencode '${filter}')"
if ! EXPERIMENT_ID=$(json_get 3 experiment_id < "$WORK/answer"); then
  api POST /apis/v2beta1/experiments -H 'Content-Type: application/json' -d "{\\"display_name\\": \\"${experiment}\\", \\"namespace\\": \\"$TENANT\\", \\"description\\": \\"Runs of smoke-pipelines.sh\\"}"
  EXPERIMENT_ID=$(field 1 experiment_id "the new experiment") || exit 1
fi

api POST /apis/v2beta1/runs -H 'Content-Type: application/json' -d "{\\"display_name\\": \\"$NAME\\", \\"experiment_id\\": \\"$EXPERIMENT_ID\\", \\"pipeline_version_reference\\": {\\"pipeline_id\\": \\"$PIPELINE_ID\\", \\"pipeline_version_id\\": \\"$VERSION_ID\\"}, \\"runtime_config\\": {}}"
RUN_ID=$(field 1 run_id "the new run") || exit 1
echo "==> run $RUN_ID in experiment ${experiment} ($EXPERIMENT_ID), waiting up to $TIMEOUT"

deadline=$((SECONDS + TIMEOUT_SECONDS)) last=
while :; do
  api GET "/apis/v2beta1/runs/$RUN_ID"
  state=$(json_get 1 state < "$WORK/answer" || echo RUNTIME_STATE_UNSPECIFIED)
  [ "$state" = "$last" ] || echo "    $state after \${SECONDS}s"
  last=$state
  case $state in
    SUCCEEDED) break ;;
    FAILED | CANCELED) fail "Run $RUN_ID in $TENANT ended $state: $(json_get 2 message < "$WORK/answer" || echo 'no message; see the run in the Pipelines UI (--keep keeps it)')" ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || fail "Run $RUN_ID in $TENANT did not finish within $TIMEOUT (last state $state)."
  sleep "$POLL_SECONDS"
done
echo "Pipelines works in $TENANT: run $RUN_ID succeeded."
`;
}
