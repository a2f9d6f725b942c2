import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  SMOKE_SERVING_EXPECTED,
  SMOKE_SERVING_REQUEST_BODY,
  SmokeServingOptions,
  smokeServingGateway,
  smokeServingInferenceService,
  smokeServingJob,
  smokeServingPmml,
  smokeServingPrefix,
  kserveS3Endpoint,
  smokeServingScript,
  smokeServingUrl,
} from '../../../apps/cdk8s/smoke-serving';
import { LAYERS } from '../../../constructs/core/layers';
import { tenantArtifactPrefixes } from '../../../constructs/core/object-store';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';

// smoke-serving.sh, generated from a hand-made RenderedPlatform with the few objects the generator
// reads, then run with bash against a stand-in kubectl and a stand-in curl: what it applies, what
// it sends the gateway, how it checks the prediction and how it cleans up.

const TENANT = 'team-demo';
const MC =
  'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z@sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727';
const STORE = { endpointUrl: 'http://minio.minio.svc.cluster.local:9000', bucket: 'mlpipeline' };
const OPTIONS: SmokeServingOptions = { objectStore: STORE };

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

const CONTROLLER = obj('Deployment', 'kubeflow', 'kserve-controller-manager', {}, 'apps/v1');
/** KServe's config as `KServe` renders it with an object store (`credentials.s3` from IObjectStore). */
const ingressConfig = (
  ingress: Record<string, unknown>,
  s3: Record<string, string> = {
    s3Endpoint: 'minio.minio.svc.cluster.local:9000',
    s3UseHttps: '0',
  },
): KubeObject =>
  obj('ConfigMap', 'kubeflow', 'inferenceservice-config', {
    data: {
      credentials: JSON.stringify({ storageSpecSecretName: 'storage-config', s3 }, null, 2),
      ingress: JSON.stringify(ingress, null, 2),
    },
  });
const INGRESS = {
  ingressGateway: 'istio-system/platform-gateway',
  ingressDomain: 'kubeflow.example.com',
  domainTemplate: '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}',
  urlScheme: 'http',
  pathTemplate: '/serving/{{ .Namespace }}/{{ .Name }}',
};
/** The platform gateway as the platform renders it: HTTP redirect and HTTPS on 443. */
const GATEWAY = obj(
  'Gateway',
  'istio-system',
  'platform-gateway',
  {
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          hosts: ['kubeflow.example.com'],
          port: { name: 'http', number: 80, protocol: 'HTTP' },
          tls: { httpsRedirect: true },
        },
        {
          hosts: ['kubeflow.example.com'],
          port: { name: 'https', number: 443, protocol: 'HTTPS' },
          tls: { credentialName: 'istio-ingressgateway-tls', mode: 'SIMPLE' },
        },
      ],
    },
  },
  'networking.istio.io/v1',
);
const GATEWAY_SERVICE = obj('Service', 'istio-system', 'istio-ingressgateway', {
  spec: {
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [
      { name: 'http2', port: 80 },
      { name: 'https', port: 443 },
    ],
  },
});
const ISTIOD_SERVICE = obj('Service', 'istio-system', 'istiod', {
  spec: {
    selector: { app: 'istiod', istio: 'pilot' },
    ports: [{ name: 'https-webhook', port: 443 }],
  },
});
const OIDC_RULE = {
  audiences: ['oauth2-proxy'],
  forwardOriginalToken: true,
  fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
  issuer: 'https://kubeflow.example.com/dex',
  jwksUri: 'http://dex.auth.svc.cluster.local:5556/dex/keys',
  outputClaimToHeaders: [{ claim: 'email', header: 'kubeflow-userid' }],
};
/** The rule `identity.machineToMachine` adds (MachineToMachine.jwtRule, keys in another order). */
const MACHINE_RULE = {
  audiences: ['kubeflow-gateway'],
  forwardOriginalToken: true,
  fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
  issuer: 'https://kubernetes.default.svc.cluster.local',
  jwksUri: 'https://oidc.example.com/keys',
  outputClaimToHeaders: [{ claim: 'sub', header: 'kubeflow-userid' }],
};
const jwt = (rules: object[]): KubeObject =>
  obj(
    'RequestAuthentication',
    'istio-system',
    'oauth2-proxy-jwt',
    { spec: { jwtRules: rules } },
    'security.istio.io/v1',
  );
