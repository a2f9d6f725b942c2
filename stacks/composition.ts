import { AnyComponent, AnyContract } from '../constructs/core/component';
import { ConfigProblem, problem } from '../constructs/core/config/problems';
import { CompositionError } from '../constructs/core/composition';

/** A component with its settings, as the platform builds it. */
export interface PlannedComponent {
  readonly component: AnyComponent;
  readonly config: Record<string, unknown>;
  readonly needs: readonly AnyContract[];
}

/**
 * The components of an environment: ours, with a team's component of the same key in place of
 * ours and further team components after them. Each gets its slice of the environment.
 */
export function selectComponents(
  builtIn: readonly AnyComponent[],
  extra: readonly AnyComponent[],
): AnyComponent[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of extra) {
    if (seen.has(c.key)) problems.push(`Component ${c.key} is given twice. Give each key once.`);
    seen.add(c.key);
  }
  if (problems.length > 0) throw new CompositionError(problems);
  const replacing = new Map(extra.map((c) => [c.key, c]));
  return [
    ...builtIn.map((c) => replacing.get(c.key) ?? c),
    ...extra.filter((c) => !builtIn.some((b) => b.key === c.key)),
  ];
}

/**
 * Orders enabled components so that each comes after the components whose contracts it needs or
 * uses; among independent components the given order holds. Every missing contract, contract
 * offered twice and cycle is reported at once, before anything is built.
 */
export function buildOrder(
  planned: readonly PlannedComponent[],
  alreadyOffered: ReadonlySet<AnyContract> = new Set(),
): PlannedComponent[] {
  const problems: string[] = [];
  const offeredBy = new Map<AnyContract, PlannedComponent>();
  for (const p of planned) {
    for (const contract of p.component.offers ?? []) {
      const other = offeredBy.get(contract);
      if (other || alreadyOffered.has(contract)) {
        problems.push(
          `${contract.name} is offered by both ${other ? other.component.key : 'a component already built'} and ${p.component.key}. Keep one, or give the team's component the key of the one it replaces.`,
        );
      } else {
        offeredBy.set(contract, p);
      }
    }
  }
  for (const p of planned) {
    for (const contract of p.needs) {
      if (!offeredBy.has(contract) && !alreadyOffered.has(contract)) {
        problems.push(
          `${p.component.key} needs ${contract.name} (${contract.description}), which no component offers. Add a component that offers it.`,
        );
      }
    }
  }
  if (problems.length > 0) throw new CompositionError(problems);

  const dependencies = new Map<PlannedComponent, Set<PlannedComponent>>(
    planned.map((p) => [
      p,
      new Set(
        [...p.needs, ...(p.component.uses ?? [])]
          .map((c) => offeredBy.get(c))
          .filter((d): d is PlannedComponent => d !== undefined && d !== p),
      ),
    ]),
  );
  const ordered: PlannedComponent[] = [];
  const done = new Set<PlannedComponent>();
  while (ordered.length < planned.length) {
    const next = planned.find(
      (p) => !done.has(p) && [...(dependencies.get(p) ?? [])].every((d) => done.has(d)),
    );
    if (!next) {
      const stuck = planned.filter((p) => !done.has(p)).map((p) => p.component.key);
      throw new CompositionError([
        `The components ${stuck.join(', ')} need each other's contracts in a cycle. Break the cycle: one of them must not need what the other offers.`,
      ]);
    }
    ordered.push(next);
    done.add(next);
  }
  return ordered;
}

/** A component's slice of a parsed environment: the values of the top-level keys it declares. */
export function sliceOf(
  component: AnyComponent,
  env: Record<string, unknown>,
  preset: 'dev' | 'prod',
  domain: string,
): Record<string, unknown> {
  const keys = Object.keys(component.config?.shape(preset, domain) ?? {});
  // A component with a tenant section reads the tenants, with its keys in each entry.
  if (component.config?.tenantShape) keys.push('tenants');
  return Object.fromEntries(keys.map((k) => [k, k === 'tenants' ? (env[k] ?? []) : env[k]]));
}

/** The contracts a component needs with these settings. */
export function resolveNeeds(
  component: AnyComponent,
  config: Record<string, unknown>,
): readonly AnyContract[] {
  const needs = component.needs ?? [];
  return typeof needs === 'function' ? needs(config as never) : needs;
}

/** The rule of switched-off components, for the rule catalogue. */
export const TOGGLE_RULE = {
  id: 'COMPONENT-TOGGLES',
  description:
    'A component that is switched on has every component it needs switched on (notebooks need the dashboard and PodDefaults).',
} as const;

/**
 * Combinations of `enabled` switches that cannot work: a component that is on needs a contract
 * that only a component switched off offers. Each is a problem at the switch that is off.
 */
export function toggleProblems(
  components: readonly AnyComponent[],
  env: Record<string, unknown>,
  preset: 'dev' | 'prod',
  domain: string,
): ConfigProblem[] {
  const slices = new Map(components.map((c) => [c, sliceOf(c, env, preset, domain)]));
  const on = components.filter((c) => c.enabled?.(slices.get(c) as never) ?? true);
  const off = components.filter((c) => !on.includes(c));
  const offered = new Set(on.flatMap((c) => c.offers ?? []));
  const problems: ConfigProblem[] = [];
  for (const c of on) {
    for (const need of resolveNeeds(c, slices.get(c) ?? {})) {
      if (offered.has(need)) continue;
      const provider = off.find((d) => (d.offers ?? []).includes(need));
      if (!provider?.toggle) continue;
      problems.push(
        problem(
          provider.toggle,
          `is false, but ${c.key}${c.toggle ? ` (${c.toggle})` : ''} is on and needs ${need.description}, which ${provider.key} offers`,
          false,
          `Switch ${provider.key} on${c.toggle ? `, or set ${c.toggle}: false` : ''}.`,
          TOGGLE_RULE.id,
        ),
      );
    }
  }
  return problems;
}
