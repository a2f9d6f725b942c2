import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SMOKE_GREETING, smokePipelineSpec, smokeScript } from '../../../apps/cdk8s/smoke-script';
import { LAYERS } from '../../../constructs/core/layers';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';

// smoke-pipelines.sh run with bash against a stand-in kubectl and a stand-in curl: what it asks the
// cluster, what it sends the Pipelines API, how it polls and how it cleans up. The platform is a
// hand-made RenderedPlatform with the few objects the generator reads.

const BUSYBOX = 'ghcr.io/containerd/busybox:1.36';
const TENANT = 'team-demo';

const obj = (
  kind: string,
  namespace: string | undefined,
  name: string,
  fields: Record<string, unknown> = {},
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
  ...fields,
});

const API_SERVER = obj('Deployment', 'kubeflow', 'ml-pipeline');
const TENANT_NS = obj(
  'Namespace',
  undefined,
  TENANT,
  {},
  { 'pipelines.kubeflow.org/enabled': 'true' },
);
const UI_ROUTE = obj('VirtualService', 'kubeflow', 'ml-pipeline-ui', {
  spec: { hosts: ['kubeflow.example.com'], http: [{ match: [{ uri: { prefix: '/pipeline' } }] }] },
});
/** The gateway's rules as the platform renders them with `identity.machineToMachine`. */
const OIDC_RULE = {
  audiences: ['oauth2-proxy'],
  forwardOriginalToken: true,
  fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
  issuer: 'https://kubeflow.example.com/dex',
  jwksUri: 'http://dex.auth.svc.cluster.local:5556/dex/keys',
  outputClaimToHeaders: [
    { claim: 'email', header: 'kubeflow-userid' },
    { claim: 'groups', header: 'kubeflow-groups' },
  ],
};
const MACHINE_RULE = {
  audiences: ['kubeflow-gateway'],
  forwardOriginalToken: true,
  fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
  issuer: 'https://kubernetes.default.svc.cluster.local',
  jwksUri: 'https://oidc.example.com/keys',
  outputClaimToHeaders: [{ claim: 'sub', header: 'kubeflow-userid' }],
};
const jwt = (rules: object[]): KubeObject =>
  obj('RequestAuthentication', 'istio-system', 'oauth2-proxy-jwt', { spec: { jwtRules: rules } });

function platform(
  objects: readonly KubeObject[],
  images: readonly string[] = [BUSYBOX],
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

const PIPELINES = platform([API_SERVER, TENANT_NS, UI_ROUTE, jwt([OIDC_RULE])]);
const WITH_MACHINES = platform([API_SERVER, TENANT_NS, UI_ROUTE, jwt([OIDC_RULE, MACHINE_RULE])]);

/**
 * A stand-in kubectl: records each call; prints the tenant label, a token named after its
 * audience, YAML for `create --dry-run`, and for `port-forward` the line kubectl prints, then
 * stays up until it is stopped (and notes that it was).
 */
const FAKE_KUBECTL = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_DIR/kubectl.log"
case "$*" in
  *"get namespace"*jsonpath*) printf '%s' "$TENANT_LABEL" ;;
  *"get namespace"*) [ "$NAMESPACE_EXISTS" = 1 ] || exit 1 ;;
  *"create token"*)
    set -- $*
    while [ "$1" != --audience ]; do shift; done
    printf 'token-for-%s' "$2" ;;
  *--dry-run=client*) echo "kind: Object" ;;
  *"apply"*"-f -"*) cat > /dev/null ;;
  *port-forward*)
    sleep 30 & child=$!
    trap 'kill $child; echo stopped > "$FAKE_DIR/port-forward.state"; exit 0' TERM
    echo "running" > "$FAKE_DIR/port-forward.state"
    echo "Forwarding from 127.0.0.1:38888 -> 8888"
    echo "Forwarding from [::1]:38888 -> 8888"
    wait $child ;;