const MODEL_SA = obj('ServiceAccount', TENANT, 'kserve-models');

function platform(
  objects: readonly KubeObject[],
  images: readonly string[] = [MC],
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

const BASE = [
  CONTROLLER,
  ingressConfig(INGRESS),
  GATEWAY,
  GATEWAY_SERVICE,
  ISTIOD_SERVICE,
  MODEL_SA,
];
const SERVING = platform([...BASE, jwt([OIDC_RULE, MACHINE_RULE])]);
const WITHOUT_MACHINES = platform([...BASE, jwt([OIDC_RULE])]);

// --- A small strict XML reader: elements, attributes, nesting; enough to read the PMML back. ---

interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
}

function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at ${i}: ${text.slice(i, i + 40)}`);
  };
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(text);
  if (!declaration) fail('no XML declaration');
  i = declaration?.[0].length ?? 0;
  const element = (): XmlElement => {
    skipSpace();
    if (text[i] !== '<') fail('expected <');
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(text.slice(i))?.[0] ?? fail('no element name');
    i += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [] };
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_:][\w.:-]*)="([^"<&]*)"/.exec(text.slice(i)) ?? fail('bad attribute');
      if (a[1] in attributes) fail(`attribute ${a[1]} twice`);
      attributes[a[1]] = a[2];
      i += a[0].length;
    }
    const children: XmlElement[] = [];
    for (;;) {
      skipSpace();
      if (text.startsWith('</', i)) {
        const close = `</${name}>`;
        if (!text.startsWith(close, i)) fail(`expected ${close}`);
        i += close.length;
        return { name, attributes, children };
      }
      if (text[i] !== '<') fail('text content is not expected in this model');
      children.push(element());
    }
  };
  const root = element();
  skipSpace();
  if (i !== text.length) fail('content after the root element');
  return root;
}

const child = (e: XmlElement, name: string): XmlElement => {
  const found = e.children.filter((c) => c.name === name);
  if (found.length !== 1)
    throw new Error(`expected one <${name}> in <${e.name}>, found ${found.length}`);
  return found[0];
};

// --- Stand-ins ---

/**
 * A stand-in kubectl: records each call; saves what `apply -f -` reads; answers the reads the
 * script makes ($JOB_STATE for a Job's true conditions, $ISVC_READY for the wait), a token named
 * after its audience; for `port-forward` prints the line kubectl prints and stays up until stopped.
 */
const FAKE_KUBECTL = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_DIR/kubectl.log"
case "$*" in
  *"get namespace"*) [ "$NAMESPACE_EXISTS" = 1 ] || exit 1 ;;
  *"get serviceaccount"*) [ "$MODEL_SA_EXISTS" = 1 ] || exit 1 ;;
  *"get job"*jsonpath*) printf '%s' "$JOB_STATE" ;;
  *"logs job/"*) echo "mc: <ERROR> Access Denied." ;;
  *"wait --for=condition=Ready"*) [ "$ISVC_READY" = 1 ] || { echo "timed out" >&2; exit 1; } ;;
  *"get inferenceservice"*"{.status.url}"*) printf 'https://smoke-serving-team-demo.kubeflow.example.com' ;;
  *"get inferenceservice"*conditions*) printf 'PredictorReady: RevisionMissing Revision "smoke-serving-predictor-00001" failed with message: Back-off pulling image.; ' ;;
  *"create token"*)
    set -- $*
    while [ "$1" != --audience ]; do shift; done
    printf 'token-for-%s' "$2" ;;
  *--dry-run=client*) echo "kind: Object" ;;
  *"apply"*"-f -"*)
    n=$(($(cat "$FAKE_DIR/apply.count" 2>/dev/null || echo 0) + 1))
    echo $n > "$FAKE_DIR/apply.count"
    cat > "$FAKE_DIR/applied-$n" ;;
  *port-forward*)
    /bin/sleep 30 & child=$!
    trap 'kill $child; echo stopped > "$FAKE_DIR/port-forward.state"; exit 0' TERM
    echo "running" > "$FAKE_DIR/port-forward.state"
    echo "Forwarding from 127.0.0.1:38443 -> 443"
    wait $child ;;
esac
exit 0
`;

