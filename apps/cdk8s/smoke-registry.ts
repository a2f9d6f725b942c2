import { imageReference } from '../../constructs/core/images';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../constructs/core/security';
import { MLFLOW_IMAGES } from '../../constructs/mlflow/versions';
import {
  MODEL_REGISTRY_API_BASE,
  MODEL_REGISTRY_NAMES,
  MODEL_REGISTRY_PORTS,
  MODEL_REGISTRY_STORAGE_CONTAINER,
} from '../../constructs/model-registry/names';
import {
  MLFLOW_NAMESPACE,
  MLFLOW_SERVERS,
  mlflowWorkloadsUri,
} from '../../constructs/tracking/names';
import { KubeObject, RenderedPlatform } from '../../stacks/render';

/** The Job's name (and its label on every object of the check). */
export const SMOKE_REGISTRY = 'smoke-registry';
/** The Job's one container. */
export const SMOKE_REGISTRY_CONTAINER = 'smoke';
/** The MLflow experiment the run is logged in (in the tenant's workspace). */
export const SMOKE_REGISTRY_EXPERIMENT = 'smoke-tracking';
/** The RegisteredModel the check creates once and reuses. */
export const SMOKE_REGISTRY_MODEL = 'smoke-model';
/**
 * The version name without MLflow (registry only): fixed, so a re-run reuses it. With MLflow the
 * version is named after the run id, so each run registers the artifact of its own run.
 */
export const SMOKE_REGISTRY_FIXED_VERSION = 'v1';
/**
 * The artifact URI registered without MLflow: metadata only, nothing is stored or read there.
 * With MLflow it is the run's artifact URI.
 */
export const SMOKE_REGISTRY_PLACEHOLDER_URI = 's3://smoke-registry/smoke-model/v1/';
/**
 * The service account the Job runs as: the one a Kubeflow Profile gives each tenant, with
 * `kubeflow-edit` there, which aggregates the `mlflow.kubeflow.org` rights the tracking server
 * checks with a SelfSubjectAccessReview of the request's token.
 */
export const SMOKE_REGISTRY_SERVICE_ACCOUNT = 'default-editor';
/** The namespace of the shared registry (`registry.hub.mode: shared`). */
export const SHARED_REGISTRY_NAMESPACE = 'kubeflow';

/**
 * The REST paths of Kubeflow Hub the program calls, under `MODEL_REGISTRY_API_BASE`
 * (`/api/model_registry/v1alpha3`), from `api/openapi/model-registry.yaml` at kubeflow/hub v0.3.8
 * (v0.3.9 changed no path): find by name (`GET`, 404 when there is none; a version is found with
 * `parentResourceId` = the model's id), create (`POST` of `RegisteredModelCreate` { name },
 * `ModelVersionCreate` { name, registeredModelId }), and a version's artifacts (`GET` with
 * `artifactType`, `orderBy`, `sortOrder`; `POST` of an `Artifact` with `artifactType:
 * model-artifact` and `uri`: `upsertModelVersionArtifact`).
 */
export const MODEL_REGISTRY_PATHS = {
  findRegisteredModel: '/registered_model',
  registeredModels: '/registered_models',
  findModelVersion: '/model_version',
  modelVersions: '/model_versions',
  modelVersionArtifacts: '/model_versions/{modelversionId}/artifacts',
} as const;

/** The `storageUri` an InferenceService names the smoke model version by. */
export function smokeRegistryStorageUri(version: string): string {
  return `${MODEL_REGISTRY_STORAGE_CONTAINER.uriPrefix}${SMOKE_REGISTRY_MODEL}/${version}`;
}

/** The in-cluster URL of a registry's REST API (without the API base). */
export function modelRegistryUrl(namespace: string): string {
  return `http://${MODEL_REGISTRY_NAMES.service}.${namespace}.svc.cluster.local:${MODEL_REGISTRY_PORTS.rest}`;
}

