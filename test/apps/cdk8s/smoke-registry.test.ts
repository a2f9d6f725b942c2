import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MODEL_REGISTRY_PATHS,
  smokeRegistryImage,
  smokeRegistryJob,
  smokeRegistryProgram,
  smokeRegistryScript,
  smokeRegistryStorageUri,
  smokeRegistryTargets,
} from '../../../apps/cdk8s/smoke-registry';
import { LAYERS } from '../../../constructs/core/layers';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';

// smoke-registry.sh, generated from a hand-made RenderedPlatform with the few objects the
// generator reads, run with bash against a stand-in kubectl; and its Python program, run with
// python3 (when there is one) against a stand-in `mlflow` module and a stand-in registry that
// answers the REST paths as Kubeflow Hub does.
//
// Facts (kubeflow/hub v0.3.8, `api/openapi/model-registry.yaml`; v0.3.9 changed no path):
// - API base `/api/model_registry/v1alpha3`;
// - `GET /registered_model?name=` (findRegisteredModel) and `GET /model_version?name=&parentResourceId=`
//   (findModelVersion) answer 404 when nothing matches;
// - `POST /registered_models` (RegisteredModelCreate: `name` required), `POST /model_versions`
//   (ModelVersionCreate: `name`, `registeredModelId` required), both 201;
// - `GET|POST /model_versions/{modelversionId}/artifacts` (getModelVersionArtifacts with
//   `artifactType`, `orderBy` CREATE_TIME|LAST_UPDATE_TIME|ID, `sortOrder` ASC|DESC;
//   upsertModelVersionArtifact of an Artifact discriminated by `artifactType: model-artifact`,
//   with `uri` and the `modelSource*` fields); lists are `{ items, size, pageSize, nextPageToken }`.
// The storage initializer resolves `model-registry://<model>/<version>` with the same finds and
// takes the newest artifact, which must be a model artifact with a uri
// (`cmd/csi/internal/storage/modelregistry_provider.go` at v0.3.8).
// MLflow's client sends the pod's token and namespace with MLFLOW_TRACKING_AUTH=kubernetes
// (`mlflow/tracking/request_auth/kubernetes_request_auth_provider.py`); the image's entrypoint
// is `mlflow` (kubeflow/mlflow-integration `Dockerfile`, python:3.12-slim).

const TENANT = 'team-demo';
const MLFLOW_IMAGE = 'ghcr.io/kubeflow/mlflow-integration:v1.6.0';
const TRACKING_URI = 'http://mlflow-workloads.kubeflow.svc.cluster.local:5000/mlflow';
const TENANT_REGISTRY = 'http://model-registry-service.team-demo.svc.cluster.local:8080';
const SHARED_REGISTRY = 'http://model-registry-service.kubeflow.svc.cluster.local:8080';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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

const deployment = (namespace: string, name: string, image?: string): KubeObject =>
  obj(
    'Deployment',
    namespace,
    name,
    image ? { spec: { template: { spec: { containers: [{ name: 'mlflow', image }] } } } } : {},
    'apps/v1',
  );

const MLFLOW = deployment('kubeflow', 'mlflow-workloads', MLFLOW_IMAGE);
const TENANT_REGISTRY_OBJECTS = [
  deployment(TENANT, 'model-registry-deployment'),
  obj('Service', TENANT, 'model-registry-service'),
  obj('Service', 'team-other', 'model-registry-service'),
];
const SHARED_REGISTRY_OBJECTS = [
  deployment('kubeflow', 'model-registry-deployment'),
  obj('Service', 'kubeflow', 'model-registry-service'),
];