/** A stand-in curl: records the call (URL, Authorization header, body, routing flags) and answers $CODE $ANSWER. */
const FAKE_CURL = `#!/usr/bin/env bash
method=GET out= body= auth= route= url=
while [ $# -gt 0 ]; do
  case $1 in
    -X) method=$2; shift ;;
    -o) out=$2; shift ;;
    -w | --max-time) shift ;;
    -H) case $2 in @*) auth=$(grep '^Authorization:' "\${2#@}") ;; esac; shift ;;
    --data-binary) body=$(cat "\${2#@}"); shift ;;
    --resolve | --connect-to) route="$1 $2"; shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$method" "$url" "$auth" "$body" "$route" >> "$FAKE_DIR/curl.log"
if [ "$CODE" = 000 ]; then echo 'curl: (6) Could not resolve host: kubeflow.example.com' >&2; printf 000; exit 6; fi
printf '%s' "$ANSWER" > "$out"
printf '%s' "$CODE"
`;

interface Call {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
  readonly body: string;
  readonly route: string;
}

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly kubectl: string[];
  readonly applied: string[];
  readonly calls: Call[];
  readonly portForward: string | undefined;
}

function run(
  script: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Result {
  if (script === undefined) throw new Error('no script');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-smoke-serving-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'curl'), FAKE_CURL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'smoke-serving.sh'), script, { mode: 0o755 });
    const r = spawnSync('bash', [path.join(dir, 'smoke-serving.sh'), ...args], {
      encoding: 'utf8',
      timeout: 30000,
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        FAKE_DIR: dir,
        KUBECTL: `${path.join(bin, 'kubectl')} --context prod`,
        NAMESPACE_EXISTS: '1',
        MODEL_SA_EXISTS: '1',
        JOB_STATE: 'Complete',
        ISVC_READY: '1',
        CODE: '200',
        ANSWER: '{"predictions": [{"y": 7.0}]}',
        ...env,
      },
    });
    const read = (f: string): string =>
      fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '';
    for (let i = 0; i < 50 && read('port-forward.state').trim() === 'running'; i++) {
      spawnSync('/bin/sleep', ['0.1']);
    }
    const applied: string[] = [];
    for (let n = 1; fs.existsSync(path.join(dir, `applied-${n}`)); n++)
      applied.push(read(`applied-${n}`));
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      kubectl: read('kubectl.log').split('\n').filter(Boolean),
      applied,
      calls: read('curl.log')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [method, url, auth, body, route] = l.split('\t');
          return { method, url, auth, body, route };
        }),
      portForward: read('port-forward.state').trim() || undefined,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The manifests applied as JSON (the service account and binding are YAML from kubectl). */
const manifests = (r: Result): Record<string, unknown>[] =>
  r.applied.filter((a) => a.startsWith('{')).map((a) => JSON.parse(a) as Record<string, unknown>);
const kinds = (r: Result): string[] =>
  manifests(r).map((m) => `${m.kind as string}/${(m.metadata as { name: string }).name}`);

const URL_OF_TENANT =
  'https://kubeflow.example.com/serving/team-demo/smoke-serving/v1/models/smoke-serving:predict';