/**
 * The check as one Python program, run with `python -c` in the MLflow image (Python 3.12, MLflow
 * with the `kubernetes` package; only the standard library is used for the registry). What it
 * checks follows its environment: `MLFLOW_TRACKING_URI` set, the tracking part; `MODEL_REGISTRY_URL`
 * set, the registry part. Its last line is `STORAGE_URI=model-registry://smoke-model/<version>`
 * (registry) and `RUN_ID=<id>` (tracking) before it. No `$` in it: Kubernetes expands `$(...)`
 * and `$$` in container args.
 *
 * Tracking: `MLFLOW_TRACKING_AUTH=kubernetes` makes MLflow's Kubernetes request auth provider
 * send the pod's service account token and namespace (`X-MLFLOW-WORKSPACE`) with every request,
 * also the artifact uploads and downloads the server proxies (`--serve-artifacts`): so the run, its
 * param and metric, the artifact listing and the artifact's content read back prove the database,
 * the authorization and the object store behind the server
 * (`mlflow/tracking/request_auth/kubernetes_request_auth_provider.py` in mlflow/mlflow).
 *
 * Registry: the RegisteredModel and the version are found by name first and created only when
 * missing, so that re-runs pass; the version is then read back the way the registry's storage
 * initializer resolves `model-registry://<model>/<version>` (find the model by name, the version by
 * name and parent, its artifacts newest first, the first must be a model artifact with a uri:
 * `cmd/csi/internal/storage/modelregistry_provider.go` at v0.3.8). GETs are retried while the
 * sidecar or the registry starts (connection errors, 502 to 504); POSTs are not.
 */
