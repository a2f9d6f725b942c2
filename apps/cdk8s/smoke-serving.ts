import { imageReference } from '../../constructs/core/images';
import { SCOPED_CREDENTIAL_KEYS } from '../../constructs/core/object-store';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../constructs/core/security';
import { KSERVE_NAMES } from '../../constructs/kserve/names';
import { MINIO_VERSIONS } from '../../constructs/minio/versions';
import { machineAudience } from './smoke-script';
import { RenderedPlatform } from '../../stacks/render';

/** Where the model is written: the store's endpoint as the tenant's pods reach it, and the bucket. */
export interface SmokeServingObjectStore {
  /**
   * `http(s)://host:port` (`IObjectStore.endpointUrl`).
   * @default - the S3 endpoint of KServe's `inferenceservice-config` (`credentials.s3`), where
   * model pods read from
   */
  readonly endpointUrl?: string;
  /** The bucket holding the tenants' `private/<tenant>/` prefixes (`IObjectStore.buckets[0]`). */
  readonly bucket: string;
}

export interface SmokeServingOptions {
  readonly objectStore: SmokeServingObjectStore;
  /**
   * The service account of the tenant that model pods run as (it carries the object-store
   * credentials the storage initializer reads): `spec.predictor.serviceAccountName`.
   * @default 'kserve-models'
   */
  readonly modelServiceAccount?: string;
  /**
   * The service account whose token calls the model through the gateway; created if missing and
   * bound to `kubeflow-view` in the tenant.
   * @default 'serving-smoke'
   */
  readonly serviceAccount?: string;
}

/** The InferenceService's name, the model's folder in the tenant prefix, and the pods' label. */
export const SMOKE_SERVING = 'smoke-serving';
/** The model file the pmmlserver loads (it takes the one `*.pmml` file of the model folder). */
export const SMOKE_SERVING_MODEL_FILE = 'model.pmml';
/** The model's input and target fields: y = 2x + 1. */
export const SMOKE_SERVING_FIELDS = { input: 'x', target: 'y' } as const;
export const SMOKE_SERVING_COEFFICIENT = 2;
export const SMOKE_SERVING_INTERCEPT = 1;
/** The input of the call. */
export const SMOKE_SERVING_INPUT = 3;
/**
 * The request body (v1 protocol, one instance `[x]`), with a decimal point so that the server
 * reads a float, as the field's type `double` says.
 */
export const SMOKE_SERVING_REQUEST_BODY = `{"instances": [[${SMOKE_SERVING_INPUT.toFixed(1)}]]}`;
/** The prediction the call must get: 2 * 3 + 1. */
export const SMOKE_SERVING_EXPECTED =
  SMOKE_SERVING_COEFFICIENT * SMOKE_SERVING_INPUT + SMOKE_SERVING_INTERCEPT;
/** The Jobs that write and remove the model with the tenant's own object-store keys. */
export const SMOKE_SERVING_JOBS = {
  upload: 'smoke-serving-upload',
  remove: 'smoke-serving-remove',
} as const;
/** The tenant Secret with the tenant's keys, limited to its prefixes (`ScopedCredentialsRequest`). */
export const SMOKE_SERVING_CREDENTIALS_SECRET = 'mlpipeline-minio-artifact';

const PMML_NAMESPACE = 'http://www.dmg.org/PMML-4_4';

/**
 * A PMML 4.4 RegressionModel computing y = 2x + 1, for the kserve-pmmlserver runtime (format
 * `pmml`, versions 3 and 4) which evaluates it with jpmml-evaluator
 * (`python/pmmlserver/pmmlserver/model.py` at v0.18.0: the input fields are zipped with each
 * instance, the result is one record per instance keyed by the target field).
 * @see https://dmg.org/pmml/v4-4-1/Regression.html
 */
