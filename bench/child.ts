import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputFiles, writeOutput } from '../apps/cdk8s/output';
import { renderEnvironment } from '../apps/cdk8s/synth';
import { SCENARIOS } from './scenarios';

/** One synthesis in this fresh process: render, write, report what it cost. */
const name = process.argv[2];
const scenario = SCENARIOS[name];
if (!scenario) throw new Error(`unknown scenario ${name}`);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-'));
try {
  const rendered = renderEnvironment(scenario(), name);
  const files = outputFiles(rendered);
  writeOutput(path.join(out, 'dist'), files);
  const result = {
    objects: rendered.layers.reduce((n, l) => n + l.objects.length, 0),
    bytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(result));
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
