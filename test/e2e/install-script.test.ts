import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputFiles } from '../../apps/cdk8s/output';
import { defineComponent } from '../../constructs/core/component';
import { synthesize } from '../../stacks/pipeline';
import { RenderedPlatform } from '../../stacks/render';
import { FAKE_KUBECTL } from '../fake-kubectl';

/** A component with one upgrade step, to exercise the mechanism end to end. */
const stepper = defineComponent({
  key: 'stepper',
  description: 'declares an upgrade step',
  versions: [{ name: 'stepper', version: 'v2.0.0', outsideReleaseSet: 'A test component only.' }],
  upgrades: [
    {
      version: 'v2.0.0',
      description: 'the selector of Deployment stepper changed (immutable)',
      deleteBeforeApply: [{ resource: 'deployment', namespace: 'minio', name: 'stepper' }],
      pruneAfterApply: [{ resource: 'service', namespace: 'minio', name: 'stepper-old' }],
    },
  ],
  build: () => undefined,
});

function install(
  rendered: RenderedPlatform,
  env: Record<string, string>,
): { status: number | null; stderr: string; calls: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-install-'));
  try {
    for (const f of outputFiles(rendered)) {
      fs.writeFileSync(path.join(dir, f.name), f.content, { mode: f.mode ?? 0o644 });
    }
    const fake = path.join(dir, 'fake-kubectl');
    fs.writeFileSync(fake, FAKE_KUBECTL, { mode: 0o755 });
    const log = path.join(dir, 'calls.log');
    fs.writeFileSync(log, '');
    const r = spawnSync('bash', [path.join(dir, 'install.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        KUBECTL_LOG: log,
        KUBECTL: `${fake} --context prod`,
        INSTALLED: '',
        ...env,
      },
    });
    return {
      status: r.status,
      stderr: r.stderr,
      calls: fs.readFileSync(log, 'utf8').trimEnd().split('\n'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('install.sh against a stand-in kubectl', () => {
  const { rendered } = synthesize(undefined, { components: [stepper] });

  test('KUBECTL may carry flags and TIMEOUT any kubectl duration', () => {
    for (const timeout of ['15m', '1h30m', '600s']) {
      const r = install(rendered, { TIMEOUT: timeout });
      expect([timeout, r.status, r.stderr]).toEqual([timeout, 0, '']);
      expect(r.calls.every((c) => c.startsWith('--context prod '))).toBe(true);
      expect(r.calls.filter((c) => c.includes('rollout status'))[0]).toContain(
        `--timeout=${timeout}`,
      );
    }
  });

  test('an invalid TIMEOUT stops before anything is applied', () => {
    const r = install(rendered, { TIMEOUT: 'ten minutes' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "TIMEOUT must be a duration such as 600s, 15m or 1h30m (got 'ten minutes').",
    );
    expect(r.calls.filter((c) => c.includes('apply'))).toEqual([]);
  });

  test('layers are applied in order, each waited for before the next', () => {
    const { calls } = install(rendered, {});
    const applies = calls.filter((c) => / apply .*-f 0/.test(c)).map((c) => c.split('-f ')[1]);
    expect(applies).toEqual(
      rendered.layers.filter((l) => l.objects.length > 0).map((l) => `${l.info.id}.k8s.yaml`),
    );
    const crdsApplied = calls.findIndex((c) => c.includes('-f 01-crds.k8s.yaml'));
    const crdsEstablished = calls.findIndex((c) => c.includes('--for=condition=Established'));
    const namespaces = calls.findIndex((c) => c.includes('-f 02-namespaces.k8s.yaml'));
    expect(crdsApplied).toBeLessThan(crdsEstablished);
    expect(crdsEstablished).toBeLessThan(namespaces);
    expect(
      calls.some(
        (c) => c.includes('wait --for=condition=Ready') && c.includes('clusterissuer/platform-ca'),
      ),
    ).toBe(true);
  });

  test('upgrade steps run for an older or unrecorded install, and not for the same version', () => {
    const older = install(rendered, { INSTALLED: 'stepper=v1.9.0' }).calls;
    const del = older.findIndex((c) => c.includes('delete deployment stepper'));
    const first = older.findIndex((c) => c.includes('-f 01-crds.k8s.yaml'));
    const prune = older.findIndex((c) => c.includes('delete service stepper-old'));
    const last = older.findIndex(
      (c) =>
        c.includes('-f 08-tenants.k8s.yaml') || c.includes('-f 06-platform-controllers.k8s.yaml'),
    );
    expect(del).toBeGreaterThanOrEqual(0);
    expect(del).toBeLessThan(first);
    expect(prune).toBeGreaterThan(last);
    expect(older[del]).toBe(
      '--context prod -n minio delete deployment stepper --ignore-not-found --wait=true',
    );

    expect(install(rendered, {}).calls.some((c) => c.includes('delete deployment stepper'))).toBe(
      true,
    );
    const same = install(rendered, { INSTALLED: 'stepper=v2.0.0' }).calls;
    expect(same.some((c) => c.includes(' delete ') && c.includes('stepper'))).toBe(false);
  });

  test('the install records the versions it installed', () => {
    const { calls } = install(rendered, {});
    const record = calls.find((c) => c.includes('create configmap mlops-blueprint-installed'));
    expect(record).toContain('--from-literal=environment=dev');
    expect(record).toContain('--from-literal=stepper=v2.0.0');
    expect(record).toMatch(/--from-literal=oauth2_proxy=v7\.\d+\.\d+/);
    // Both sides of the pipe run at once, so they are recorded in either order; pruning follows.
    const at = calls.indexOf(record as string);
    expect(
      calls
        .slice(at - 1, at + 2)
        .some((c) => c.includes('apply --server-side --field-manager=mlops-blueprint -f -')),
    ).toBe(true);
    expect(calls.slice(at + 1).some((c) => c.includes('api-resources'))).toBe(true);
  });
});

describe('install.sh re-creates a Job whose pod template changed', () => {
  const { rendered } = synthesize(undefined);
  const jobs = rendered.layers.flatMap((l) => l.objects).filter((o) => o.kind === 'Job');
  const job = jobs.find((o) => o.metadata.namespace === 'minio') ?? jobs[0];
  const hash = job.metadata.annotations?.['mlops-blueprint.dev/template-hash'] ?? '';
  const deletes = (calls: string[]) =>
    calls.filter((c) => c.includes(`delete job ${job.metadata.name}`));

  test('every Job carries the hash of its pod template', () => {
    expect(jobs.length).toBeGreaterThan(3);
    for (const j of jobs) {
      expect(j.metadata.annotations?.['mlops-blueprint.dev/template-hash']).toMatch(
        /^[0-9a-f]{16}$/,
      );
    }
  });

  test('a Job with another hash, or none (an older install), is deleted before its layer is applied', () => {
    for (const live of [`${job.metadata.name} 0123456789abcdef`, `${job.metadata.name} `]) {
      const { calls, status } = install(rendered, { JOB_LIVE: live });
      expect(status).toBe(0);
      expect(deletes(calls)).toEqual([
        `--context prod -n ${job.metadata.namespace} delete job ${job.metadata.name} --wait=true`,
      ]);
      const at = calls.indexOf(deletes(calls)[0]);
      const layer = rendered.layers.find((l) => l.objects.includes(job));
      expect(calls.findIndex((c) => c.includes(`-f ${layer?.info.id}.k8s.yaml`))).toBeGreaterThan(
        at,
      );
    }
  });

  test('a Job with the same hash, or none at all, is left alone', () => {
    expect(deletes(install(rendered, { JOB_LIVE: `${job.metadata.name} ${hash}` }).calls)).toEqual(
      [],
    );
    expect(deletes(install(rendered, {}).calls)).toEqual([]);
  });
});

describe("install.sh with the cluster's own Istio", () => {
  const external = synthesize({
    name: 'x',
    preset: 'dev',
    mesh: {
      istio: {
        mode: 'external',
        gateway: {
          namespace: 'ingress',
          selector: { istio: 'ingressgateway' },
          name: 'kubeflow-gateway',
          serviceAccount: 'gateway',
        },
      },
    },
  }).rendered;

  test('stops before applying anything when the mesh config lacks the auth provider, and says what to add', () => {
    const r = install(external, {});
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'The mesh config (configmap istio-system/istio) has no extension provider oauth2-proxy.',
    );
    expect(r.stderr).toContain('- name: oauth2-proxy\n  envoyExtAuthzHttp:\n');
    expect(r.calls.filter((c) => c.includes(' apply '))).toEqual([]);
  });
});