esac
exit 0
`;

/**
 * A stand-in curl: records each call (method, URL, the Authorization header it reads from the
 * header file, the body; uploaded files are copied) and answers as the API server would. Runs
 * go through $RUN_STATES, one state per read; $FAIL names one "METHOD path" that gets HTTP 400.
 */
const FAKE_CURL = `#!/usr/bin/env bash
method=GET out= body= upload= auth=
while [ $# -gt 0 ]; do
  case $1 in
    -X) method=$2; shift ;;
    -o) out=$2; shift ;;
    -w) shift ;;
    -H) case $2 in @*) auth=$(grep '^Authorization:' "\${2#@}") ;; esac; shift ;;
    -d) body=$2; shift ;;
    -F) upload=\${2#uploadfile=@}; shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
if [ "$CURL_DOWN" = 1 ]; then echo 'curl: (7) Failed to connect to 127.0.0.1 port 38888' >&2; printf 000; exit 7; fi
n=$(($(cat "$FAKE_DIR/curl.count" 2>/dev/null || echo 0) + 1))
echo $n > "$FAKE_DIR/curl.count"
[ -z "$upload" ] || cp "$upload" "$FAKE_DIR/upload-$n.json"
printf '%s\\t%s\\t%s\\t%s\\n' "$method" "$url" "$auth" "$body" >> "$FAKE_DIR/curl.log"
path=\${url#*://*/}
path=/\${path%%\\?*}
path=\${path#/pipeline}
answer() { printf '%s' "$2" > "$out"; printf '%s' "$1"; exit 0; }
[ "$method $path" != "$FAIL" ] || answer 400 '{"error_message":"Failed to create a pipeline","error_details":"denied: \\"x\\""}'
case "$method $path" in
  "POST /apis/v2beta1/pipelines/upload") answer 200 '{"pipeline_id":"p-1","display_name":"smoke","namespace":"team-demo"}' ;;
  "GET /apis/v2beta1/pipelines/p-1/versions") answer 200 '{"pipeline_versions":[{"pipeline_id":"p-1","pipeline_version_id":"v-1","pipeline_spec":{"pipelineInfo":{"name":"pipelines-smoke"}}}],"total_size":1}' ;;
  "GET /apis/v2beta1/experiments")
    if [ -n "$EXPERIMENT" ]; then answer 200 "{\\"experiments\\":[{\\"experiment_id\\":\\"$EXPERIMENT\\",\\"display_name\\":\\"smoke\\"}],\\"total_size\\":1}"; fi
    answer 200 '{}' ;;
  "POST /apis/v2beta1/experiments") answer 200 '{"experiment_id":"e-new","display_name":"smoke"}' ;;
  "POST /apis/v2beta1/runs") answer 200 '{"run_id":"r-1","experiment_id":"e-1","state":"PENDING"}' ;;
  "GET /apis/v2beta1/runs/r-1")
    reads=$(($(cat "$FAKE_DIR/run.reads" 2>/dev/null || echo 0) + 1))
    echo $reads > "$FAKE_DIR/run.reads"
    set -- $RUN_STATES
    state=\${!reads:-\${!#}}
    # A task's state and run_id come first: the script must read the run's own fields.
    answer 200 "{\\"run_details\\":{\\"task_details\\":[{\\"run_id\\":\\"t\\",\\"state\\":\\"SUCCEEDED\\",\\"error\\":{\\"message\\":\\"task\\"}}]},\\"run_id\\":\\"r-1\\",\\"state\\":\\"$state\\",\\"error\\":{\\"code\\":2,\\"message\\":\\"step \\\\\\"hello\\\\\\" failed\\"}}" ;;
  DELETE*) answer 200 '{}' ;;
esac
answer 404 '{"code":5,"message":"not found"}'
`;

interface Call {
  readonly method: string;
  readonly url: URL;
  readonly auth: string;
  readonly body: string;
}

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly kubectl: string[];
  readonly calls: Call[];
  /** What was uploaded, by call number. */
  readonly uploads: Record<number, unknown>;
  readonly portForward: string | undefined;
}

function run(
  script: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Result {
  if (script === undefined) throw new Error('no script');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'curl'), FAKE_CURL, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'smoke-pipelines.sh'), script, { mode: 0o755 });
    const r = spawnSync('bash', [path.join(dir, 'smoke-pipelines.sh'), ...args], {
      encoding: 'utf8',
      timeout: 30000,
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        FAKE_DIR: dir,
        KUBECTL: `${path.join(bin, 'kubectl')} --context prod`,
        TENANT_LABEL: 'true',
        NAMESPACE_EXISTS: '1',
        RUN_STATES: 'PENDING RUNNING SUCCEEDED',
        POLL_SECONDS: '0',
        EXPERIMENT: '',
        FAIL: '',
        CURL_DOWN: '',
        ...env,
      },
    });
    const read = (f: string): string =>
      fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '';
    // The stand-in port-forward notes its stop when it handles the signal.
    for (let i = 0; i < 50 && read('port-forward.state').trim() === 'running'; i++) {
      spawnSync('sleep', ['0.1']);
    }
    const uploads: Record<number, unknown> = {};
    for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('upload-'))) {
      uploads[Number(/\d+/.exec(f)?.[0])] = JSON.parse(read(f));
    }
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      kubectl: read('kubectl.log').split('\n').filter(Boolean),
      calls: read('curl.log')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [method, url, auth, body] = l.split('\t');
          return { method, url: new URL(url), auth, body };
        }),
      uploads,
      portForward: read('port-forward.state').trim() || undefined,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** "METHOD /path?query" of each call, the base URL left out. */
const requests = (r: Result): string[] =>
  r.calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`);

