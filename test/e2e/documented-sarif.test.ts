import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputFiles } from '../../apps/cdk8s/output';
import { synthesize } from '../../stacks/pipeline';
import { REPO_ROOT } from '../helpers';

/** The SARIF command of policies/README.md, run as written, must leave valid SARIF on stdout. */
test('the documented SARIF command writes nothing but SARIF to standard output', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'policies/README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.includes('--format sarif > policy.sarif'));
  expect(line).toBeDefined();
  const command = (line ?? '').split('>')[0].trim();
  expect(command).toBe('npx mlops-blueprint policy dist/prod/ --production --format sarif');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-sarif-'));
  try {
    const out = path.join(dir, 'dist', 'prod');
    fs.mkdirSync(out, { recursive: true });
    for (const f of outputFiles(synthesize(undefined).rendered)) {
      fs.writeFileSync(path.join(out, f.name), f.content);
    }
    // In the checkout, as a user of the repository runs it; only the directory is a temporary one.
    const run = command.replace('npx ', 'npx --no-install ').replace('dist/prod/', `${out}/`);
    const r = spawnSync('bash', ['-c', `${run} > ${path.join(dir, 'policy.sarif')}`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'policy.sarif'), 'utf8')) as {
      version: string;
      runs: unknown[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
