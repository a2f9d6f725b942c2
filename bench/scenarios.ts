import * as path from 'node:path';
import { EnvironmentConfig } from '../stacks/config/schema';
import { parseEnvironmentYaml } from '../stacks/config/validate';
import * as fs from 'node:fs';

/** Where the repository is, from the compiled file in lib/bench. */
export const REPO = path.resolve(__dirname, '..', '..');

function file(rel: string): () => unknown {
  return () => parseEnvironmentYaml(fs.readFileSync(path.join(REPO, rel), 'utf8'), rel);
}

/** A dev environment with `n` teams, each with members, a group and a quota. */
export function withTenants(n: number): EnvironmentConfig {
  return {
    name: `tenants-${n}`,
    preset: 'dev',
    tenants: Array.from({ length: n }, (_, i) => ({
      name: `team-${String(i).padStart(4, '0')}`,
      owner: `owner${i}@example.com`,
      members: [{ user: `member${i}@example.com`, role: 'edit' as const }],
      groups: [{ name: `group-${i}`, role: 'view' as const }],
      quota: { cpu: '16', memory: '64Gi', gpu: 1, storageGiB: 500, pods: 100 },
    })),
  };
}

/**
 * Benchmark scenarios by name. Add a larger environment by adding an entry; `npm run bench`
 * runs every scenario.
 */
export const SCENARIOS: Record<string, () => unknown> = {
  'dev (default)': () => ({ name: 'dev', preset: 'dev' }),
  'stacks/dev.yaml': file('stacks/dev.yaml'),
  'stacks/prod.yaml': file('stacks/prod.yaml'),
  // Day two: the prod environment with the platform's monitoring on (monitors, rules, dashboards).
  'prod-monitored': () => ({
    ...(file('stacks/prod.yaml')() as Record<string, unknown>),
    monitoring: { enabled: true },
  }),
  'tenants-100': () => withTenants(100),
  'tenants-500': () => withTenants(500),
  'tenants-1000': () => withTenants(1000),
};
