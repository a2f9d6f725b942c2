import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { AnyComponent, AnyContract } from '../../constructs/core/component';
import { LAYERS, Layer } from '../../constructs/core/layers';
import { BUILT_IN_COMPONENTS } from '../../stacks/components';
import { resolveNeeds } from '../../stacks/composition';
import { parseEnvironmentYaml } from '../../stacks/config/validate';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { MlopsPlatform } from '../../stacks/platform';
import { repoRoot } from './paths';

/** The shipped example environments the picture is drawn from. */
export const EXAMPLE_ENVIRONMENTS = ['stacks/dev.yaml', 'stacks/prod.yaml'] as const;

/** One component as the model states it, over the example environments. */
export interface ComponentFacts {
  readonly key: string;
  readonly description: string;
  /** Contracts it needs in every example environment. */
  readonly needs: readonly AnyContract[];
  /** Contracts it needs in some example environments only, or uses when offered. */
  readonly optional: readonly AnyContract[];
  readonly offers: readonly AnyContract[];
  /** The layers it creates objects in, in install order. */
  readonly layers: readonly Layer[];
}

/** Reads an example environment file of the repository. */
export function readExample(file: string, root: string = repoRoot()): EnvironmentConfig {
  return parseEnvironmentYaml(
    fs.readFileSync(path.join(root, file), 'utf8'),
    file,
  ) as EnvironmentConfig;
}

/** `env` with every component's `enabled` switch on, so that each one is built. */
function everythingOn(
  env: EnvironmentConfig,
  components: readonly AnyComponent[],
): EnvironmentConfig {
  const out = structuredClone(env) as Record<string, unknown>;
  for (const c of components) {
    if (!c.toggle) continue;
    const keys = c.toggle.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      node[k] = (node[k] as Record<string, unknown> | undefined) ?? {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = true;
  }
  return out as EnvironmentConfig;
}

/**
 * Builds the platform for `env` with each component wrapped, recording the layers in which the
 * component's build created objects (the charts that grew while it ran; builds run one at a time)
 * and the contracts it needs with the settings it was built with.
 */
function observe(
  env: EnvironmentConfig,
  components: readonly AnyComponent[],
): { layers: Map<string, Set<Layer>>; needs: Map<string, readonly AnyContract[]> } {
  const written = new Map<string, Set<Layer>>();
  const needs = new Map<string, readonly AnyContract[]>();
  const wrapped = components.map((c): AnyComponent => ({
    ...c,
    build: (ctx) => {
      const count = () => LAYERS.map((l) => ctx.chart(l.layer).node.findAll().length);
      const before = count();
      needs.set(c.key, resolveNeeds(c, ctx.config as Record<string, unknown>));
      c.build(ctx);
      const after = count();
      const layers = written.get(c.key) ?? new Set<Layer>();
      LAYERS.forEach((l, i) => {
        if (after[i] > before[i]) layers.add(l.layer);
      });
      written.set(c.key, layers);
    },
  }));
  new MlopsPlatform(new App(), 'Platform', { environment: env, components: wrapped });
  return { layers: written, needs };
}

/**
 * What the picture shows: each component's contracts (needs evaluated with the settings of each
 * example environment) and the layers its objects land in, over the example environments with
 * every component switched on.
 */
export function componentFacts(
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
  examples: readonly EnvironmentConfig[] = EXAMPLE_ENVIRONMENTS.map((f) => readExample(f)),
): ComponentFacts[] {
  const layers = new Map<string, Set<Layer>>();
  const needSets = new Map<string, AnyContract[][]>();
  for (const example of examples) {
    const seen = observe(everythingOn(example, components), components);
    for (const [key, ls] of seen.layers) {
      const all = layers.get(key) ?? new Set<Layer>();
      ls.forEach((l) => all.add(l));
      layers.set(key, all);
    }
    for (const [key, ns] of seen.needs) {
      needSets.set(key, [...(needSets.get(key) ?? []), [...ns]]);
    }
  }
  return components.map((c) => {
    const sets = needSets.get(c.key) ?? [];
    const always = (sets[0] ?? []).filter((n) => sets.every((s) => s.includes(n)));
    const sometimes = [...new Set(sets.flat())].filter((n) => !always.includes(n));
    const optional = [...sometimes, ...(c.uses ?? []).filter((u) => !always.includes(u))];
    return {
      key: c.key,
      description: c.description,
      needs: always,
      optional: [...new Set(optional)],
      offers: c.offers ?? [],
      layers: LAYERS.map((l) => l.layer).filter((l) => layers.get(c.key)?.has(l)),
    };
  });
}

const nodeId = (key: string): string => key.replace(/[^A-Za-z0-9]/g, '_');
const layerNumber = (layer: Layer): string =>
  String(LAYERS.find((l) => l.layer === layer)?.order ?? 0);

/**
 * A Mermaid flowchart: a node per component with the layers it writes into, an arrow from the
 * component that offers a contract to each one that takes it (solid: always needed; dotted:
 * needed with some settings, or used when offered).
 */
export function architectureMermaid(facts: readonly ComponentFacts[]): string {
  const offeredBy = new Map<AnyContract, string>();
  for (const f of facts) for (const c of f.offers) offeredBy.set(c, f.key);
  const lines = ['```mermaid', 'flowchart LR'];
  for (const f of facts) {
    lines.push(`  ${nodeId(f.key)}["${f.key}<br/>layers ${f.layers.map(layerNumber).join(', ')}"]`);
  }
  const edges = new Map<string, { from: string; to: string; solid: boolean; labels: string[] }>();
  for (const f of facts) {
    const add = (contract: AnyContract, solid: boolean) => {
      const from = offeredBy.get(contract);
      if (!from || from === f.key) return;
      const id = `${from}>${f.key}>${solid}`;
      const edge = edges.get(id) ?? { from, to: f.key, solid, labels: [] };
      edge.labels.push(contract.name);
      edges.set(id, edge);
    };
    f.needs.forEach((c) => add(c, true));
    f.optional.forEach((c) => add(c, false));
  }
  for (const e of edges.values()) {
    const arrow = e.solid ? '-->' : '-.->';
    lines.push(`  ${nodeId(e.from)} ${arrow}|"${e.labels.join(', ')}"| ${nodeId(e.to)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** The same facts as a table, with the layers by name. */
export function componentsTable(facts: readonly ComponentFacts[]): string {
  const names = (cs: readonly AnyContract[]) =>
    cs.length > 0 ? cs.map((c) => `\`${c.name}\``).join(', ') : '-';
  return [
    '| component | what it is | layers | needs | needs with some settings, or uses | offers |',
    '|---|---|---|---|---|---|',
    ...facts.map(
      (f) =>
        `| \`${f.key}\` | ${f.description.replace(/\|/g, '\\|')} | ${f.layers.map((l) => `\`${LAYERS.find((i) => i.layer === l)?.id ?? l}\``).join(' ')} | ${names(f.needs)} | ${names(f.optional)} | ${names(f.offers)} |`,
    ),
  ].join('\n');
}