describe('smokeScript', () => {
  test('there is no smoke test without Pipelines', () => {
    expect(
      smokeScript(platform([TENANT_NS, obj('Deployment', 'kubeflow', 'ml-pipeline-ui')])),
    ).toBe(undefined);
    expect(smokeScript(PIPELINES)).toContain('#!/usr/bin/env bash');
  });

  test('defaults: the service account pipelines-smoke and the experiment smoke', () => {
    const script = smokeScript(PIPELINES, {}) ?? '';
    expect(script).toContain('create serviceaccount pipelines-smoke');
    expect(script).toContain('in the experiment "smoke"');
    expect(script).toContain('# Tenants with Pipelines: team-demo.');
    const custom = smokeScript(PIPELINES, { serviceAccount: 'ci-smoke', experiment: 'checks' });
    expect(custom).toContain('create serviceaccount ci-smoke');
    expect(custom).not.toContain('pipelines-smoke --audience');
  });

  test('options the script could not quote are refused', () => {
    expect(() => smokeScript(PIPELINES, { serviceAccount: 'CI' })).toThrow(
      '`serviceAccount` is not a Kubernetes name (got "CI"). Use lower-case letters, digits and \'-\', such as pipelines-smoke.',
    );
    expect(() => smokeScript(PIPELINES, { experiment: 'a"b' })).toThrow(
      "`experiment` has characters the script does not quote (got \"a\"b\"). Use letters, digits, spaces, '.', '_' and '-', such as smoke.",
    );
  });

  test('the pipeline has one container step with the pinned busybox, uncached', () => {
    const spec = smokePipelineSpec(BUSYBOX) as {
      schemaVersion: string;
      pipelineInfo: { name: string };
      root: { dag: { tasks: Record<string, { componentRef: { name: string } }> } };
      components: Record<string, { executorLabel: string }>;
      deploymentSpec: { executors: Record<string, { container: Record<string, unknown> }> };
    };
    expect(spec.schemaVersion).toBe('2.1.0');
    // The API server's check of pipelineInfo.name (template/v2_template.go).
    expect(spec.pipelineInfo.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    const tasks = Object.values(spec.root.dag.tasks);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ cachingOptions: { enableCache: false } });
    const component = spec.components[tasks[0].componentRef.name];
    expect(spec.deploymentSpec.executors[component.executorLabel].container).toEqual({
      image: BUSYBOX,
      command: ['echo'],
      args: [SMOKE_GREETING],
    });
  });
});

