import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KSERVE_SERVING_RUNTIMES } from '../../../constructs/kserve/serving-runtimes';

/**
 * The multi-node runtime's shell scripts, run by bash against stand-in `ray`, `python` and
 * `sleep` that log their arguments: the head hands the container args to the server, the worker
 * waits for the head's GCS before joining.
 */
const multinode = KSERVE_SERVING_RUNTIMES['kserve-huggingfaceserver-multinode'];

function run(script: string, args: string[], env: Record<string, string>, rayFailures = 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kserve-mn-'));
  const log = path.join(dir, 'log');
  const stub = (name: string, body = '') =>
    fs.writeFileSync(
      path.join(dir, name),
      `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`,
      { mode: 0o755 },
    );
  const counter = path.join(dir, 'count');
  stub(
    'ray',
    `if [[ "$1" == health-check ]]; then n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n+1)) > "${counter}"; (( n >= ${rayFailures} )) || exit 1; fi`,
  );
  stub('python');
  stub('sleep');
  const r = spawnSync('bash', ['-c', script, ...args], {
    env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
  });
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, lines, stdout: r.stdout };
}

describe('multi-node head script', () => {
  const script = multinode.container.command?.[2] ?? '';
  const env = {
    POD_IP: '10.0.0.7',
    RAY_PORT: '6379',
    TENSOR_PARALLEL_SIZE: '2',
    PIPELINE_PARALLEL_SIZE: '3',
  };

  test('starts a Ray head, waits for the workers, then serves with the container args', () => {
    const r = run(script, ['--model_name=llama', '--max-model-len=4096'], {
      ...env,
      MODEL_ID: 'meta/llama',
      MODEL_DIR: '/mnt/models',
    });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      'ray start --head --disable-usage-stats --include-dashboard false',
      'python ./huggingfaceserver/health_check.py registered_nodes --retries 200 --probe_name runtime_start',
      'python -m huggingfaceserver --model_dir=/mnt/models --tensor-parallel-size=2 --pipeline-parallel-size=3 --model_name=llama --max-model-len=4096',
    ]);
  });

  test('MODEL_ID is the model directory when MODEL_DIR is unset, nothing when both are', () => {
    expect(run(script, ['--model_name=m'], { ...env, MODEL_ID: 'org/m' }).lines[2]).toBe(
      'python -m huggingfaceserver --model_dir=org/m --tensor-parallel-size=2 --pipeline-parallel-size=3 --model_name=m',
    );
    expect(run(script, ['--model_name=m'], env).lines[2]).toBe(
      'python -m huggingfaceserver --tensor-parallel-size=2 --pipeline-parallel-size=3 --model_name=m',
    );
  });
});

describe('multi-node worker script', () => {
  const script = multinode.worker?.container.command?.[2] ?? '';

  test('polls the head GCS until it answers, then joins and blocks', () => {
    const r = run(script, [], { HEAD_SVC: 'llama-head', POD_NAMESPACE: 'team-a' }, 2);
    expect(r.status).toBe(0);
    const address = 'llama-head.team-a.svc.cluster.local:6379';
    expect(r.lines).toEqual([
      `ray health-check --address ${address}`,
      'sleep 5',
      `ray health-check --address ${address}`,
      'sleep 5',
      `ray health-check --address ${address}`,
      `ray start --address=${address} --block`,
    ]);
    expect(r.stdout).toContain('Ray Global Control Service (GCS) is ready.');
  });
});