describe('smokeServingScript', () => {
  test('there is no smoke test without the KServe controller', () => {
    expect(smokeServingScript(platform([ingressConfig(INGRESS), MODEL_SA]), OPTIONS)).toBe(
      undefined,
    );
    expect(smokeServingScript(SERVING, OPTIONS)).toMatch(/^#!\/usr\/bin\/env bash\n/);
  });

  test('bash -n accepts the script, with and without the gateway options', () => {
    for (const p of [SERVING, WITHOUT_MACHINES, platform([CONTROLLER])]) {
      const r = spawnSync('bash', ['-n'], {
        input: smokeServingScript(p, OPTIONS),
        encoding: 'utf8',
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
    }
    expect(smokeServingScript(SERVING, OPTIONS)).toContain('set -euo pipefail');
  });

  test('defaults: model service account kserve-models, caller serving-smoke', () => {
    const script = smokeServingScript(SERVING, OPTIONS) ?? '';
    expect(script).toContain('get serviceaccount kserve-models');
    expect(script).toContain('create serviceaccount serving-smoke');
    expect(script).toContain(
      '--clusterrole=kubeflow-view --serviceaccount="$TENANT:serving-smoke"',
    );
    expect(script).toContain('# Tenants with model serving: team-demo.');
    expect(script.split('\n').filter((l) => l.startsWith('#') && l.length > 100)).toEqual([]);
    const custom =
      smokeServingScript(SERVING, {
        ...OPTIONS,
        modelServiceAccount: 'models',
        serviceAccount: 'ci',
      }) ?? '';
    expect(custom).toContain('"serviceAccountName": "models"');
    expect(custom).toContain('create token ci --audience');
    expect(custom).not.toContain('serving-smoke --audience');
  });

  test('options the script could not use are refused, all together', () => {
    expect(() =>
      smokeServingScript(SERVING, {
        objectStore: { endpointUrl: 'minio:9000', bucket: 'My_Bucket' },
        modelServiceAccount: 'Models',
        serviceAccount: 'a b',
      }),
    ).toThrow(
      [
        '`modelServiceAccount` is not a Kubernetes name (got "Models"). Use lower-case letters, digits and \'-\', such as kserve-models.',
        '`serviceAccount` is not a Kubernetes name (got "a b"). Use lower-case letters, digits and \'-\', such as serving-smoke.',
        '`objectStore.endpointUrl` is not an http(s)://host[:port] URL (got "minio:9000"). Use the store\'s endpoint as pods reach it, such as http://minio.minio.svc.cluster.local:9000.',
        "`objectStore.bucket` is not a bucket name (got \"My_Bucket\"). Use lower-case letters, digits, '.' and '-', such as mlpipeline.",
      ].join('\n'),
    );
  });
});

describe('what the script sends', () => {
  test('the PMML is a regression y = 2x + 1 that gives 7 for 3', () => {
    const pmml = parseXml(smokeServingPmml());
    expect(pmml.name).toBe('PMML');
    expect(pmml.attributes).toEqual({ xmlns: 'http://www.dmg.org/PMML-4_4', version: '4.4' });
    expect(pmml.children.map((c) => c.name)).toEqual([
      'Header',
      'DataDictionary',
      'RegressionModel',
    ]);
    const fields = child(pmml, 'DataDictionary');
    expect(fields.attributes.numberOfFields).toBe(String(fields.children.length));
    expect(fields.children.map((f) => f.attributes)).toEqual([
      { name: 'x', optype: 'continuous', dataType: 'double' },
      { name: 'y', optype: 'continuous', dataType: 'double' },
    ]);
    const model = child(pmml, 'RegressionModel');
    expect(model.attributes.functionName).toBe('regression');
    expect(child(model, 'MiningSchema').children.map((m) => m.attributes)).toEqual([
      { name: 'x', usageType: 'active' },
      { name: 'y', usageType: 'target' },
    ]);
    const table = child(model, 'RegressionTable');
    const predictors = table.children.filter((c) => c.name === 'NumericPredictor');
    expect(predictors.map((p) => p.attributes)).toEqual([{ name: 'x', coefficient: '2' }]);
    // Evaluate the table as PMML defines it: intercept + sum of coefficient * x^exponent (1).
    const instance = (JSON.parse(SMOKE_SERVING_REQUEST_BODY) as { instances: number[][] })
      .instances[0];
    const y =
      Number(table.attributes.intercept) +
      predictors.reduce((sum, p) => sum + Number(p.attributes.coefficient) * instance[0], 0);
    expect(y).toBe(7);
    expect(SMOKE_SERVING_EXPECTED).toBe(7);
  });

  test('the request body is one instance [3.0] of the v1 protocol', () => {
    expect(SMOKE_SERVING_REQUEST_BODY).toBe('{"instances": [[3.0]]}');
    expect(JSON.parse(SMOKE_SERVING_REQUEST_BODY)).toEqual({ instances: [[3]] });
  });

  test("the upload Job writes the model with the tenant's own keys, restricted", () => {
    const job = smokeServingJob({
      tenant: TENANT,
      action: 'upload',
      image: MC,
      objectStore: STORE,
    }) as {
      metadata: { name: string; namespace: string };
      spec: {
        backoffLimit: number;
        template: { metadata: { labels: Record<string, string> }; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
    };
    expect(job.metadata).toMatchObject({ name: 'smoke-serving-upload', namespace: TENANT });
    const pod = job.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    // Meshed as the model pods are: no opt-out of the tenant's sidecar injection.
    expect(job.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'smoke-serving',
      'app.kubernetes.io/part-of': 'mlops-platform',
      'app.kubernetes.io/component': 'model-upload',
    });
    expect(pod.containers).toHaveLength(1);
    const mc = pod.containers[0];
    expect(mc.image).toBe(MC);
    expect(mc.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(mc.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    const env = Object.fromEntries(
      (mc.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
    expect(env).toEqual({
      S3_ENDPOINT: 'http://minio.minio.svc.cluster.local:9000',
      S3_ACCESS_KEY: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'accesskey' } },
      S3_SECRET_KEY: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'secretkey' } },
      OBJECT: 'mlpipeline/private/team-demo/smoke-serving/model.pmml',
      MODEL: smokeServingPmml(),
      MC_CONFIG_DIR: '/tmp/.mc',
    });
    expect(mc.command).toEqual([
      '/bin/sh',
      '-c',
      'set -eu\nmc alias set smoke "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" --api S3v4 >/dev/null\nprintf \'%s\' "$MODEL" | mc pipe "smoke/$OBJECT"',
    ]);
    expect(mc.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ]);

    const remove = smokeServingJob({
      tenant: TENANT,
      action: 'remove',
      image: MC,
      objectStore: STORE,
    }) as Record<
      string,
      any // eslint-disable-line @typescript-eslint/no-explicit-any
    >;
    expect(remove.metadata.name).toBe('smoke-serving-remove');
    const rm = remove.spec.template.spec.containers[0];
    expect(rm.command[2]).toMatch(/\nmc rm --force "smoke\/\$OBJECT"$/);
    expect(rm.env.map((e: { name: string }) => e.name)).not.toContain('MODEL');
  });

  test('the InferenceService serves the pmml model from the tenant prefix as the model service account', () => {
    expect(smokeServingInferenceService({ tenant: TENANT, bucket: 'mlpipeline' })).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name: 'smoke-serving',
        namespace: TENANT,
        labels: {
          'app.kubernetes.io/name': 'smoke-serving',
          'app.kubernetes.io/part-of': 'mlops-platform',
        },
      },
      spec: {
        predictor: {
          serviceAccountName: 'kserve-models',
          minReplicas: 1,
          maxReplicas: 1,
          model: {
            modelFormat: { name: 'pmml' },
            storageUri: 's3://mlpipeline/private/team-demo/smoke-serving/',
            resources: {
              requests: { cpu: '100m', memory: '512Mi' },
              limits: { cpu: '1', memory: '1Gi' },
            },
          },
        },
      },
    });
  });

  test("the model is in the tenant's own prefix, which its keys reach", () => {
    const own = tenantArtifactPrefixes(TENANT).filter((p) =>
      smokeServingPrefix(TENANT).startsWith(p),
    );
    expect(own).toEqual(['private/team-demo/']);
    expect(smokeServingPrefix(TENANT)).toBe('private/team-demo/smoke-serving/');
  });

  test("the store's endpoint defaults to the one KServe reads models from", () => {
    expect(kserveS3Endpoint(SERVING)).toBe('http://minio.minio.svc.cluster.local:9000');
    const tls = platform([
      CONTROLLER,
      ingressConfig(INGRESS, { s3Endpoint: 's3.example.com:443', s3UseHttps: '1' }),
    ]);
    expect(kserveS3Endpoint(tls)).toBe('https://s3.example.com:443');
    const script = smokeServingScript(SERVING, { objectStore: { bucket: 'models' } }) ?? '';
    expect(script).toContain('"value": "http://minio.minio.svc.cluster.local:9000"');
    expect(script).toContain('"storageUri": "s3://models/private/@TENANT@/smoke-serving/"');
    const none = platform([
      CONTROLLER,
      ingressConfig(INGRESS, { s3Endpoint: '' }),
      jwt([MACHINE_RULE]),
    ]);
    expect(kserveS3Endpoint(none)).toBe(undefined);
    const r = run(smokeServingScript(none, { objectStore: { bucket: 'models' } }), [TENANT]);
    expect([r.status, r.stderr, r.kubectl]).toEqual([
      1,
      'smoke-serving: KServe in "dev" has no S3 endpoint (credentials.s3 of inferenceservice-config) and none was given: the smoke test could not write the model.\n',
      [],
    ]);
  });

  test('the gateway: ingress domain and path template of KServe, machine audience, the Service in front', () => {
    const gateway = smokeServingGateway(SERVING);
    expect(gateway).toEqual({
      host: 'kubeflow.example.com',
      port: 443,
      pathTemplate: '/serving/{{ .Namespace }}/{{ .Name }}',
      audience: 'kubeflow-gateway',
      service: { namespace: 'istio-system', name: 'istio-ingressgateway' },
    });
    expect(smokeServingUrl(gateway ?? { host: '', port: 0 }, TENANT)).toBe(URL_OF_TENANT);
    expect(smokeServingGateway(WITHOUT_MACHINES)?.audience).toBe(undefined);
    const noPaths = { ...INGRESS, pathTemplate: undefined };
    const hostOnly = smokeServingGateway(platform([CONTROLLER, ingressConfig(noPaths), GATEWAY]));
    expect(hostOnly && smokeServingUrl(hostOnly, TENANT)).toBe(undefined);
    expect(hostOnly?.service).toBe(undefined);
  });
});