describe('smoke-pipelines.sh against a stand-in kubectl and curl', () => {
  test('uploads, runs in the smoke experiment, polls until SUCCEEDED and cleans up', () => {
    const r = run(smokeScript(PIPELINES), [TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(requests(r).map((x) => x.replace(/pipelines-smoke-[0-9-]+/, 'NAME'))).toEqual([
      `POST /apis/v2beta1/pipelines/upload?name=NAME&namespace=${TENANT}`,
      'GET /apis/v2beta1/pipelines/p-1/versions?page_size=1',
      expect.stringMatching(
        /^GET \/apis\/v2beta1\/experiments\?namespace=team-demo&page_size=1&filter=/,
      ),
      'POST /apis/v2beta1/experiments',
      'POST /apis/v2beta1/runs',
      'GET /apis/v2beta1/runs/r-1',
      'GET /apis/v2beta1/runs/r-1',
      'GET /apis/v2beta1/runs/r-1',
      'DELETE /apis/v2beta1/runs/r-1',
      'DELETE /apis/v2beta1/pipelines/p-1?cascade=true',
    ]);
    // Through the port-forward, with a token minted for the API server's audience.
    expect(new Set(r.calls.map((c) => c.url.origin))).toEqual(new Set(['http://127.0.0.1:38888']));
    expect(new Set(r.calls.map((c) => c.auth))).toEqual(
      new Set(['Authorization: Bearer token-for-pipelines.kubeflow.org']),
    );
    expect(r.kubectl.every((c) => c.startsWith('--context prod '))).toBe(true);
    expect(r.kubectl.find((c) => c.includes('create token'))).toMatch(
      /^--context prod -n team-demo create token pipelines-smoke --audience pipelines\.kubeflow\.org --duration 1200s$/,
    );
    expect(r.kubectl).toContain('--context prod -n kubeflow port-forward svc/ml-pipeline :8888');
    expect(r.portForward).toBe('stopped');

    const experiments = r.calls[2].url.searchParams;
    expect(JSON.parse(experiments.get('filter') ?? '')).toEqual({
      predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'smoke' }],
    });
    expect(JSON.parse(r.calls[3].body)).toEqual({
      display_name: 'smoke',
      namespace: TENANT,
      description: 'Runs of smoke-pipelines.sh',
    });
    const upload = r.calls[0].url.searchParams.get('name');
    expect(JSON.parse(r.calls[4].body)).toEqual({
      display_name: upload,
      experiment_id: 'e-new',
      pipeline_version_reference: { pipeline_id: 'p-1', pipeline_version_id: 'v-1' },
      runtime_config: {},
    });
    expect(r.uploads[1]).toEqual(smokePipelineSpec(BUSYBOX));
    expect(r.stdout).toContain('    PENDING after ');
    expect(r.stdout).toContain('    RUNNING after ');
    expect(r.stdout).toContain('Pipelines works in team-demo: run r-1 succeeded.');
  });

  test('the service account is bound to kubeflow-edit in the tenant, applied server-side', () => {
    const { kubectl } = run(smokeScript(PIPELINES), [TENANT]);
    expect(kubectl).toEqual(
      expect.arrayContaining([
        '--context prod -n team-demo create serviceaccount pipelines-smoke --dry-run=client -o yaml',
        '--context prod -n team-demo create rolebinding pipelines-smoke --clusterrole=kubeflow-edit --serviceaccount=team-demo:pipelines-smoke --dry-run=client -o yaml',
        '--context prod apply --server-side --field-manager=mlops-blueprint -f -',
      ]),
    );
    const applies = kubectl.filter((c) =>
      c.endsWith('apply --server-side --field-manager=mlops-blueprint -f -'),
    );
    expect(applies).toHaveLength(2);
  });

  test('an existing smoke experiment is reused', () => {
    const r = run(smokeScript(PIPELINES), [TENANT], { EXPERIMENT: 'e-old' });
    expect(r.status).toBe(0);
    expect(requests(r)).not.toContain('POST /apis/v2beta1/experiments');
    const create = r.calls.find((c) => c.url.pathname === '/apis/v2beta1/runs');
    expect(JSON.parse(create?.body ?? '{}')).toMatchObject({ experiment_id: 'e-old' });
  });

  test('a FAILED run fails with its message in one line, and is cleaned up', () => {
    const r = run(smokeScript(PIPELINES), [TENANT], { RUN_STATES: 'RUNNING FAILED SUCCEEDED' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'smoke-pipelines: Run r-1 in team-demo ended FAILED: step "hello" failed\n',
    );
    expect(requests(r).filter((x) => x === 'GET /apis/v2beta1/runs/r-1')).toHaveLength(2);
    expect(requests(r).slice(-2)).toEqual([
      'DELETE /apis/v2beta1/runs/r-1',
      'DELETE /apis/v2beta1/pipelines/p-1?cascade=true',
    ]);
    expect(r.portForward).toBe('stopped');
  });

  test('a run that does not finish within TIMEOUT fails, and is cleaned up', () => {
    const r = run(smokeScript(PIPELINES), [TENANT], {
      RUN_STATES: 'RUNNING',
      TIMEOUT: '2s',
      POLL_SECONDS: '1',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'smoke-pipelines: Run r-1 in team-demo did not finish within 2s (last state RUNNING).\n',
    );
    expect(requests(r)).toContain('DELETE /apis/v2beta1/runs/r-1');
  });

  test("an API error stops the script with the server's message; nothing was created to delete", () => {
    const r = run(smokeScript(PIPELINES), [TENANT], {
      FAIL: 'POST /apis/v2beta1/pipelines/upload',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'smoke-pipelines: POST /apis/v2beta1/pipelines/upload failed (HTTP 400): Failed to create a pipeline\n',
    );
    expect(requests(r).filter((x) => x.startsWith('DELETE'))).toEqual([]);
    expect(r.portForward).toBe('stopped');
  });

  test('an API server that does not answer fails with what curl says', () => {
    const r = run(smokeScript(PIPELINES), [TENANT], { CURL_DOWN: '1' });
    expect([r.status, r.stderr]).toEqual([
      1,
      'smoke-pipelines: POST /apis/v2beta1/pipelines/upload failed (HTTP none): no answer from http://127.0.0.1:38888 (curl: (7) Failed to connect to 127.0.0.1 port 38888)\n',
    ]);
    expect(r.portForward).toBe('stopped');
  });

  test('a failed run creation deletes the uploaded pipeline', () => {
    const r = run(smokeScript(PIPELINES), [TENANT], { FAIL: 'POST /apis/v2beta1/runs' });
    expect(r.status).toBe(1);
    expect(requests(r).filter((x) => x.startsWith('DELETE'))).toEqual([
      'DELETE /apis/v2beta1/pipelines/p-1?cascade=true',
    ]);
  });

  test('--keep leaves the run and the pipeline', () => {
    const r = run(smokeScript(PIPELINES), ['--keep', TENANT]);
    expect(r.status).toBe(0);
    expect(requests(r).filter((x) => x.startsWith('DELETE'))).toEqual([]);
    expect(r.stdout).toContain('Kept run r-1 and pipeline p-1 (--keep)');
  });

  test('prerequisites: the tenant namespace, labelled for Pipelines; nothing is called before', () => {
    const missing = run(smokeScript(PIPELINES), [TENANT], { NAMESPACE_EXISTS: '0' });
    expect([missing.status, missing.stderr]).toEqual([
      1,
      'smoke-pipelines: Namespace team-demo does not exist (or kubectl cannot read it). Give a tenant of this environment.\n',
    ]);
    expect(missing.calls).toEqual([]);
    const unlabelled = run(smokeScript(PIPELINES), [TENANT], { TENANT_LABEL: '' });
    expect([unlabelled.status, unlabelled.stderr]).toEqual([
      1,
      'smoke-pipelines: Namespace team-demo is not a Pipelines tenant (label pipelines.kubeflow.org/enabled is not "true").\n',
    ]);
    expect(unlabelled.kubectl).toContain(
      '--context prod get namespace team-demo -o jsonpath={.metadata.labels.pipelines\\.kubeflow\\.org/enabled}',
    );
    expect(unlabelled.calls).toEqual([]);
  });

  test('usage errors exit 2', () => {
    for (const args of [[], ['a', 'b'], ['--verbose', TENANT], ['Team_A']]) {
      const r = run(smokeScript(PIPELINES), args);
      expect([args, r.status, r.kubectl]).toEqual([args, 2, []]);
    }
    const timeout = run(smokeScript(PIPELINES), [TENANT], { TIMEOUT: 'ten minutes' });
    expect(timeout.stderr).toBe(
      "TIMEOUT must be a duration such as 600s, 15m or 1h30m (got 'ten minutes').\n",
    );
  });

  test('without machineToMachine, --via-gateway is not offered', () => {
    const script = smokeScript(PIPELINES) ?? '';
    expect(script).not.toContain('--via-gateway] [--keep]');
    const r = run(script, ['--via-gateway', TENANT]);
    expect([r.status, r.stderr]).toEqual([
      2,
      '--via-gateway needs identity.machineToMachine in the environment: the gateway of "dev" does not admit service account tokens.\n',
    ]);
  });

  test('--via-gateway calls the UI path on the gateway with a token for the machine audience', () => {
    const r = run(smokeScript(WITH_MACHINES), ['--via-gateway', TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(
      new Set(r.calls.map((c) => `${c.url.origin}${c.url.pathname.split('/apis/')[0]}`)),
    ).toEqual(new Set(['https://kubeflow.example.com/pipeline']));
    expect(new Set(r.calls.map((c) => c.auth))).toEqual(
      new Set(['Authorization: Bearer token-for-kubeflow-gateway']),
    );
    expect(r.kubectl.some((c) => c.includes('port-forward'))).toBe(false);
    // Without the flag the same script still goes through the port-forward.
    const direct = run(smokeScript(WITH_MACHINES), [TENANT]);
    expect(direct.calls[0].url.origin).toBe('http://127.0.0.1:38888');
  });

  test("the step's image is the platform's busybox as rendered, mirror included", () => {
    const mirrored = 'registry.example.com/containerd/busybox:1.36';
    const r = run(smokeScript(platform([API_SERVER, TENANT_NS], [mirrored])), [TENANT]);
    expect(r.uploads[1]).toEqual(smokePipelineSpec(mirrored));
  });
});