function platform(
  objects: readonly KubeObject[],
  images: readonly string[] = [MLFLOW_IMAGE],
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

const BOTH = platform([MLFLOW, ...TENANT_REGISTRY_OBJECTS]);
const SHARED = platform([MLFLOW, ...SHARED_REGISTRY_OBJECTS]);
const TRACKING_ONLY = platform([MLFLOW]);
const REGISTRY_ONLY = platform(TENANT_REGISTRY_OBJECTS, []);

const RUN_ID = '0123456789abcdef0123456789abcdef';
const GOOD_LOG = [
  '==> MLflow 3.15.2 at http://mlflow-workloads.kubeflow.svc.cluster.local:5000/mlflow, experiment smoke-tracking',
  `RUN_ID=${RUN_ID}`,
  '==> model registry at http://model-registry-service.team-demo.svc.cluster.local:8080',
  `STORAGE_URI=model-registry://smoke-model/${RUN_ID}`,
  'smoke-registry: OK',
].join('\n');

// --- Stand-in kubectl ---

/**
 * Records each call; saves what `apply -f -` reads; answers the existence checks by $MISSING
 * (a word per missing object), the Job's conditions by $JOB_STATE, its log by $LOG and the pods'
 * state by $PODS.
 */
const FAKE_KUBECTL = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_DIR/kubectl.log"
missing() { case " $MISSING " in *" $1 "*) exit 1 ;; esac; }
case "$*" in
  *"get namespace"*) missing namespace ;;
  *"get serviceaccount default-editor"*) missing serviceaccount ;;
  *"-n kubeflow get service mlflow-workloads"*) missing mlflow ;;
  *"get service model-registry-service"*) missing registry ;;
  *"get job smoke-registry -o jsonpath"*) printf '%s' "$JOB_STATE" ;;
  *"logs job/smoke-registry -c smoke"*) printf '%s\\n' "$LOG" ;;
  *"get pods -l job-name=smoke-registry"*) printf '%s' "$PODS" ;;
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-registry-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0.2\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'smoke-registry.sh'), script, { mode: 0o755 });
    const r = spawnSync('bash', [path.join(dir, 'smoke-registry.sh'), ...args], {
      encoding: 'utf8',
      timeout: 30000,
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        FAKE_DIR: dir,
        KUBECTL: `${path.join(bin, 'kubectl')} --context prod`,
        MISSING: '',
        JOB_STATE: 'Complete',
        LOG: GOOD_LOG,
        PODS: '',
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

const containerOf = (job: Json): Json => job.spec.template.spec.containers[0] as Json;
const envOf = (job: Json): Record<string, string> =>
  Object.fromEntries(
    (containerOf(job).env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
  );

describe('smokeRegistryScript', () => {
  test('no script without MLflow and without a registry; either alone is enough', () => {
    expect(smokeRegistryScript(platform([]))).toBe(undefined);
    expect(
      smokeRegistryScript(
        platform([deployment('kubeflow', 'mlflow'), deployment('other', 'mlflow-workloads')]),
      ),
    ).toBe(undefined);
    expect(smokeRegistryScript(platform([obj('Service', 'kubeflow', 'model-catalog')]))).toBe(
      undefined,
    );
    for (const p of [BOTH, SHARED, TRACKING_ONLY, REGISTRY_ONLY]) {
      expect(smokeRegistryScript(p)).toMatch(/^#!\/usr\/bin\/env bash\n/);
    }
    // A registry Service alone, or its Deployment alone, counts.
    expect(
      smokeRegistryTargets(platform([obj('Service', TENANT, 'model-registry-service')])),
    ).toEqual({ registry: { mode: 'perTenant', tenants: [TENANT] } });
    expect(
      smokeRegistryTargets(platform([deployment('kubeflow', 'model-registry-deployment')])),
    ).toEqual({ registry: { mode: 'shared' } });
  });

  test('what is rendered: the workloads tracking server, the registry per tenant or shared', () => {
    expect(smokeRegistryTargets(BOTH)).toEqual({
      trackingUri: TRACKING_URI,
      registry: { mode: 'perTenant', tenants: ['team-demo', 'team-other'] },
    });
    expect(smokeRegistryTargets(SHARED)).toEqual({
      trackingUri: TRACKING_URI,
      registry: { mode: 'shared' },
    });
    expect(smokeRegistryTargets(TRACKING_ONLY)).toEqual({ trackingUri: TRACKING_URI });
    expect(smokeRegistryTargets(platform([]))).toEqual({});
  });

  test('bash -n accepts every variant; strict mode; kubectl only; header within 100 columns', () => {
    for (const p of [BOTH, SHARED, TRACKING_ONLY, REGISTRY_ONLY]) {
      const script = smokeRegistryScript(p) ?? '';
      const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(script).toContain('set -euo pipefail');
      expect(script).not.toMatch(/\bcurl\b|\bjq\b/);
      expect(script.split('\n').filter((l) => l.startsWith('#') && l.length > 100)).toEqual([]);
    }
    expect(smokeRegistryScript(BOTH)).toContain(
      '# Tenants with a model registry: team-demo, team-other.\n',
    );
    expect(smokeRegistryScript(SHARED)).not.toContain('# Tenants');
  });

  test('the image is the MLflow server as rendered (mirror included), else pinned, or given', () => {
    expect(smokeRegistryImage(BOTH)).toBe(MLFLOW_IMAGE);
    const mirrored = 'registry.example.com/kubeflow/mlflow-integration:v1.6.0';
    // The Deployment's own image first.
    expect(
      smokeRegistryImage(platform([deployment('kubeflow', 'mlflow-workloads', mirrored)])),
    ).toBe(mirrored);
    // Then the bill of materials, then the pinned reference.
    expect(smokeRegistryImage(platform(TENANT_REGISTRY_OBJECTS, ['quay.io/x/y:1', mirrored]))).toBe(
      mirrored,
    );
    expect(smokeRegistryImage(REGISTRY_ONLY)).toBe(MLFLOW_IMAGE);
    const r = run(
      smokeRegistryScript(platform([deployment('kubeflow', 'mlflow-workloads', mirrored)])),
      [TENANT],
    );
    expect(containerOf(r.applied[0]).image).toBe(mirrored);
    const given = 'registry.example.com/library/python:3.12-slim';
    expect(smokeRegistryScript(REGISTRY_ONLY, { image: given })).toContain(`"image": "${given}"`);
    expect(() => smokeRegistryScript(BOTH, { image: 'python; rm -rf /' })).toThrow(
      '`image` is not an image reference (got "python; rm -rf /"). Use registry/repository:tag, such as ghcr.io/kubeflow/mlflow-integration:v1.6.0.',
    );
  });
});

describe('the Job', () => {
  const job = smokeRegistryJob({
    tenant: TENANT,
    image: MLFLOW_IMAGE,
    trackingUri: TRACKING_URI,
    registryUrl: TENANT_REGISTRY,
  }) as Json;

  test('in the tenant, as default-editor with its token, in the mesh, restricted', () => {
    expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
    expect(job.metadata).toEqual({
      name: 'smoke-registry',
      namespace: TENANT,
      labels: {
        'app.kubernetes.io/name': 'smoke-registry',
        'app.kubernetes.io/part-of': 'mlops-platform',
      },
    });
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(1800);
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    // Nothing keeps the pod out of the mesh: the registry is called through the sidecar.
    expect(JSON.stringify(job)).not.toContain('sidecar.istio.io');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('default-editor');
    // MLflow's Kubernetes auth provider reads the token and namespace from the mounted files.
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toHaveLength(1);
    const c = containerOf(job);
    expect(c.name).toBe('smoke');
    expect(c.image).toBe(MLFLOW_IMAGE);
    // The image's entrypoint is `mlflow`: the command replaces it.
    expect(c.command).toEqual(['python']);
    expect(c.args).toEqual(['-c', smokeRegistryProgram()]);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '384Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ]);
  });

  test('the environment names the tracking server with Kubernetes auth, and the registry', () => {
    expect(envOf(job)).toEqual({
      MLFLOW_TRACKING_URI: TRACKING_URI,
      MLFLOW_TRACKING_AUTH: 'kubernetes',
      MLFLOW_WORKSPACE: TENANT,
      MLFLOW_DISABLE_TELEMETRY: 'true',
      MODEL_REGISTRY_URL: TENANT_REGISTRY,
      HOME: '/tmp',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    });
    const registryOnly = smokeRegistryJob({
      tenant: TENANT,
      image: MLFLOW_IMAGE,
      registryUrl: SHARED_REGISTRY,
    }) as Json;
    expect(Object.keys(envOf(registryOnly))).toEqual([
      'MODEL_REGISTRY_URL',
      'HOME',
      'PYTHONDONTWRITEBYTECODE',
      'PYTHONUNBUFFERED',
    ]);
    const trackingOnly = smokeRegistryJob({
      tenant: TENANT,
      image: MLFLOW_IMAGE,
      trackingUri: TRACKING_URI,
    }) as Json;
    expect(envOf(trackingOnly).MODEL_REGISTRY_URL).toBe(undefined);
    expect(envOf(trackingOnly).MLFLOW_TRACKING_AUTH).toBe('kubernetes');
  });

  test('the program: the REST paths of the OpenAPI spec, no `$` for Kubernetes to expand', () => {
    const program = smokeRegistryProgram();
    expect(program).not.toContain('$');
    expect(MODEL_REGISTRY_PATHS).toEqual({
      findRegisteredModel: '/registered_model',
      registeredModels: '/registered_models',
      findModelVersion: '/model_version',
      modelVersions: '/model_versions',
      modelVersionArtifacts: '/model_versions/{modelversionId}/artifacts',
    });
    expect(program).toContain('API = "/api/model_registry/v1alpha3"');
    expect(program).toContain('call("GET", "/registered_model", query={"name": MODEL}');
    expect(program).toContain('call("POST", "/registered_models", {"name": MODEL');
    expect(program).toContain(
      'call("GET", "/model_version", query={"name": version, "parentResourceId": model["id"]}',
    );
    expect(program).toContain(
      'call("POST", "/model_versions", {"name": version, "registeredModelId": model["id"]',
    );
    expect(program).toContain('"/model_versions/" + found["id"] + "/artifacts"');
    expect(program).toContain(
      '{"artifactType": "model-artifact", "name": MODEL + "-" + version, "uri": uri}',
    );
    expect(program).toContain('query={"orderBy": "CREATE_TIME", "sortOrder": "DESC"}');
    expect(program).toContain('EXPERIMENT = "smoke-tracking"');
    expect(program).toContain('MODEL = "smoke-model"');
    expect(program).toContain('client.get_run(run_id)');
    expect(program).toContain('client.list_artifacts(run_id, "smoke")');
    expect(program).toContain('say("STORAGE_URI=model-registry://" + MODEL + "/" + version)');
    expect(smokeRegistryStorageUri('v1')).toBe('model-registry://smoke-model/v1');
  });
});

// --- The program in python3, against stand-ins ---

const PYTHON = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * Runs the program `runs` times in one process: a stand-in `mlflow` module (a run per call, ids
 * 000...1, 000...2; what it logs is what it reads back unless $BROKEN names a part) and a
 * stand-in registry on 127.0.0.1 keeping its entities in memory as Kubeflow Hub answers them (404
 * on a find without a match, 201 on create, lists with `items`). Prints one JSON line per run:
 * the exit status, the output, and the registry calls.
 */
const HARNESS = String.raw`
import contextlib, io, json, os, sys, threading, types, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

program = open(sys.argv[1]).read()
runs = int(sys.argv[2])
broken = os.environ.get("BROKEN", "")
state = {"models": [], "versions": [], "artifacts": [], "calls": []}
API = "/api/model_registry/v1alpha3"


class Registry(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        body = None
        if method == "POST":
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        state["calls"].append([method, url.path, q, body])
        p = url.path[len(API):] if url.path.startswith(API) else None
        if p == "/registered_model" and method == "GET":
            found = [m for m in state["models"] if m["name"] == q.get("name")]
            return self.answer(200, found[0]) if found else self.answer(404, {"code": "404", "message": "not found"})
        if p == "/registered_models" and method == "POST":
            m = dict(body, id=str(len(state["models"]) + 1))
            state["models"].append(m)
            return self.answer(201, m)
        if p == "/model_version" and method == "GET":
            found = [v for v in state["versions"] if v["name"] == q.get("name") and v["registeredModelId"] == q.get("parentResourceId")]
            return self.answer(200, found[0]) if found else self.answer(404, {"code": "404", "message": "not found"})
        if p == "/model_versions" and method == "POST":
            v = dict(body, id=str(100 + len(state["versions"]) + 1))
            state["versions"].append(v)
            return self.answer(201, v)
        if p and p.startswith("/model_versions/") and p.endswith("/artifacts"):
            vid = p.split("/")[2]
            if method == "POST":
                a = dict(body, id=str(200 + len(state["artifacts"]) + 1), parent=vid)
                if broken == "artifact":
                    a["uri"] = "s3://elsewhere/"
                state["artifacts"].append(a)
                return self.answer(201, a)
            items = [a for a in state["artifacts"] if a["parent"] == vid]
            if q.get("artifactType"):
                items = [a for a in items if a["artifactType"] == q["artifactType"]]
            if q.get("sortOrder") == "DESC":
                items = list(reversed(items))
            return self.answer(200, {"items": items, "size": len(items), "pageSize": 100, "nextPageToken": ""})
        return self.answer(500, {"message": "unexpected " + method + " " + self.path})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")


server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
threading.Thread(target=server.serve_forever, daemon=True).start()
if os.environ.get("MODEL_REGISTRY_URL", "").startswith("stand-in"):
    os.environ["MODEL_REGISTRY_URL"] = "http://127.0.0.1:" + str(server.server_address[1]) + os.environ["MODEL_REGISTRY_URL"][len("stand-in"):]

logged = {"runs": 0}


class Run:
    def __init__(self, run_id):
        self.info = types.SimpleNamespace(run_id=run_id, status="FINISHED", experiment_id="7", artifact_uri="mlflow-artifacts:/7/" + run_id + "/artifacts")
        self.data = types.SimpleNamespace(params={}, metrics={}, files={})


current = {}


@contextlib.contextmanager
def start_run(run_name=None):
    logged["runs"] += 1
    run = Run(str(logged["runs"]).rjust(32, "0"))
    current["run"] = run
    yield run


def log_text(text, name):
    current["run"].data.files[name] = "garbled" if broken == "text" else text


mlflow = types.ModuleType("mlflow")
mlflow.__version__ = "3.15.2"
mlflow.get_tracking_uri = lambda: os.environ["MLFLOW_TRACKING_URI"]
mlflow.set_experiment = lambda name: current.__setitem__("experiment", name)
mlflow.start_run = start_run
mlflow.log_param = lambda k, v: current["run"].data.params.__setitem__(k, v)
mlflow.log_metric = lambda k, v: current["run"].data.metrics.__setitem__(k, 0.5 if broken == "metric" else v)
mlflow.log_text = log_text


class MlflowClient:
    def get_run(self, run_id):
        return current["run"]

    def list_artifacts(self, run_id, prefix):
        return [types.SimpleNamespace(path=p) for p in current["run"].data.files if p.startswith(prefix + "/")]


mlflow.MlflowClient = MlflowClient
mlflow.artifacts = types.SimpleNamespace(load_text=lambda uri: current["run"].data.files[uri[len("runs:/" + current["run"].info.run_id + "/"):]])
sys.modules["mlflow"] = mlflow

for n in range(runs):
    state["calls"] = []
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            exec(compile(program, "program", "exec"), {"__name__": "__main__"})
        except SystemExit as e:
            status = e.code
    print(json.dumps({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue(), "calls": state["calls"], "experiment": current.get("experiment")}))
server.shutdown()
`;

interface ProgramRun {
  status: number;
  stdout: string;
  stderr: string;
  calls: [string, string, Record<string, string>, Json | null][];
  experiment: string | null;
}

function runProgram(runs: number, env: Record<string, string>): ProgramRun[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-registry-py-'));
  try {
    fs.writeFileSync(path.join(dir, 'program.py'), smokeRegistryProgram());
    fs.writeFileSync(path.join(dir, 'harness.py'), HARNESS);
    const r = spawnSync(
      'python3',
      [path.join(dir, 'harness.py'), path.join(dir, 'program.py'), String(runs)],
      {
        encoding: 'utf8',
        timeout: 30000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      },
    );
    if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProgramRun);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const BASE = '/api/model_registry/v1alpha3';
const RUN_1 = '1'.padStart(32, '0');
const RUN_2 = '2'.padStart(32, '0');

(PYTHON ? describe : describe.skip)('the program, run by python3 against stand-ins', () => {
  test('it parses as Python', () => {
    const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
      input: smokeRegistryProgram(),
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  test('tracking and registry: a run, then its artifacts registered as a version named after it', () => {
    const [first, second] = runProgram(2, {
      MLFLOW_TRACKING_URI: TRACKING_URI,
      MODEL_REGISTRY_URL: 'stand-in',
    });
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.experiment).toBe('smoke-tracking');
    const lines = first.stdout.split('\n');
    expect(lines).toContain(`RUN_ID=${RUN_1}`);
    expect(lines[lines.length - 3]).toBe(`STORAGE_URI=model-registry://smoke-model/${RUN_1}`);
    expect(lines[lines.length - 2]).toBe('smoke-registry: OK');
    expect(first.calls).toEqual([
      ['GET', `${BASE}/registered_model`, { name: 'smoke-model' }, null],
      [
        'POST',
        `${BASE}/registered_models`,
        {},
        { name: 'smoke-model', description: 'Registered by smoke-registry.sh' },
      ],
      ['GET', `${BASE}/model_version`, { name: RUN_1, parentResourceId: '1' }, null],
      [
        'POST',
        `${BASE}/model_versions`,
        {},
        { name: RUN_1, registeredModelId: '1', author: 'smoke-registry.sh' },
      ],
      ['GET', `${BASE}/model_versions/101/artifacts`, { artifactType: 'model-artifact' }, null],
      [
        'POST',
        `${BASE}/model_versions/101/artifacts`,
        {},
        {
          artifactType: 'model-artifact',
          name: `smoke-model-${RUN_1}`,
          uri: `mlflow-artifacts:/7/${RUN_1}/artifacts`,
          modelSourceKind: 'mlflow',
          modelSourceClass: 'run',
          modelSourceId: RUN_1,
          modelSourceName: `smoke-tracking/${RUN_1}`,
        },
      ],
      // Read back as the storage initializer resolves model-registry://smoke-model/<version>.
      ['GET', `${BASE}/registered_model`, { name: 'smoke-model' }, null],
      ['GET', `${BASE}/model_version`, { name: RUN_1, parentResourceId: '1' }, null],
      [
        'GET',
        `${BASE}/model_versions/101/artifacts`,
        { orderBy: 'CREATE_TIME', sortOrder: 'DESC' },
        null,
      ],
    ]);
    // A re-run reuses the model and registers its own run as a new version.
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toContain('    RegisteredModel smoke-model exists (id 1)\n');
    expect(second.stdout).toContain(`STORAGE_URI=model-registry://smoke-model/${RUN_2}\n`);
    expect(second.calls.filter((c) => c[0] === 'POST').map((c) => c[1])).toEqual([
      `${BASE}/model_versions`,
      `${BASE}/model_versions/102/artifacts`,
    ]);
  });

  test('registry only: the fixed version v1, created once and reused on a re-run', () => {
    const [first, second] = runProgram(2, { MODEL_REGISTRY_URL: 'stand-in' });
    for (const r of [first, second]) {
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).not.toContain('RUN_ID=');
      expect(r.stdout).toContain('STORAGE_URI=model-registry://smoke-model/v1\n');
    }
    expect(first.calls.filter((c) => c[0] === 'POST').map((c) => c[3]?.uri ?? c[3]?.name)).toEqual([
      'smoke-model',
      'v1',
      's3://smoke-registry/smoke-model/v1/',
    ]);
    expect(second.calls.filter((c) => c[0] === 'POST')).toEqual([]);
    expect(second.stdout).toContain('    ModelVersion v1 exists (id 101)\n');
    expect(second.stdout).toContain(
      '    the ModelArtifact with uri s3://smoke-registry/smoke-model/v1/ exists\n',
    );
  });

  test('tracking only: no registry call', () => {
    const [r] = runProgram(1, { MLFLOW_TRACKING_URI: TRACKING_URI });
    expect([r.status, r.stderr, r.calls]).toEqual([0, '', []]);
    expect(r.stdout).toContain(`RUN_ID=${RUN_1}\n`);
    expect(r.stdout).not.toContain('STORAGE_URI=');
  });

  test('what reads back wrong fails with what was wrong', () => {
    const [metric] = runProgram(1, { MLFLOW_TRACKING_URI: TRACKING_URI, BROKEN: 'metric' });
    expect(metric.status).toBe(1);
    expect(metric.stderr).toBe(
      `smoke-registry: run ${RUN_1} reads back without its param or metric: {'check': 'smoke-registry'} {'score': 0.5}\n`,
    );
    const [text] = runProgram(1, { MLFLOW_TRACKING_URI: TRACKING_URI, BROKEN: 'text' });
    expect(text.stderr).toBe(
      `smoke-registry: the artifact smoke/hello.txt of run ${RUN_1} reads back as 'garbled'\n`,
    );
    const [artifact] = runProgram(1, { MODEL_REGISTRY_URL: 'stand-in', BROKEN: 'artifact' });
    expect(artifact.status).toBe(1);
    expect(artifact.stderr).toMatch(
      /^smoke-registry: version v1 of smoke-model does not resolve to a model artifact with uri s3:\/\/smoke-registry\/smoke-model\/v1\/ \(newest artifact: \{.*"uri": "s3:\/\/elsewhere\/".*\}\)\n$/,
    );
  });

  test('a registry that refuses answers with its status and message', () => {
    const [r] = runProgram(1, { MODEL_REGISTRY_URL: 'stand-in/nowhere' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^smoke-registry: GET http:\/\/127\.0\.0\.1:\d+\/nowhere\/api\/model_registry\/v1alpha3\/registered_model\?name=smoke-model answered HTTP 500: \{"message": "unexpected GET/,
    );
  });
});

describe('smoke-registry.sh against a stand-in kubectl', () => {
  test('checks the tenant, runs the Job, prints its log, reports, deletes the Job', () => {
    const r = run(smokeRegistryScript(BOTH), [TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.applied).toEqual([
      smokeRegistryJob({
        tenant: TENANT,
        image: MLFLOW_IMAGE,
        trackingUri: TRACKING_URI,
        registryUrl: TENANT_REGISTRY,
      }),
    ]);
    expect(r.kubectl).toEqual([
      `get namespace ${TENANT}`,
      `-n ${TENANT} get serviceaccount default-editor`,
      '-n kubeflow get service mlflow-workloads',
      `-n ${TENANT} get service model-registry-service`,
      `-n ${TENANT} delete job smoke-registry --ignore-not-found --wait=true`,
      'apply --server-side --field-manager=mlops-blueprint -f -',
      `-n ${TENANT} get job smoke-registry -o jsonpath={.status.conditions[?(@.status=="True")].type}`,
      `-n ${TENANT} logs job/smoke-registry -c smoke`,
      `-n ${TENANT} delete job smoke-registry --ignore-not-found --wait=true`,
    ]);
    expect(r.stdout).toBe(
      [
        '==> Job team-demo/smoke-registry as default-editor, waiting up to 600s',
        ...GOOD_LOG.split('\n').map((l) => `    ${l}`),
        `Tracking works in team-demo: run ${RUN_ID} in smoke-tracking, its param, metric and artifact read back.`,
        `The model registry works for team-demo: an InferenceService there can use storageUri model-registry://smoke-model/${RUN_ID}.`,
        'Deleted Job team-demo/smoke-registry.',
        '',
      ].join('\n'),
    );
  });

  test('the shared registry is checked and called in kubeflow', () => {
    const r = run(smokeRegistryScript(SHARED), [TENANT]);
    expect(r.status).toBe(0);
    expect(r.kubectl).toContain('-n kubeflow get service model-registry-service');
    expect(envOf(r.applied[0]).MODEL_REGISTRY_URL).toBe(SHARED_REGISTRY);
    expect(r.applied[0].metadata.namespace).toBe(TENANT);
    const missing = run(smokeRegistryScript(SHARED), [TENANT], { MISSING: 'registry' });
    expect([missing.status, missing.stderr, missing.applied]).toEqual([
      1,
      'smoke-registry: Service kubeflow/model-registry-service not found: the shared model registry is not installed (install.sh).\n',
      [],
    ]);
  });

  test('tracking only and registry only: one part checked and reported', () => {
    const tracking = run(smokeRegistryScript(TRACKING_ONLY), [TENANT], {
      LOG: `RUN_ID=${RUN_ID}\nsmoke-registry: OK`,
    });
    expect([tracking.status, tracking.stderr]).toEqual([0, '']);
    expect(tracking.kubectl.some((c) => c.includes('model-registry-service'))).toBe(false);
    expect(Object.keys(envOf(tracking.applied[0]))).toContain('MLFLOW_TRACKING_AUTH');
    expect(envOf(tracking.applied[0]).MODEL_REGISTRY_URL).toBe(undefined);
    expect(tracking.stdout).not.toContain('model registry works');
    const registry = run(smokeRegistryScript(REGISTRY_ONLY), [TENANT], {
      LOG: 'STORAGE_URI=model-registry://smoke-model/v1\nsmoke-registry: OK',
    });
    expect([registry.status, registry.stderr]).toEqual([0, '']);
    expect(registry.kubectl.some((c) => c.includes('mlflow-workloads'))).toBe(false);
    expect(envOf(registry.applied[0]).MLFLOW_TRACKING_URI).toBe(undefined);
    expect(registry.stdout).toContain(
      'The model registry works for team-demo: an InferenceService there can use storageUri model-registry://smoke-model/v1.\n',
    );
    // A Job that completes without printing what it should have is not a pass.
    const silent = run(smokeRegistryScript(BOTH), [TENANT], { LOG: 'smoke-registry: OK' });
    expect([silent.status, silent.stderr]).toEqual([
      1,
      'smoke-registry: The Job completed but printed no run id: the tracking part did not run.\n',
    ]);
  });

  test('a failed Job exits 1 after its log, and is deleted', () => {
    const r = run(smokeRegistryScript(BOTH), [TENANT], {
      JOB_STATE: 'FailureTarget Failed',
      LOG: 'smoke-registry: POST http://x/api answered HTTP 403: RBAC: access denied',
    });
    expect([r.status, r.stderr]).toEqual([
      1,
      'smoke-registry: Job team-demo/smoke-registry failed; its log is above (--keep keeps the Job and its pod).\n',
    ]);
    expect(r.stdout).toContain(
      '    smoke-registry: POST http://x/api answered HTTP 403: RBAC: access denied\n',
    );
    expect(r.kubectl[r.kubectl.length - 1]).toBe(
      `-n ${TENANT} delete job smoke-registry --ignore-not-found --wait=true`,
    );
  });

  test('a Job still running at the timeout fails with its pods state', () => {
    const r = run(smokeRegistryScript(BOTH), ['--timeout', '1s', TENANT], {
      JOB_STATE: '',
      LOG: '',
      PODS: 'Pending, smoke: ImagePullBackOff; ',
    });
    expect([r.status, r.stderr]).toEqual([
      1,
      'smoke-registry: Job team-demo/smoke-registry did not finish within 1s (pods: Pending, smoke: ImagePullBackOff; ). See kubectl -n team-demo describe job smoke-registry (--keep keeps it).\n',
    ]);
    expect(r.stdout).toContain('Deleted Job team-demo/smoke-registry.');
  });

  test('a missing namespace, service account or server stops the script before anything runs', () => {
    for (const [missing, message] of [
      [
        'namespace',
        'Namespace team-demo does not exist (or kubectl cannot read it). Give a tenant of this environment.',
      ],
      [
        'serviceaccount',
        'Service account team-demo/default-editor not found: team-demo is not a Kubeflow tenant (its Profile creates default-editor).',
      ],
      [
        'mlflow',
        'Service kubeflow/mlflow-workloads not found: the tracking server for workloads is not installed (install.sh).',
      ],
      [
        'registry',
        'Service team-demo/model-registry-service not found: team-demo has no model registry of its own (each tenant of this environment gets one; is team-demo one?).',
      ],
    ]) {
      const r = run(smokeRegistryScript(BOTH), [TENANT], { MISSING: missing });
      expect([missing, r.status, r.stderr, r.applied, r.stdout]).toEqual([
        missing,
        1,
        `smoke-registry: ${message}\n`,
        [],
        '',
      ]);
      expect(r.kubectl.some((c) => c.includes('delete'))).toBe(false);
    }
  });

  test('--keep leaves the Job; a re-run starts from a new one', () => {
    const r = run(smokeRegistryScript(BOTH), ['--keep', TENANT]);
    expect(r.status).toBe(0);
    const del = `-n ${TENANT} delete job smoke-registry --ignore-not-found --wait=true`;
    expect(r.kubectl.filter((c) => c.includes(' delete '))).toEqual([del]);
    expect(r.kubectl.indexOf(del)).toBeLessThan(
      r.kubectl.indexOf('apply --server-side --field-manager=mlops-blueprint -f -'),
    );
    expect(r.stdout).toContain(
      'Kept (--keep): Job team-demo/smoke-registry; run without --keep to remove it.\n',
    );
  });

  test('usage errors exit 2 before kubectl runs', () => {
    for (const args of [
      [],
      ['a', 'b'],
      ['--verbose', TENANT],
      ['Team_A'],
      ['a'.repeat(64)],
      ['--timeout', 'ten', TENANT],
      ['--timeout', '0s', TENANT],
      ['--timeout'],
    ]) {
      const r = run(smokeRegistryScript(BOTH), args);
      expect([args, r.status, r.kubectl]).toEqual([args, 2, []]);
    }
  });
});