describe('smoke-serving.sh against a stand-in kubectl and curl', () => {
  test('writes the model, serves it, gets 7 through the gateway with a token, and cleans up', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), [TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    // What was applied, in order: the upload Job, the InferenceService, then the removal Job.
    expect(kinds(r)).toEqual([
      'Job/smoke-serving-upload',
      'InferenceService/smoke-serving',
      'Job/smoke-serving-remove',
    ]);
    const [upload, isvc, remove] = manifests(r);
    expect(upload).toEqual(
      smokeServingJob({ tenant: TENANT, action: 'upload', image: MC, objectStore: STORE }),
    );
    expect(isvc).toEqual(smokeServingInferenceService({ tenant: TENANT, bucket: 'mlpipeline' }));
    expect(remove).toEqual(
      smokeServingJob({ tenant: TENANT, action: 'remove', image: MC, objectStore: STORE }),
    );

    expect(r.calls).toEqual([
      {
        method: 'POST',
        url: URL_OF_TENANT,
        auth: 'Authorization: Bearer token-for-kubeflow-gateway',
        body: '{"instances": [[3.0]]}',
        route: '',
      },
    ]);
    expect(r.kubectl.every((c) => c.startsWith('--context prod '))).toBe(true);
    const commands = r.kubectl.map((c) => c.replace(/^--context prod /, ''));
    expect(commands).toEqual(
      expect.arrayContaining([
        '-n team-demo wait --for=condition=Ready inferenceservice/smoke-serving --timeout=600s',
        '-n team-demo create serviceaccount serving-smoke --dry-run=client -o yaml',
        '-n team-demo create rolebinding serving-smoke --clusterrole=kubeflow-view --serviceaccount=team-demo:serving-smoke --dry-run=client -o yaml',
        '-n team-demo create token serving-smoke --audience kubeflow-gateway --duration 600s',
        '-n team-demo delete inferenceservice smoke-serving --ignore-not-found --wait=true',
        '-n team-demo delete job smoke-serving-upload smoke-serving-remove --ignore-not-found',
      ]),
    );
    // The model is removed after the InferenceService that reads it.
    const deleted = commands.indexOf(
      '-n team-demo delete inferenceservice smoke-serving --ignore-not-found --wait=true',
    );
    expect(deleted).toBeLessThan(
      commands.lastIndexOf(
        '-n team-demo get job smoke-serving-remove -o jsonpath={.status.conditions[?(@.status=="True")].type}',
      ),
    );
    expect(r.stdout).toContain('    Ready: https://smoke-serving-team-demo.kubeflow.example.com\n');
    expect(r.stdout).toContain(
      'Model serving works in team-demo: y = 7.0 for x = 3, through the gateway.',
    );
    expect(r.stdout).toContain(
      'Removed the model s3://mlpipeline/private/team-demo/smoke-serving/model.pmml.',
    );
  });

  test('a wrong prediction fails with what the model said, and cleans up', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), [TENANT], {
      ANSWER: '{"predictions": [{"y": 6.5}]}',
    });
    expect([r.status, r.stderr]).toEqual([
      1,
      'smoke-serving: The model predicted y = 6.5 for x = 3, not 7.\n',
    ]);
    expect(kinds(r)).toContain('Job/smoke-serving-remove');
    const noPrediction = run(smokeServingScript(SERVING, OPTIONS), [TENANT], {
      ANSWER: '{"predictions": []}',
    });
    expect(noPrediction.stderr).toBe(
      'smoke-serving: The answer has no prediction y: {"predictions": []}\n',
    );
  });

  test('a denied call names the caller; a gateway out of reach suggests --resolve', () => {
    const denied = run(smokeServingScript(SERVING, OPTIONS), [TENANT], {
      CODE: '403',
      ANSWER: 'RBAC: access denied',
    });
    expect([denied.status, denied.stderr]).toEqual([
      1,
      'smoke-serving: Access denied (HTTP 403) to system:serviceaccount:team-demo:serving-smoke: RBAC: access denied\n',
    ]);
    const down = run(smokeServingScript(SERVING, OPTIONS), [TENANT], { CODE: '000' });
    expect(down.stderr).toBe(
      'smoke-serving: No answer from kubeflow.example.com:443 (curl: (6) Could not resolve host: kubeflow.example.com). Reach the gateway with --resolve <address> or --port-forward.\n',
    );
  });

  test('a 503 right after Ready is tried again, then reported', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), [TENANT], {
      CODE: '503',
      ANSWER: 'no healthy upstream',
    });
    expect(r.calls).toHaveLength(6);
    expect(r.stderr).toBe(
      `smoke-serving: POST ${URL_OF_TENANT} failed (HTTP 503): no healthy upstream\n`,
    );
  });

  test('an InferenceService that does not become Ready fails with its conditions, and is deleted', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), ['--timeout', '2m', TENANT], {
      ISVC_READY: '0',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'smoke-serving: InferenceService team-demo/smoke-serving did not become Ready within 2m: PredictorReady: RevisionMissing Revision "smoke-serving-predictor-00001" failed with message: Back-off pulling image.; \n',
    );
    expect(r.kubectl).toContain(
      '--context prod -n team-demo wait --for=condition=Ready inferenceservice/smoke-serving --timeout=120s',
    );
    expect(r.kubectl).toContain(
      '--context prod -n team-demo delete inferenceservice smoke-serving --ignore-not-found --wait=true',
    );
    expect(r.calls).toEqual([]);
  });

  test('a failed upload stops before the InferenceService, with the Job log', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), [TENANT], { JOB_STATE: 'Failed' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'smoke-serving: Job team-demo/smoke-serving-upload did not complete (Failed); its log ends:\nmc: <ERROR> Access Denied.\n',
    );
    expect(r.stderr).toContain(
      'smoke-serving: Could not write the model with the keys of team-demo (Secret mlpipeline-minio-artifact).\n',
    );
    expect(kinds(r)).not.toContain('InferenceService/smoke-serving');
    expect(r.calls).toEqual([]);
  });

  test('--keep leaves the InferenceService, the model and the Job', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), ['--keep', TENANT]);
    expect(r.status).toBe(0);
    expect(r.kubectl.filter((c) => c.includes(' delete '))).toEqual([
      '--context prod -n team-demo delete job smoke-serving-upload smoke-serving-remove --ignore-not-found --wait=true',
    ]);
    expect(kinds(r)).not.toContain('Job/smoke-serving-remove');
    expect(r.stdout).toContain('Kept (--keep): InferenceService team-demo/smoke-serving');
  });

  test('--resolve sends the call to an address of the gateway, with the host name kept for TLS', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), ['--resolve', '203.0.113.10', TENANT]);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => [c.url, c.route])).toEqual([
      [URL_OF_TENANT, '--resolve kubeflow.example.com:443:203.0.113.10'],
    ]);
    const v6 = run(smokeServingScript(SERVING, OPTIONS), [`--resolve=2001:db8::1`, TENANT]);
    expect(v6.calls[0].route).toBe('--resolve kubeflow.example.com:443:[2001:db8::1]');
  });

  test('--port-forward reaches the gateway Service through kubectl, and stops it', () => {
    const r = run(smokeServingScript(SERVING, OPTIONS), ['--port-forward', TENANT]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.kubectl).toContain(
      '--context prod -n istio-system port-forward svc/istio-ingressgateway :443',
    );
    expect(r.calls[0].route).toBe('--connect-to kubeflow.example.com:443:127.0.0.1:38443');
    expect(r.calls[0].url).toBe(URL_OF_TENANT);
    expect(r.portForward).toBe('stopped');
  });

  test('without machine-to-machine tokens the script says so before touching the cluster', () => {
    const r = run(smokeServingScript(WITHOUT_MACHINES, OPTIONS), [TENANT]);
    expect([r.status, r.stderr, r.kubectl]).toEqual([
      1,
      'smoke-serving: the gateway of "dev" does not admit service account tokens: configure identity.machineToMachine; the smoke test could not call the model.\n',
      [],
    ]);
  });

  test('prerequisites: the namespace and the model service account; nothing is applied before', () => {
    const missing = run(smokeServingScript(SERVING, OPTIONS), [TENANT], { NAMESPACE_EXISTS: '0' });
    expect([missing.status, missing.stderr, missing.applied]).toEqual([
      1,
      'smoke-serving: Namespace team-demo does not exist (or kubectl cannot read it). Give a tenant of this environment.\n',
      [],
    ]);
    const noModels = run(smokeServingScript(SERVING, OPTIONS), [TENANT], { MODEL_SA_EXISTS: '0' });
    expect([noModels.status, noModels.stderr, noModels.applied]).toEqual([
      1,
      'smoke-serving: Service account team-demo/kserve-models not found: team-demo is not a model serving tenant of this environment.\n',
      [],
    ]);
  });

  test('usage errors exit 2 before kubectl runs', () => {
    for (const args of [
      [],
      ['a', 'b'],
      ['--verbose', TENANT],
      ['Team_A'],
      ['--timeout', 'ten', TENANT],
      ['--resolve', 'gateway.example.com', TENANT],
      ['--resolve', '10.0.0.1', '--port-forward', TENANT],
    ]) {
      const r = run(smokeServingScript(SERVING, OPTIONS), args);
      expect([args, r.status, r.kubectl]).toEqual([args, 2, []]);
    }
    const noService = run(
      smokeServingScript(
        platform([...BASE.filter((o) => o !== GATEWAY_SERVICE), jwt([MACHINE_RULE])]),
        OPTIONS,
      ),
      ['--port-forward', TENANT],
    );
    expect([noService.status, noService.stderr]).toEqual([
      2,
      '--port-forward needs the Service in front of the gateway, which "dev" does not render; use --resolve <address>.\n',
    ]);
  });

  test("the Job's image is the MinIO client as rendered, mirror included", () => {
    const mirrored = 'registry.example.com/minio/mc:RELEASE.2025-08-13T08-35-41Z';
    const r = run(smokeServingScript(platform(SERVING.layers[0].objects, [mirrored]), OPTIONS), [
      TENANT,
    ]);
    const job = manifests(r)[0] as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(job.spec.template.spec.containers[0].image).toBe(mirrored);
  });
});