export function smokeServingPmml(): string {
  const { input, target } = SMOKE_SERVING_FIELDS;
  return `<?xml version="1.0" encoding="UTF-8"?>
<PMML xmlns="${PMML_NAMESPACE}" version="4.4">
  <Header description="smoke-serving.sh: ${target} = ${SMOKE_SERVING_COEFFICIENT}${input} + ${SMOKE_SERVING_INTERCEPT}"/>
  <DataDictionary numberOfFields="2">
    <DataField name="${input}" optype="continuous" dataType="double"/>
    <DataField name="${target}" optype="continuous" dataType="double"/>
  </DataDictionary>
  <RegressionModel modelName="${SMOKE_SERVING}" functionName="regression">
    <MiningSchema>
      <MiningField name="${input}" usageType="active"/>
      <MiningField name="${target}" usageType="target"/>
    </MiningSchema>
    <RegressionTable intercept="${SMOKE_SERVING_INTERCEPT}">
      <NumericPredictor name="${input}" coefficient="${SMOKE_SERVING_COEFFICIENT}"/>
    </RegressionTable>
  </RegressionModel>
</PMML>
`;
}

/** `private/<tenant>/smoke-serving/`: inside the tenant's own prefix, which its keys may write. */
export function smokeServingPrefix(tenant: string): string {
  return `private/${tenant}/${SMOKE_SERVING}/`;
}

const LABELS = {
  'app.kubernetes.io/name': SMOKE_SERVING,
  'app.kubernetes.io/part-of': 'mlops-platform',
};

/** Requests and limits of the `mc` container: one small object. */
const MC_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

export interface SmokeServingJobProps {
  readonly tenant: string;
  readonly action: 'upload' | 'remove';
  /** The MinIO client image (`MINIO_VERSIONS.client`, mirror applied). */
  readonly image: string;
  readonly objectStore: Required<SmokeServingObjectStore>;
}

/**
 * The Job that writes (`upload`) or deletes (`remove`) the model with the tenant's own keys,
 * read from its `mlpipeline-minio-artifact` Secret, so that it proves the tenant can publish a
 * model where its model pods read it. `mc alias set --api S3v4` skips mc's signature probe, which
 * lists buckets the tenant's policy does not grant. The pod is meshed like the model pods that
 * read the model (the storage initializer reaches the store through the sidecar, also in a STRICT
 * mesh); istiod injects the sidecar as a native sidecar (`ENABLE_NATIVE_SIDECARS`), so the Job
 * completes when `mc` exits.
 */
export function smokeServingJob(p: SmokeServingJobProps): Record<string, unknown> {
  const name = SMOKE_SERVING_JOBS[p.action];
  const object = `${p.objectStore.bucket}/${smokeServingPrefix(p.tenant)}${SMOKE_SERVING_MODEL_FILE}`;
  const command =
    p.action === 'upload'
      ? 'printf \'%s\' "$MODEL" | mc pipe "smoke/$OBJECT"'
      : 'mc rm --force "smoke/$OBJECT"';
  const secret = (key: string) => ({
    valueFrom: { secretKeyRef: { name: SMOKE_SERVING_CREDENTIALS_SECRET, key } },
  });
  const labels = { ...LABELS, 'app.kubernetes.io/component': `model-${p.action}` };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: p.tenant, labels },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 300,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: 'mc',
              image: p.image,
              command: [
                '/bin/sh',
                '-c',
                [
                  'set -eu',
                  'mc alias set smoke "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" --api S3v4 >/dev/null',
                  command,
                ].join('\n'),
              ],
              env: [
                { name: 'S3_ENDPOINT', value: p.objectStore.endpointUrl },
                { name: 'S3_ACCESS_KEY', ...secret(SCOPED_CREDENTIAL_KEYS.accessKey) },
                { name: 'S3_SECRET_KEY', ...secret(SCOPED_CREDENTIAL_KEYS.secretKey) },
                { name: 'OBJECT', value: object },
                ...(p.action === 'upload' ? [{ name: 'MODEL', value: smokeServingPmml() }] : []),
                { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
              ],
              resources: MC_RESOURCES,
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
        },
      },
    },
  };
}

export interface SmokeServingInferenceServiceProps {
  readonly tenant: string;
  readonly bucket: string;
  /** @default 'kserve-models' */
  readonly serviceAccount?: string;
}

/**
 * The InferenceService: the PMML model from the tenant's prefix, served by whichever runtime
 * supports format `pmml` (kserve-pmmlserver), one replica kept up so that the call does not wait
 * for a cold start, small resources (the server runs a JVM through Py4J).
 * @see https://github.com/kserve/kserve/blob/v0.18.0/pkg/apis/serving/v1beta1/predictor_model.go
 */
