import { z } from 'zod';
import { AnyComponent, FileFacts, PlatformComponent } from '../../constructs/core/component';
import { PresetName, configGroup, groupShape } from '../../constructs/core/config/rules';
import { BUILT_IN_COMPONENTS } from '../components';
import { plannedShape, platformShape } from './platform-slice';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any tenant section
type ShapeOf<C> = C extends PlatformComponent<infer S, any> ? S : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any own keys
type TenantShapeOf<C> = C extends PlatformComponent<any, infer T> ? T : never;
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type BuiltIn = (typeof BUILT_IN_COMPONENTS)[number];
type BuiltInShape = Intersection<ShapeOf<BuiltIn>>;
/** The keys the built-in components add to every tenant entry (serving's `models`). */
type TenantSections = z.ZodObject<Intersection<TenantShapeOf<BuiltIn>>>;

/** The whole environment schema as the built-in components make it. */
export type EnvironmentSchema = z.ZodObject<
  ReturnType<typeof platformShape> & ReturnType<typeof plannedShape> & BuiltInShape
>;

type WithTenantSections<E, Sections> = E extends { tenants: (infer T)[] }
  ? Omit<E, 'tenants'> & { tenants: (T & Sections)[] }
  : E extends { tenants?: (infer T)[] }
    ? Omit<E, 'tenants'> & { tenants?: (T & Sections)[] }
    : E;

/** An environment as written in a file, in Pulumi stack config or in code. */
export type EnvironmentConfig = WithTenantSections<
  z.input<EnvironmentSchema>,
  z.input<TenantSections>
>;

/** An environment after validation: every value its preset fills is there. */
export type Environment = WithTenantSections<z.output<EnvironmentSchema>, z.output<TenantSections>>;

/** The dev environment that runs when no file is given. */
export const DEFAULT_ENVIRONMENT: EnvironmentConfig = { name: 'dev', preset: 'dev' };

/**
 * The environment schema for a preset: the platform's own keys, then each component's slice.
 * `domain` is what the environment names (for defaults such as the dev admin's address).
 */
export function environmentSchema(
  preset: PresetName,
  domain: string,
  components: readonly AnyComponent[],
  file: FileFacts = { userClaim: 'email' },
): z.ZodObject {
  const shape: Record<string, z.core.$ZodType> = {
    ...platformShape(preset),
    ...plannedShape(preset),
  };
  const owner = new Map<string, string>(Object.keys(shape).map((k) => [k, 'the platform']));
  const describe = (who: string) => (who === 'the platform' ? who : `component ${who}`);
  const sections = tenantSections(preset, domain, components, file);
  for (const c of components) {
    for (const [key, schema] of Object.entries<z.core.$ZodType>(
      c.config?.shape(preset, domain, file, sections) ?? {},
    )) {
      const taken = owner.get(key);
      const inner = groupShape(schema);
      const existing = groupShape(shape[key]);
      if (taken && inner && existing) {
        // A shared group: each key inside it has one owner.
        for (const sub of Object.keys(inner)) {
          const subOwner = owner.get(`${key}.${sub}`) ?? (sub in existing ? taken : undefined);
          if (subOwner) {
            throw new Error(
              `Component ${c.key} declares the environment key \`${key}.${sub}\`, which ${describe(subOwner)} owns. Give the component a key of its own.`,
            );
          }
          owner.set(`${key}.${sub}`, c.key);
        }
        shape[key] = configGroup({ ...existing, ...inner });
        continue;
      }
      if (taken) {
        throw new Error(
          `Component ${c.key} declares the environment key \`${key}\`, which ${describe(taken)} owns. Give the component a key of its own.`,
        );
      }
      owner.set(key, c.key);
      shape[key] = schema;
    }
  }
  return z.strictObject(shape);
}

/**
 * The keys components add to every tenant entry (`tenants[].models`), each owned by one component;
 * the tenants component extends its entry schema with them.
 */
export function tenantSections(
  preset: PresetName,
  domain: string,
  components: readonly AnyComponent[],
  file: FileFacts = { userClaim: 'email' },
): z.ZodRawShape {
  const sections: Record<string, z.core.$ZodType> = {};
  const owner = new Map<string, string>();
  for (const c of components) {
    for (const [key, schema] of Object.entries<z.core.$ZodType>(
      c.config?.tenantShape?.(preset, domain, file) ?? {},
    )) {
      const taken = owner.get(key);
      if (taken) {
        throw new Error(
          `Component ${c.key} adds the tenant key \`${key}\`, which component ${taken} adds. Give the component a key of its own.`,
        );
      }
      owner.set(key, c.key);
      sections[key] = schema;
    }
  }
  return sections;
}
