import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SCENARIOS } from './scenarios';

/**
 * `npm run bench`: synthesizes each scenario from compiled JavaScript in a fresh process, several
 * times, and reports the median wall time (process start to exit), peak RSS, objects and bytes
 * against the targets. It measures; it does not fail the build.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGETS = {
  platformMs: 1000,
  platformRssMiB: 150,
  tenants1000Ms: 3000,
};

interface Sample {
  ms: number;
  rssMiB: number;
  objects: number;
  bytes: number;
}

function once(name: string): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js'), name], {
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`scenario ${name} failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { objects: number; bytes: number; maxRssKiB: number };
  return { ms, rssMiB: out.maxRssKiB / 1024, objects: out.objects, bytes: out.bytes };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results: Record<string, Sample> = {};
console.log(`${RUNS} runs per scenario, fresh process each; median wall time and peak RSS\n`);
console.log('scenario               wall ms   peak RSS MiB   objects      bytes');
for (const name of Object.keys(SCENARIOS)) {
  once(name); // warm the file cache
  const samples = Array.from({ length: RUNS }, () => once(name));
  const s: Sample = {
    ms: median(samples.map((x) => x.ms)),
    rssMiB: Math.max(...samples.map((x) => x.rssMiB)),
    objects: samples[0].objects,
    bytes: samples[0].bytes,
  };
  results[name] = s;
  console.log(
    `${name.padEnd(20)} ${s.ms.toFixed(0).padStart(9)} ${s.rssMiB.toFixed(1).padStart(14)} ${String(s.objects).padStart(9)} ${String(s.bytes).padStart(10)}`,
  );
}

const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const platform = results['stacks/prod.yaml'];
const t100 = results['tenants-100'];
const t1000 = results['tenants-1000'];
console.log('\ntargets');
console.log(
  `  whole platform (prod) < ${TARGETS.platformMs} ms: ${platform.ms.toFixed(0)} ms, ${mark(platform.ms < TARGETS.platformMs)}`,
);
console.log(
  `  whole platform (prod) < ${TARGETS.platformRssMiB} MiB: ${platform.rssMiB.toFixed(1)} MiB, ${mark(platform.rssMiB < TARGETS.platformRssMiB)}`,
);
console.log(
  `  1,000 tenants < ${TARGETS.tenants1000Ms} ms: ${t1000.ms.toFixed(0)} ms, ${mark(t1000.ms < TARGETS.tenants1000Ms)}`,
);
// Linear growth: one more tenant costs about the same from 100 to 500 as from 500 to 1,000.
const t500 = results['tenants-500'];
const perTenantLow = (t500.ms - t100.ms) / 400;
const perTenantHigh = (t1000.ms - t500.ms) / 500;
console.log(
  `  cost per tenant: ${perTenantLow.toFixed(2)} ms (100-500), ${perTenantHigh.toFixed(2)} ms (500-1,000), ratio ${(perTenantHigh / perTenantLow).toFixed(2)} (about 1: linear)`,
);
console.log(
  '  reference: the official kustomize install of the same platform renders in 11-15 s and about 380 MiB here',
);