export function smokeServingInferenceService(
  p: SmokeServingInferenceServiceProps,
): Record<string, unknown> {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: SMOKE_SERVING, namespace: p.tenant, labels: LABELS },
    spec: {
      predictor: {
        serviceAccountName: p.serviceAccount ?? 'kserve-models',
        minReplicas: 1,
        maxReplicas: 1,
        model: {
          modelFormat: { name: 'pmml' },
          storageUri: `s3://${p.bucket}/${smokeServingPrefix(p.tenant)}`,
          resources: {
            requests: { cpu: '100m', memory: '512Mi' },
            limits: { cpu: '1', memory: '1Gi' },
          },
        },
      },
    },
  };
}

/** How the script reaches the model through the platform gateway. */
export interface SmokeServingGateway {
  /** The ingress domain of `inferenceservice-config`, the gateway's HTTPS host. */
  readonly host: string;
  /** The gateway's HTTPS port. */
  readonly port: number;
  /** The path prefix of one service (`pathTemplate`), `{{ .Namespace }}` and `{{ .Name }}` in it. */
  readonly pathTemplate?: string;
  /** The audience of the machine-to-machine rule, if the gateway admits service account tokens. */
  readonly audience?: string;
  /** The Service in front of the gateway pods, for `--port-forward`. */
  readonly service?: { readonly namespace: string; readonly name: string };
}

interface Server {
  hosts?: string[];
  port?: { number?: number; protocol?: string };
}

/** Selectors that can hold on the same pods: no key with two values. */
const consistent = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).some((k) => k in b) &&
  Object.entries(a).every(([k, v]) => !(k in b) || b[k] === v);

/**
 * Where serving is reached, read from the rendered objects: the controller's
 * `inferenceservice-config` (`ingress`: `ingressDomain`, `ingressGateway`, `pathTemplate`), the
 * Istio Gateway it names (its HTTPS server) and the Service selecting the same pods.
 * `undefined` without the ConfigMap.
 */
export function smokeServingGateway(rendered: RenderedPlatform): SmokeServingGateway | undefined {
  const objects = rendered.layers.flatMap((l) => l.objects);
  const controller = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === KSERVE_NAMES.deployment,
  );
  const config = objects.find(
    (o) =>
      o.kind === 'ConfigMap' &&
      o.metadata.name === KSERVE_NAMES.configMap &&
      o.metadata.namespace === controller?.metadata.namespace,
  );
  const ingressJson = (config?.data as Record<string, string> | undefined)?.ingress;
  if (!ingressJson) return undefined;
  const ingress = JSON.parse(ingressJson) as {
    ingressDomain?: string;
    ingressGateway?: string;
    pathTemplate?: string;
  };
  if (!ingress.ingressDomain) return undefined;
  const host = ingress.ingressDomain;
  const [gwNamespace, gwName] = (ingress.ingressGateway ?? '').split('/');
  const gateway = objects.find(
    (o) =>
      o.kind === 'Gateway' &&
      o.apiVersion.startsWith('networking.istio.io/') &&
      o.metadata.namespace === gwNamespace &&
      o.metadata.name === gwName,
  );
  const spec = gateway?.spec as
    { selector?: Record<string, string>; servers?: Server[] } | undefined;
  const https = spec?.servers?.find(
    (s) =>
      s.port?.protocol === 'HTTPS' &&
      (s.hosts ?? []).some((h) => h === host || h === '*' || h.endsWith(`/${host}`)),
  );
  const port = https?.port?.number ?? 443;
  const selector = spec?.selector;
  const service = selector
    ? objects.find((o) => {
        const s = o.spec as
          { selector?: Record<string, string>; ports?: { port?: number }[] } | undefined;
        return (
          o.kind === 'Service' &&
          o.metadata.namespace === gwNamespace &&
          !!s?.selector &&
          consistent(s.selector, selector) &&
          (s.ports ?? []).some((p) => p.port === port)
        );
      })
    : undefined;
  const template = ingress.pathTemplate;
  const pathTemplate =
    template && /^\/[^{}]*$/.test(template.replace(/\{\{\s*\.(Namespace|Name)\s*\}\}/g, 'x'))
      ? template
      : undefined;
  const audience = machineAudience(objects);
  return {
    host,
    port,
    ...(pathTemplate ? { pathTemplate } : {}),
    ...(audience ? { audience } : {}),
    ...(service ? { service: { namespace: gwNamespace, name: service.metadata.name } } : {}),
  };
}

