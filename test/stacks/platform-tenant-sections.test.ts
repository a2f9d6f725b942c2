import { App } from 'cdk8s';
import { z } from 'zod';
import { defineComponent } from '../../constructs/core/component';
import { ConfigError } from '../../constructs/core/config/problems';
import { MlopsPlatform } from '../../stacks/platform';

/** A team's component that adds `notes` to every tenant and records what its build saw. */
function notesComponent(seen: unknown[], key = 'notes') {
  return defineComponent({
    key: `${key}-component`,
    description: 'notes per tenant',
    config: {
      shape: () => ({}),
      tenantShape: () => ({ [key]: z.array(z.string().min(1)).default([]) }),
      rules: [
        {
          id: 'NOTES-SHORT',
          description: 'Notes are short.',
          check: (config) =>
            config.tenants.flatMap((t, i) =>
              ((t as Record<string, unknown>)[key] as string[])
                .map((n, j) => [n, j] as const)
                .filter(([n]) => n.length > 10)
                .map(([n, j]) => ({
                  path: `tenants[${i}].${key}[${j}]`,
                  message: `too long: ${n}`,
                  rule: 'NOTES-SHORT',
                })),
            ),
        },
      ],
    },
    build(ctx) {
      seen.push(...ctx.config.tenants.map((t) => [t.name, t.owner, t[key as 'notes']]));
    },
  });
}

const env = (tenant: Record<string, unknown>) => ({
  name: 'dev',
  preset: 'dev' as const,
  tenants: [{ name: 'team-a', owner: 'a@example.com', ...tenant }],
});

function problems(run: () => unknown): { path: string; rule?: string }[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

describe('components add sections to every tenant entry', () => {
  test('the section is part of the tenant schema and reaches the build with the tenant', () => {
    const seen: unknown[] = [];
    new MlopsPlatform(new App(), 'P', {
      environment: env({ notes: ['hello'] }),
      components: [notesComponent(seen)],
    });
    expect(seen).toEqual([['team-a', 'a@example.com', ['hello']]]);
  });

  test('the section default applies to a tenant that leaves it out', () => {
    const seen: unknown[] = [];
    new MlopsPlatform(new App(), 'P', { environment: env({}), components: [notesComponent(seen)] });
    expect(seen).toEqual([['team-a', 'a@example.com', []]]);
  });

  test('without the component, the key is unknown in a tenant entry', () => {
    expect(
      problems(() => new MlopsPlatform(new App(), 'P', { environment: env({ notes: ['x'] }) })),
    ).toEqual([expect.objectContaining({ path: 'tenants[0].notes' })]);
  });

  test("the section's schema and rules report with the tenant's path", () => {
    const run = (notes: unknown) => () =>
      new MlopsPlatform(new App(), 'P', {
        environment: env({ notes }),
        components: [notesComponent([])],
      });
    expect(problems(run([''])).map((p) => p.path)).toEqual(['tenants[0].notes[0]']);
    expect(problems(run(['a very long note']))).toEqual([
      expect.objectContaining({ path: 'tenants[0].notes[0]', rule: 'NOTES-SHORT' }),
    ]);
  });

  test("a section may not take a tenant's own key, nor another component's", () => {
    expect(
      () =>
        new MlopsPlatform(new App(), 'P', {
          environment: env({}),
          components: [notesComponent([], 'owner')],
        }),
    ).toThrow(/tenant key `owner`, which the tenants component owns/);
    expect(
      () =>
        new MlopsPlatform(new App(), 'P', {
          environment: env({}),
          components: [notesComponent([]), { ...notesComponent([]), key: 'other-notes' }],
        }),
    ).toThrow(/adds the tenant key `notes`, which component notes-component adds/);
  });
});