export function smokeRegistryProgram(): string {
  const p = MODEL_REGISTRY_PATHS;
  const artifacts = (id: string) => `"${p.modelVersions}/" + ${id} + "/artifacts"`;
  return String.raw`import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

EXPERIMENT = "${SMOKE_REGISTRY_EXPERIMENT}"
MODEL = "${SMOKE_REGISTRY_MODEL}"
API = "${MODEL_REGISTRY_API_BASE}"
TEXT = "smoke-registry\n"


def fail(message):
    print("${SMOKE_REGISTRY}: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


def say(message):
    print(message, flush=True)


def track():
    # The token also as MLFLOW_TRACKING_TOKEN, which every MLflow client sends as a bearer token:
    # the check does not depend on the client registering its Kubernetes auth provider.
    token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    if not os.environ.get("MLFLOW_TRACKING_TOKEN") and os.path.exists(token_file):
        with open(token_file) as f:
            os.environ["MLFLOW_TRACKING_TOKEN"] = f.read().strip()
    import mlflow
    from mlflow import MlflowClient

    say("==> MLflow " + mlflow.__version__ + " at " + mlflow.get_tracking_uri() + ", experiment " + EXPERIMENT)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name="${SMOKE_REGISTRY}") as run:
        mlflow.log_param("check", "${SMOKE_REGISTRY}")
        mlflow.log_metric("score", 1.0)
        mlflow.log_text(TEXT, "smoke/hello.txt")
    run_id = run.info.run_id
    client = MlflowClient()
    got = client.get_run(run_id)
    if got.info.status != "FINISHED":
        fail("run " + run_id + " is " + str(got.info.status) + ", not FINISHED")
    if got.data.params.get("check") != "${SMOKE_REGISTRY}" or got.data.metrics.get("score") != 1.0:
        fail("run " + run_id + " reads back without its param or metric: " + repr(got.data.params) + " " + repr(got.data.metrics))
    listed = [f.path for f in client.list_artifacts(run_id, "smoke")]
    if "smoke/hello.txt" not in listed:
        fail("the artifacts of run " + run_id + " do not list smoke/hello.txt (got " + repr(listed) + ")")
    text = mlflow.artifacts.load_text("runs:/" + run_id + "/smoke/hello.txt")
    if text != TEXT:
        fail("the artifact smoke/hello.txt of run " + run_id + " reads back as " + repr(text))
    say("    run " + run_id + " (experiment " + got.info.experiment_id + "): param, metric and artifact read back from " + got.info.artifact_uri)
    say("RUN_ID=" + run_id)
    return run_id, got.info.artifact_uri


def call(method, path, body=None, query=None, missing=False):
    url = os.environ["MODEL_REGISTRY_URL"] + API + path
    if query:
        url = url + "?" + urllib.parse.urlencode(query)
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    tries = 6 if method == "GET" else 1
    for attempt in range(1, tries + 1):
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            if error.code == 404 and missing:
                return None
            if error.code in (502, 503, 504) and attempt < tries:
                time.sleep(5)
                continue
            fail(method + " " + url + " answered HTTP " + str(error.code) + ": " + detail)
        except urllib.error.URLError as error:
            if attempt < tries:
                time.sleep(5)
                continue
            fail(method + " " + url + " failed: " + str(error.reason))


def register(version, uri, run_id):
    say("==> model registry at " + os.environ["MODEL_REGISTRY_URL"] + ", model " + MODEL + ", version " + version)
    model = call("GET", "${p.findRegisteredModel}", query={"name": MODEL}, missing=True)
    if model is None:
        model = call("POST", "${p.registeredModels}", {"name": MODEL, "description": "Registered by smoke-registry.sh"})
        say("    created RegisteredModel " + MODEL + " (id " + model["id"] + ")")
    else:
        say("    RegisteredModel " + MODEL + " exists (id " + model["id"] + ")")
    found = call("GET", "${p.findModelVersion}", query={"name": version, "parentResourceId": model["id"]}, missing=True)
    if found is None:
        found = call("POST", "${p.modelVersions}", {"name": version, "registeredModelId": model["id"], "author": "smoke-registry.sh"})
        say("    created ModelVersion " + version + " (id " + found["id"] + ")")
    else:
        say("    ModelVersion " + version + " exists (id " + found["id"] + ")")
    existing = call("GET", ${artifacts('found["id"]')}, query={"artifactType": "model-artifact"})
    if not any(a.get("uri") == uri for a in existing.get("items") or []):
        artifact = {"artifactType": "model-artifact", "name": MODEL + "-" + version, "uri": uri}
        if run_id:
            artifact.update(modelSourceKind="mlflow", modelSourceClass="run", modelSourceId=run_id, modelSourceName=EXPERIMENT + "/" + run_id)
        created = call("POST", ${artifacts('found["id"]')}, artifact)
        say("    created ModelArtifact " + artifact["name"] + " (id " + created["id"] + ") with uri " + uri)
    else:
        say("    the ModelArtifact with uri " + uri + " exists")
    again = call("GET", "${p.findRegisteredModel}", query={"name": MODEL})
    version_again = call("GET", "${p.findModelVersion}", query={"name": version, "parentResourceId": again["id"]})
    listed = call("GET", ${artifacts('version_again["id"]')}, query={"orderBy": "CREATE_TIME", "sortOrder": "DESC"})
    items = listed.get("items") or []
    first = items[0] if items else {}
    if first.get("artifactType") != "model-artifact" or first.get("uri") != uri:
        fail("version " + version + " of " + MODEL + " does not resolve to a model artifact with uri " + uri + " (newest artifact: " + json.dumps(first) + ")")
    say("    read back: " + MODEL + "/" + version + " -> " + uri)
    say("STORAGE_URI=${MODEL_REGISTRY_STORAGE_CONTAINER.uriPrefix}" + MODEL + "/" + version)


run_id, uri = None, "${SMOKE_REGISTRY_PLACEHOLDER_URI}"
if os.environ.get("MLFLOW_TRACKING_URI"):
    run_id, uri = track()
if os.environ.get("MODEL_REGISTRY_URL"):
    register(run_id or "${SMOKE_REGISTRY_FIXED_VERSION}", uri, run_id)
say("${SMOKE_REGISTRY}: OK")
`;
}