/**
 * The URL of the smoke model's v1 predict endpoint on the gateway:
 * `https://<host>/serving/<tenant>/smoke-serving/v1/models/smoke-serving:predict` with Kubeflow's
 * path template. `undefined` without a path template (the services then have only their own
 * host names, which the platform gateway's certificate does not cover).
 */
export function smokeServingUrl(gateway: SmokeServingGateway, tenant: string): string | undefined {
  if (!gateway.pathTemplate) return undefined;
  const prefix = gateway.pathTemplate
    .replace(/\{\{\s*\.Namespace\s*\}\}/g, tenant)
    .replace(/\{\{\s*\.Name\s*\}\}/g, SMOKE_SERVING)
    .replace(/\/+$/, '');
  const port = gateway.port === 443 ? '' : `:${gateway.port}`;
  return `https://${gateway.host}${port}${prefix}/v1/models/${SMOKE_SERVING}:predict`;
}

/** The MinIO client as rendered (mirror included), else the pinned reference. */
function mcImage(rendered: RenderedPlatform): string {
  const { repository, tag } = MINIO_VERSIONS.client;
  return (
    rendered.images.find((i) => i.includes(`/${repository}:${tag}`)) ??
    imageReference(MINIO_VERSIONS.client)
  );
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Replaced with the tenant when the script runs (the tenant is checked to be a DNS label first). */
const TENANT_PLACEHOLDER = '@TENANT@';

function optionProblems(opts: SmokeServingOptions): string[] {
  const problems: string[] = [];
  for (const [key, value, example] of [
    ['modelServiceAccount', opts.modelServiceAccount, 'kserve-models'],
    ['serviceAccount', opts.serviceAccount, 'serving-smoke'],
  ] as const) {
    if (value !== undefined && !NAME.test(value)) {
      problems.push(
        `\`${key}\` is not a Kubernetes name (got "${value}"). Use lower-case letters, digits and '-', such as ${example}.`,
      );
    }
  }
  const endpoint = opts.objectStore.endpointUrl;
  if (endpoint !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?\/?$/.test(endpoint)) {
    problems.push(
      `\`objectStore.endpointUrl\` is not an http(s)://host[:port] URL (got "${endpoint}"). Use the store's endpoint as pods reach it, such as http://minio.minio.svc.cluster.local:9000.`,
    );
  }
  if (!BUCKET.test(opts.objectStore.bucket)) {
    problems.push(
      `\`objectStore.bucket\` is not a bucket name (got "${opts.objectStore.bucket}"). Use lower-case letters, digits, '.' and '-', such as mlpipeline.`,
    );
  }
  return problems;
}

/**
 * The S3 endpoint KServe's storage initializer reads models from (`credentials.s3` of
 * `inferenceservice-config`: `s3Endpoint` without a scheme, `s3UseHttps` "0" for plain HTTP, as
 * `pkg/credentials/s3/utils.go` at v0.18.0 reads them), as a URL.
 */
export function kserveS3Endpoint(rendered: RenderedPlatform): string | undefined {
  const objects = rendered.layers.flatMap((l) => l.objects);
  const controller = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === KSERVE_NAMES.deployment,
  );
  const config = objects.find(
    (o) =>
      o.kind === 'ConfigMap' &&
      o.metadata.name === KSERVE_NAMES.configMap &&
      o.metadata.namespace === controller?.metadata.namespace,
  );
  const credentials = (config?.data as Record<string, string> | undefined)?.credentials;
  if (!credentials) return undefined;
  const s3 = (JSON.parse(credentials) as { s3?: { s3Endpoint?: string; s3UseHttps?: string } }).s3;
  if (!s3?.s3Endpoint) return undefined;
  if (/^https?:\/\//.test(s3.s3Endpoint)) return s3.s3Endpoint;
  return `${s3.s3UseHttps === '0' ? 'http' : 'https'}://${s3.s3Endpoint}`;
}

/** A manifest as the script embeds it. */
const json = (value: unknown): string => JSON.stringify(value, null, 2);

/**
 * `smoke-serving.sh`: an opt-in check, run by an operator after install, that model serving works
 * for a tenant end to end: the tenant's keys write a model into its prefix, an InferenceService
 * reads it with the model service account and becomes Ready, and a service account token of the
 * tenant gets a prediction through the platform gateway. `undefined` when the platform has no
 * KServe controller.
 */
export function smokeServingScript(
  rendered: RenderedPlatform,
  opts: SmokeServingOptions,
): string | undefined {
  const problems = optionProblems(opts);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const objects = rendered.layers.flatMap((l) => l.objects);
  if (
    !objects.some((o) => o.kind === 'Deployment' && o.metadata.name === KSERVE_NAMES.deployment)
  ) {
    return undefined;
  }
  const modelSa = opts.modelServiceAccount ?? 'kserve-models';
  const sa = opts.serviceAccount ?? 'serving-smoke';
  const { bucket } = opts.objectStore;
  const endpointUrl = opts.objectStore.endpointUrl ?? kserveS3Endpoint(rendered);
  const store = { bucket, endpointUrl: endpointUrl ?? '' };
  const gateway = smokeServingGateway(rendered);
  const url = gateway && smokeServingUrl(gateway, TENANT_PLACEHOLDER);
  const audience = gateway?.audience;
  const tenants = objects
    .filter(
      (o) => o.kind === 'ServiceAccount' && o.metadata.name === modelSa && o.metadata.namespace,
    )
    .map((o) => o.metadata.namespace as string);
  const T = TENANT_PLACEHOLDER;
  const image = mcImage(rendered);
  const upload = json(smokeServingJob({ tenant: T, action: 'upload', image, objectStore: store }));
  const remove = json(smokeServingJob({ tenant: T, action: 'remove', image, objectStore: store }));
  const isvc = json(smokeServingInferenceService({ tenant: T, bucket, serviceAccount: modelSa }));
  const location = `s3://${bucket}/${smokeServingPrefix('$TENANT')}${SMOKE_SERVING_MODEL_FILE}`;
  const unreachable = !endpointUrl
    ? `KServe in "${rendered.environment}" has no S3 endpoint (credentials.s3 of ${KSERVE_NAMES.configMap}) and none was given: the smoke test could not write the model`
    : !gateway
      ? `the KServe configuration (${KSERVE_NAMES.configMap}) of "${rendered.environment}" has no ingress domain; the smoke test could not call the model`
      : !url
        ? `KServe in "${rendered.environment}" has no path-based routing (serving.ingress pathTemplate): services are not reachable under /serving/ on the gateway; the smoke test could not call the model`
        : !audience
          ? `the gateway of "${rendered.environment}" does not admit service account tokens: configure identity.machineToMachine; the smoke test could not call the model`
          : '';
  const host = gateway?.host ?? '';
  const port = gateway?.port ?? 443;
  const service = gateway?.service;

  return `#!/usr/bin/env bash
# Smoke test of model serving (KServe) in the environment "${rendered.environment}":
# 1. a Job writes a PMML model (${SMOKE_SERVING_FIELDS.target} = ${SMOKE_SERVING_COEFFICIENT}${SMOKE_SERVING_FIELDS.input} + ${SMOKE_SERVING_INTERCEPT}) with the tenant's own object-store keys
#    to s3://${bucket}/private/<tenant>/${SMOKE_SERVING}/${SMOKE_SERVING_MODEL_FILE};
# 2. the InferenceService ${SMOKE_SERVING} serves it as the service account ${modelSa};
# 3. a token of the tenant's service account ${sa} (bound to kubeflow-view there) asks it
#    through the gateway for ${SMOKE_SERVING_FIELDS.input} = ${SMOKE_SERVING_INPUT}, expecting ${SMOKE_SERVING_EXPECTED}.
# Then the InferenceService, the model and the Jobs are removed (--keep leaves them).
#
#   bash smoke-serving.sh [--keep] [--timeout <duration>]
#     [--resolve <address>${service ? ' | --port-forward' : ''}] <tenant>
#${tenants.length > 0 ? `\n# Tenants with model serving: ${tenants.join(', ')}.\n#` : ''}
# --timeout (or TIMEOUT, 600s) bounds the wait for the InferenceService to become Ready.
# The call goes to https://${host}${port === 443 ? '' : `:${port}`}; --resolve <address> sends it to
# that address of the gateway instead of what DNS says${
    service
      ? `, --port-forward through a kubectl
# port-forward to svc/${service.name} in ${service.namespace}`
      : ''
  }. curl honours CURL_CA_BUNDLE, e.g. the
# platform-ca.crt of README.md, "Logging in". KUBECTL="kubectl --context prod" chooses the
# cluster. Needs kubectl, curl and awk (no jq).
# Generated by mlops-blueprint; re-running it is safe.
set -euo pipefail
read -r -a KUBECTL_CMD <<< "\${KUBECTL:-kubectl}"
kc() { "\${KUBECTL_CMD[@]}" "$@"; }
fail() { echo "smoke-serving: $*" >&2; exit 1; }
usage() { echo "Usage: bash $0 [--keep] [--timeout <duration>] [--resolve <address>${service ? ' | --port-forward' : ''}] <tenant>" >&2; exit 2; }
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
  [ -z "$rest" ] && [ "$1" != "" ] || { echo "The timeout must be a duration such as 600s, 15m or 1h30m (got '$1')." >&2; exit 2; }
  echo "$total"
}

TIMEOUT="\${TIMEOUT:-600s}" KEEP=0 RESOLVE= PORT_FORWARD=0 TENANT=
while [ $# -gt 0 ]; do
  case $1 in
    --keep) KEEP=1 ;;
    --timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift ;;
    --timeout=*) TIMEOUT=\${1#--timeout=} ;;
    --resolve) [ $# -ge 2 ] || usage; RESOLVE=$2; shift ;;
    --resolve=*) RESOLVE=\${1#--resolve=} ;;
${
  service
    ? '    --port-forward) PORT_FORWARD=1 ;;'
    : `    --port-forward) echo "--port-forward needs the Service in front of the gateway, which \\"${rendered.environment}\\" does not render; use --resolve <address>." >&2; exit 2 ;;`
}
    -*) usage ;;
    *) [ -z "$TENANT" ] || usage; TENANT=$1 ;;
  esac
  shift
done
[ -n "$TENANT" ] || usage
[[ $TENANT =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "The tenant must be a namespace name (got '$TENANT')." >&2; exit 2; }
[[ -z $RESOLVE || $RESOLVE =~ ^[0-9A-Fa-f.:]+$ ]] || { echo "--resolve takes an IP address of the gateway (got '$RESOLVE')." >&2; exit 2; }
[ -z "$RESOLVE" ] || [ "$PORT_FORWARD" = 0 ] || { echo "--resolve and --port-forward exclude each other." >&2; exit 2; }
TIMEOUT_SECONDS=$(seconds_of "$TIMEOUT")
${unreachable ? `fail ${shellQuote(`${unreachable}.`)}\n` : ''}
for tool in "\${KUBECTL_CMD[0]}" curl awk mktemp; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; this script needs kubectl, curl and awk."
done
kc get namespace "$TENANT" >/dev/null 2>&1 || fail "Namespace $TENANT does not exist (or kubectl cannot read it). Give a tenant of this environment."
kc -n "$TENANT" get serviceaccount ${modelSa} >/dev/null 2>&1 || fail "Service account $TENANT/${modelSa} not found: $TENANT is not a model serving tenant of this environment."
kc -n "$TENANT" get secret ${SMOKE_SERVING_CREDENTIALS_SECRET} >/dev/null 2>&1 || fail "Secret $TENANT/${SMOKE_SERVING_CREDENTIALS_SECRET} not found: the tenant has no object-store keys (install.sh, or the Secret the install lists for an external store)."
kc get clusterrole kubeflow-view >/dev/null 2>&1 || fail "ClusterRole kubeflow-view not found: the tenant roles of Kubeflow are missing (install.sh)."

HOST=${host}
PORT=${port}
URL=${url ?? ''}
URL=\${URL//${T}/$TENANT}
MODEL="${location}"
WORK=$(mktemp -d)
PF_PID= UPLOADED= SERVED=
# A manifest from a quoted here-document, with the tenant put in.
manifest() { local m; m=$(cat); printf '%s\\n' "\${m//${T}/$TENANT}"; }
apply() { kc apply --server-side --field-manager=mlops-blueprint -f - >/dev/null; }
# Waits until Job $1 completes: 0, or 1 with the last lines of its log when it failed or timed out.
wait_job() {
  local name=$1 deadline=$((SECONDS + 300)) state
  while :; do
    state=$(kc -n "$TENANT" get job "$name" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null) || state=
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) break ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 2
  done
  echo "smoke-serving: Job $TENANT/$name did not complete\${state:+ ($state)}; its log ends:" >&2
  kc -n "$TENANT" logs "job/$name" --tail=5 >&2 2>/dev/null || true
  return 1
}
remove_model() {
  kc -n "$TENANT" delete job ${SMOKE_SERVING_JOBS.remove} --ignore-not-found --wait=true >/dev/null 2>&1 || true
  manifest <<'JOB' | apply && wait_job ${SMOKE_SERVING_JOBS.remove}
${remove}
JOB
}
cleanup() {
  local status=$?
  if [ "$KEEP" = 1 ]; then
    [ -z "$UPLOADED" ] || echo "Kept (--keep): InferenceService $TENANT/${SMOKE_SERVING}, the model $MODEL and the Job ${SMOKE_SERVING_JOBS.upload}; run without --keep to remove them."
  else
    if [ -n "$SERVED" ]; then
      kc -n "$TENANT" delete inferenceservice ${SMOKE_SERVING} --ignore-not-found --wait=true >/dev/null 2>&1 && echo "Deleted InferenceService $TENANT/${SMOKE_SERVING}." || echo "smoke-serving: could not delete InferenceService $TENANT/${SMOKE_SERVING}; delete it with kubectl." >&2
    fi
    if [ -n "$UPLOADED" ]; then
      remove_model && echo "Removed the model $MODEL." || echo "smoke-serving: could not remove the model $MODEL; remove it with the tenant's keys." >&2
      kc -n "$TENANT" delete job ${SMOKE_SERVING_JOBS.upload} ${SMOKE_SERVING_JOBS.remove} --ignore-not-found >/dev/null 2>&1 || true
    fi
  fi
  [ -z "$PF_PID" ] || kill "$PF_PID" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> model $MODEL, written with the keys of $TENANT"
# A Job's template cannot change and a finished Job never runs again: start from none.
kc -n "$TENANT" delete job ${SMOKE_SERVING_JOBS.upload} ${SMOKE_SERVING_JOBS.remove} --ignore-not-found --wait=true >/dev/null
UPLOADED=1
manifest <<'JOB' | apply
${upload}
JOB
wait_job ${SMOKE_SERVING_JOBS.upload} || fail "Could not write the model with the keys of $TENANT (Secret ${SMOKE_SERVING_CREDENTIALS_SECRET})."

echo "==> InferenceService $TENANT/${SMOKE_SERVING} (format pmml, service account ${modelSa}), waiting up to $TIMEOUT"
SERVED=1
manifest <<'ISVC' | apply
${isvc}
ISVC
if ! kc -n "$TENANT" wait --for=condition=Ready inferenceservice/${SMOKE_SERVING} --timeout="\${TIMEOUT_SECONDS}s" >/dev/null 2>&1; then
  why=$(kc -n "$TENANT" get inferenceservice ${SMOKE_SERVING} -o jsonpath='{range .status.conditions[?(@.status!="True")]}{.type}: {.reason} {.message}; {end}' 2>/dev/null) || why=
  fail "InferenceService $TENANT/${SMOKE_SERVING} did not become Ready within $TIMEOUT: \${why:-no condition says why; see kubectl -n $TENANT describe inferenceservice ${SMOKE_SERVING} (--keep keeps it)}"
fi
echo "    Ready: $(kc -n "$TENANT" get inferenceservice ${SMOKE_SERVING} -o jsonpath='{.status.url}')"

echo "==> service account ${sa} in $TENANT, bound to kubeflow-view"
kc -n "$TENANT" create serviceaccount ${sa} --dry-run=client -o yaml | apply
kc -n "$TENANT" create rolebinding ${sa} --clusterrole=kubeflow-view --serviceaccount="$TENANT:${sa}" --dry-run=client -o yaml | apply
TOKEN=$(kc -n "$TENANT" create token ${sa} --audience ${audience ?? "''"} --duration 600s) || fail "Cannot create a token for $TENANT/${sa}."
# Read by curl from a file, so that the token never shows in the process list.
printf 'Authorization: Bearer %s\\n' "$TOKEN" > "$WORK/auth"
printf '%s' ${shellQuote(SMOKE_SERVING_REQUEST_BODY)} > "$WORK/request.json"

CURL_ARGS=(-sS --max-time 60 -o "$WORK/answer" -w '%{http_code}' -X POST -H @"$WORK/auth" -H 'Content-Type: application/json' --data-binary @"$WORK/request.json")
if [ -n "$RESOLVE" ]; then
  [[ $RESOLVE != *:* ]] || RESOLVE="[$RESOLVE]"
  CURL_ARGS+=(--resolve "$HOST:$PORT:$RESOLVE")
elif [ "$PORT_FORWARD" = 1 ]; then
  # Created before kubectl starts, so that reading it never races the background redirect.
  : > "$WORK/port-forward"
  "\${KUBECTL_CMD[@]}" -n ${service?.namespace ?? ''} port-forward svc/${service?.name ?? ''} :$PORT > "$WORK/port-forward" 2>&1 &
  PF_PID=$!
  deadline=$((SECONDS + 30))
  until [[ $(cat "$WORK/port-forward") =~ 127[.]0[.]0[.]1:([0-9]+) ]]; do
    kill -0 "$PF_PID" 2>/dev/null || fail "kubectl port-forward to svc/${service?.name ?? ''} in ${service?.namespace ?? ''} stopped: $(tail -n 1 "$WORK/port-forward")"
    [ "$SECONDS" -lt "$deadline" ] || fail "kubectl port-forward to svc/${service?.name ?? ''} in ${service?.namespace ?? ''} did not start within 30s."
    sleep 0.2
  done
  CURL_ARGS+=(--connect-to "$HOST:$PORT:127.0.0.1:\${BASH_REMATCH[1]}")
fi

echo "==> POST $URL as system:serviceaccount:$TENANT:${sa}"
# Right after Ready the route may still be on its way to the gateway: a few tries for 404 and 5xx.
for attempt in 1 2 3 4 5 6; do
  : > "$WORK/answer"
  CODE=$(curl "\${CURL_ARGS[@]}" "$URL" 2> "$WORK/curl-error") || CODE=
  case $CODE in
    404 | 502 | 503 | 504) [ "$attempt" = 6 ] || { sleep 5; continue; } ;;
  esac
  break
done
case $CODE in
  200) ;;
  '' | 000) fail "No answer from $HOST:$PORT ($(head -n 1 "$WORK/curl-error")). Reach the gateway with --resolve <address>${service ? ' or --port-forward' : ''}." ;;
  401) fail "The gateway refused the token (HTTP 401): is its audience ${audience ?? ''} the one identity.machineToMachine sets, and can istiod read the issuer's keys?" ;;
  403) fail "Access denied (HTTP 403) to system:serviceaccount:$TENANT:${sa}: $(head -c 300 "$WORK/answer")" ;;
  *) fail "POST $URL failed (HTTP $CODE): $(head -c 300 "$WORK/answer")" ;;