const LABELS = {
  'app.kubernetes.io/name': SMOKE_REGISTRY,
  'app.kubernetes.io/part-of': 'mlops-platform',
};

/** Requests and limits of the check: importing MLflow takes a few hundred MiB. */
const RESOURCES = {
  requests: { cpu: '100m', memory: '384Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

export interface SmokeRegistryJobProps {
  readonly tenant: string;
  /** An image with Python 3 and, for tracking, MLflow with the `kubernetes` package. */
  readonly image: string;
  /** The tracking URI; the tracking part runs only with one. */
  readonly trackingUri?: string;
  /** The registry's URL (`http://host:port`); the registry part runs only with one. */
  readonly registryUrl?: string;
}

/**
 * The Job that runs the check in the tenant as `default-editor`, with its token mounted (the MLflow
 * auth provider reads it from the service account files). The pod stays in the mesh (nothing opts
 * it out): the registry is reached through its sidecar, and istiod injects it as a native sidecar
 * (`ENABLE_NATIVE_SIDECARS`), so the Job completes when the program exits. The root filesystem is
 * read-only; `HOME` and the temporary files MLflow writes (`log_text`, `load_text`) are on an
 * in-memory `/tmp`. `backoffLimit: 0`: one attempt, one log; `activeDeadlineSeconds` is a backstop
 * for a Job the script no longer watches, `ttlSecondsAfterFinished` removes one it did not delete.
 */
export function smokeRegistryJob(p: SmokeRegistryJobProps): Record<string, unknown> {
  const env = [
    ...(p.trackingUri
      ? [
          { name: 'MLFLOW_TRACKING_URI', value: p.trackingUri },
          { name: 'MLFLOW_TRACKING_AUTH', value: 'kubernetes' },
          // As the tenants' `access-mlflow` PodDefault sets it: the workspace is the namespace.
          { name: 'MLFLOW_WORKSPACE', value: p.tenant },
          // No usage data leaves the cluster (MLflow 3 reports usage unless told not to).
          { name: 'MLFLOW_DISABLE_TELEMETRY', value: 'true' },
        ]
      : []),
    ...(p.registryUrl ? [{ name: 'MODEL_REGISTRY_URL', value: p.registryUrl }] : []),
    { name: 'HOME', value: '/tmp' },
    { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
    { name: 'PYTHONUNBUFFERED', value: '1' },
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: SMOKE_REGISTRY, namespace: p.tenant, labels: LABELS },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 1800,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: LABELS },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: SMOKE_REGISTRY_SERVICE_ACCOUNT,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: SMOKE_REGISTRY_CONTAINER,
              image: p.image,
              // The image's entrypoint is `mlflow`.
              command: ['python'],
              args: ['-c', smokeRegistryProgram()],
              env,
              resources: RESOURCES,
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

/** What the rendered platform has of tracking and the registry. */
export interface SmokeRegistryTargets {
  /** The workloads tracking server's URI, when it is rendered. */
  readonly trackingUri?: string;
  /**
   * `shared`: one registry in `kubeflow`; `perTenant`: one in each tenant's namespace, listed in
   * `tenants`.
   */
  readonly registry?:
    | { readonly mode: 'shared' }
    | { readonly mode: 'perTenant'; readonly tenants: readonly string[] };
}

const isRegistry = (o: KubeObject): boolean =>
  (o.kind === 'Deployment' && o.metadata.name === MODEL_REGISTRY_NAMES.deployment) ||
  (o.kind === 'Service' && o.metadata.name === MODEL_REGISTRY_NAMES.service);

/**
 * Reads tracking and the registry from the rendered objects: the Deployment `mlflow-workloads` in
 * `kubeflow`; the registry's Deployment or Service, in `kubeflow` for the shared one, else in the
 * tenants' namespaces.
 */
export function smokeRegistryTargets(rendered: RenderedPlatform): SmokeRegistryTargets {
  const objects = rendered.layers.flatMap((l) => l.objects);
  const tracking = objects.some(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.name === MLFLOW_SERVERS.workloads &&
      o.metadata.namespace === MLFLOW_NAMESPACE,
  );
  const namespaces = [
    ...new Set(objects.filter(isRegistry).map((o) => o.metadata.namespace ?? '')),
  ].filter(Boolean);
  const registry: SmokeRegistryTargets['registry'] =
    namespaces.length === 0
      ? undefined
      : namespaces.includes(SHARED_REGISTRY_NAMESPACE)
        ? { mode: 'shared' }
        : { mode: 'perTenant', tenants: namespaces.sort() };
  return {
    ...(tracking ? { trackingUri: mlflowWorkloadsUri() } : {}),
    ...(registry ? { registry } : {}),
  };
}

/**
 * The MLflow image as rendered: the container image of the Deployment `mlflow-workloads`, else the
 * bill of materials' entry of the pinned repository and tag (mirror included), else the pinned
 * reference.
 */
export function smokeRegistryImage(rendered: RenderedPlatform): string {
  const objects = rendered.layers.flatMap((l) => l.objects);
  const server = objects.find(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.name === MLFLOW_SERVERS.workloads &&
      o.metadata.namespace === MLFLOW_NAMESPACE,
  );
  const containers = (
    server?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined
  )?.template?.spec?.containers;
  const deployed = containers?.find((c) => c.image)?.image;
  if (deployed) return deployed;
  const { repository, tag } = MLFLOW_IMAGES.server;
  return (
    rendered.images.find((i) => i.includes(`/${repository}:${tag}`)) ??
    imageReference(MLFLOW_IMAGES.server)
  );
}

export interface SmokeRegistryOptions {
  /**
   * The check's image: Python 3 and, when MLflow is rendered, MLflow 3 with the `kubernetes`
   * package; it must run as a non-root user.
   * @default - the MLflow server image as rendered (`smokeRegistryImage`)
   */
  readonly image?: string;
}

/** A manifest as the script embeds it. */
const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Replaced with the tenant when the script runs (the tenant is checked to be a DNS label first). */
const TENANT_PLACEHOLDER = '@TENANT@';

/**
 * `smoke-registry.sh`: an opt-in check, run by an operator after install, that experiment tracking
 * and the model registry work for a tenant end to end, from a pod of the tenant as its workloads
 * run: one Job as `default-editor` logs an MLflow run with a param, a metric and an artifact
 * through the workloads tracking server and reads them back, then registers that run's artifacts
 * as a version of `smoke-model` in the tenant's registry (or the shared one) and resolves it the
 * way the registry's storage initializer does. Either part runs alone when only it is rendered;
 * `undefined` when neither is.
 *
 * The registry's place is decided here, from the rendered objects (a registry in `kubeflow` is
 * the shared one; otherwise each tenant has its own): the platform's mode is a fact of the
 * configuration, and guessing at run time could test the wrong registry (a per-tenant platform
 * must not fall back to another namespace). The script then checks that the Service is there
 * before it starts the Job, so a tenant without a registry gets a clear error.
 */
export function smokeRegistryScript(
  rendered: RenderedPlatform,
  opts: SmokeRegistryOptions = {},
): string | undefined {
  if (opts.image !== undefined && !/^[A-Za-z0-9][A-Za-z0-9./:@_-]*$/.test(opts.image)) {
    throw new Error(
      `\`image\` is not an image reference (got "${opts.image}"). Use registry/repository:tag, such as ${imageReference(MLFLOW_IMAGES.server)}.`,
    );
  }
  const targets = smokeRegistryTargets(rendered);
  if (!targets.trackingUri && !targets.registry) return undefined;
  const T = TENANT_PLACEHOLDER;
  const registry = targets.registry;
  const registryNamespace = registry?.mode === 'shared' ? SHARED_REGISTRY_NAMESPACE : T;
  const image = opts.image ?? smokeRegistryImage(rendered);
  const job = json(
    smokeRegistryJob({
      tenant: T,
      image,
      ...(targets.trackingUri ? { trackingUri: targets.trackingUri } : {}),
      ...(registry ? { registryUrl: modelRegistryUrl(registryNamespace) } : {}),
    }),
  );
  const parts = [
    ...(targets.trackingUri
      ? [
          `# - tracking, on ${targets.trackingUri}:`,
          `#   a run in the experiment ${SMOKE_REGISTRY_EXPERIMENT} of the tenant's workspace, read back with its artifact;`,
        ]
      : []),
    ...(registry
      ? [
          `# - registry (${registry.mode === 'shared' ? `shared, in ${SHARED_REGISTRY_NAMESPACE}` : "the tenant's own"}): ${SMOKE_REGISTRY_MODEL}, version ${targets.trackingUri ? '<run id>' : SMOKE_REGISTRY_FIXED_VERSION}, a model artifact at`,
          `#   ${targets.trackingUri ? "the run's artifact URI" : `${SMOKE_REGISTRY_PLACEHOLDER_URI} (metadata only)`}; found and reused on re-runs,`,
          `#   then resolved as ${smokeRegistryStorageUri('<version>')} is.`,
        ]
      : []),
  ];
  const tenants = registry?.mode === 'perTenant' ? registry.tenants : [];
  const svc = MODEL_REGISTRY_NAMES.service;
  const registryCheck = !registry
    ? ''
    : registry.mode === 'shared'
      ? `kc -n ${SHARED_REGISTRY_NAMESPACE} get service ${svc} >/dev/null 2>&1 || fail "Service ${SHARED_REGISTRY_NAMESPACE}/${svc} not found: the shared model registry is not installed (install.sh)."\n`
      : `kc -n "$TENANT" get service ${svc} >/dev/null 2>&1 || fail "Service $TENANT/${svc} not found: $TENANT has no model registry of its own (each tenant of this environment gets one; is $TENANT one?)."\n`;
  const trackingCheck = targets.trackingUri
    ? `kc -n ${MLFLOW_NAMESPACE} get service ${MLFLOW_SERVERS.workloads} >/dev/null 2>&1 || fail "Service ${MLFLOW_NAMESPACE}/${MLFLOW_SERVERS.workloads} not found: the tracking server for workloads is not installed (install.sh)."\n`
    : '';
  const sa = SMOKE_REGISTRY_SERVICE_ACCOUNT;

  return `#!/usr/bin/env bash
# Smoke test of experiment tracking and the model registry in the environment "${rendered.environment}":
# one Job in the tenant, as its service account ${sa}, in the mesh, runs a Python
# program in the MLflow image:
${parts.join('\n')}
# The script waits for the Job, prints its log and deletes it (--keep leaves it).
#
#   bash smoke-registry.sh [--keep] [--timeout <duration>] <tenant>
#${tenants.length > 0 ? `\n# Tenants with a model registry: ${tenants.join(', ')}.\n#` : ''}
# --timeout (or TIMEOUT, 600s) bounds the wait for the Job (pulling the image included).
# KUBECTL="kubectl --context prod" chooses the cluster. Needs kubectl and sed.
# Generated by mlops-blueprint; re-running it is safe (it starts from a new Job; each run with
# MLflow adds one run to ${SMOKE_REGISTRY_EXPERIMENT} and one version to ${SMOKE_REGISTRY_MODEL}).
set -euo pipefail
read -r -a KUBECTL_CMD <<< "\${KUBECTL:-kubectl}"
kc() { "\${KUBECTL_CMD[@]}" "$@"; }
fail() { echo "smoke-registry: $*" >&2; exit 1; }
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
[[ $TENANT =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] && [ \${#TENANT} -le 63 ] || { echo "The tenant must be a namespace name (got '$TENANT')." >&2; exit 2; }
TIMEOUT_SECONDS=$(seconds_of "$TIMEOUT")

command -v "\${KUBECTL_CMD[0]}" >/dev/null || fail "\${KUBECTL_CMD[0]} is not installed; this script needs kubectl and sed."
kc get namespace "$TENANT" >/dev/null 2>&1 || fail "Namespace $TENANT does not exist (or kubectl cannot read it). Give a tenant of this environment."
kc -n "$TENANT" get serviceaccount ${sa} >/dev/null 2>&1 || fail "Service account $TENANT/${sa} not found: $TENANT is not a Kubeflow tenant (its Profile creates ${sa})."
${trackingCheck}${registryCheck}
JOB=${SMOKE_REGISTRY}
APPLIED=
# A manifest from a quoted here-document, with the tenant put in.
manifest() { local m; m=$(cat); printf '%s\\n' "\${m//${T}/$TENANT}"; }
cleanup() {
  local status=$?
  if [ -n "$APPLIED" ]; then
    if [ "$KEEP" = 1 ]; then
      echo "Kept (--keep): Job $TENANT/$JOB; run without --keep to remove it."
    else
      kc -n "$TENANT" delete job "$JOB" --ignore-not-found --wait=true >/dev/null 2>&1 && echo "Deleted Job $TENANT/$JOB." || echo "smoke-registry: could not delete Job $TENANT/$JOB; delete it with kubectl." >&2
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A Job's template cannot change and a finished Job never runs again: start from none.
kc -n "$TENANT" delete job "$JOB" --ignore-not-found --wait=true >/dev/null
echo "==> Job $TENANT/$JOB as ${sa}, waiting up to $TIMEOUT"
APPLIED=1
manifest <<'JOB' | kc apply --server-side --field-manager=mlops-blueprint -f - >/dev/null
${job}
JOB

deadline=$((SECONDS + TIMEOUT_SECONDS)) state=
while :; do
  state=$(kc -n "$TENANT" get job "$JOB" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null) || state=
  case " $state " in
    *" Complete "* | *" Failed "*) break ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || break
  sleep 2
done
log=$(kc -n "$TENANT" logs "job/$JOB" -c ${SMOKE_REGISTRY_CONTAINER} 2>&1) || log="(no log: $log)"
printf '%s\\n' "$log" | sed 's/^/    /'
case " $state " in
  *" Complete "*) ;;
  *" Failed "*) fail "Job $TENANT/$JOB failed; its log is above (--keep keeps the Job and its pod)." ;;
  *)
    why=$(kc -n "$TENANT" get pods -l job-name="$JOB" -o jsonpath='{range .items[*]}{.status.phase}{range .status.containerStatuses[*]}, {.name}: {.state.waiting.reason}{end}; {end}' 2>/dev/null) || why=
    fail "Job $TENANT/$JOB did not finish within $TIMEOUT\${why:+ (pods: $why)}. See kubectl -n $TENANT describe job $JOB (--keep keeps it)." ;;
esac
run_id=$(printf '%s\\n' "$log" | sed -n 's/^RUN_ID=//p' | tail -n 1)
storage_uri=$(printf '%s\\n' "$log" | sed -n 's/^STORAGE_URI=//p' | tail -n 1)
${
  targets.trackingUri
    ? `[ -n "$run_id" ] || fail "The Job completed but printed no run id: the tracking part did not run."
echo "Tracking works in $TENANT: run $run_id in ${SMOKE_REGISTRY_EXPERIMENT}, its param, metric and artifact read back."
`
    : ''
}${
    registry
      ? `[ -n "$storage_uri" ] || fail "The Job completed but printed no registered version: the registry part did not run."
echo "The model registry works for $TENANT: an InferenceService there can use storageUri $storage_uri."
`
      : ''
  }`;
}