esac
PREDICTION=$(awk '{ buf = buf $0 } END { if (match(buf, /"${SMOKE_SERVING_FIELDS.target}"[ \\t\\r\\n]*:[ \\t\\r\\n]*-?[0-9][0-9.eE+-]*/)) { s = substr(buf, RSTART, RLENGTH); sub(/^[^:]*:[ \\t\\r\\n]*/, "", s); print s } }' "$WORK/answer")
[ -n "$PREDICTION" ] || fail "The answer has no prediction ${SMOKE_SERVING_FIELDS.target}: $(head -c 300 "$WORK/answer")"
awk -v p="$PREDICTION" 'BEGIN { exit !(p + 0 == ${SMOKE_SERVING_EXPECTED}) }' || fail "The model predicted ${SMOKE_SERVING_FIELDS.target} = $PREDICTION for ${SMOKE_SERVING_FIELDS.input} = ${SMOKE_SERVING_INPUT}, not ${SMOKE_SERVING_EXPECTED}."
echo "Model serving works in $TENANT: ${SMOKE_SERVING_FIELDS.target} = $PREDICTION for ${SMOKE_SERVING_FIELDS.input} = ${SMOKE_SERVING_INPUT}, through the gateway."
`;
}

/** A string as one single-quoted shell word. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
