import {
  ALL_PACKS,
  CATALOGUE_PACKS,
  evaluate,
  Finding,
  Pack,
  POD_TEMPLATE_KINDS,
  Rule,
} from '../../policies';
import { RULE_CASES, RuleCase } from './fixtures/rule-cases';

const RULES: readonly { pack: Pack; rule: Rule }[] = CATALOGUE_PACKS.flatMap((pack) =>
  pack.rules.map((rule) => ({ pack, rule })),
);

/** Runs a case with only the rule's own pack (suppression rules always run). */
function findingsOf(ruleId: string, pack: Pack, c: RuleCase): Finding[] {
  const packs = ALL_PACKS.includes(pack) ? [pack] : [];
  const report = evaluate(c.objects, { packs });
  return [...report.errors, ...report.warnings, ...report.suppressed].filter(
    (f) => f.ruleId === ruleId,
  );
}

describe.each(RULES.map(({ pack, rule }) => [rule.id, pack, rule] as const))(
  '%s',
  (id, pack, rule) => {
    const cases = RULE_CASES[id];

    it('has compliant and non-compliant fixtures', () => {
      expect(cases?.compliant.length).toBeGreaterThan(0);
      expect(cases?.nonCompliant.length).toBeGreaterThan(0);
    });

    if (rule.kinds?.includes('CronJob') === true) {
      it('has a non-compliant CronJob fixture', () => {
        const kinds = cases?.nonCompliant.map((c) => c.objects[0]?.kind);
        expect(kinds).toContain('CronJob');
      });
    }

    if (rule.subject === 'containers') {
      it('has a non-compliant init container fixture', () => {
        const paths = cases?.nonCompliant.flatMap((c) => c.paths) ?? [];
        expect(paths.some((p) => p.includes('.initContainers['))).toBe(true);
      });
    }

    it.each((cases?.compliant ?? []).map((c) => [c.name, c] as const))('passes: %s', (_name, c) => {
      expect(findingsOf(id, pack, c)).toEqual([]);
    });

    it.each((cases?.nonCompliant ?? []).map((c) => [c.name, c] as const))(
      'fails: %s',
      (_name, c) => {
        const findings = findingsOf(id, pack, c);
        expect(findings.map((f) => f.path)).toEqual(c.paths);
        expect(findings.every((f) => f.level === rule.level)).toBe(true);
        if (c.found !== undefined) {
          expect(findings[0]?.found).toBe(c.found);
        }
        const target = c.objects[0];
        for (const f of findings) {
          expect(f.object).toEqual(
            expect.objectContaining({ kind: target?.kind, name: target?.metadata?.name }),
          );
          expect(f.message).toContain(`\`${f.path}\``);
          expect(f.message).toContain(f.remediation);
        }
      },
    );
  },
);

describe('fixture table', () => {
  it('has no fixtures for rules that do not exist', () => {
    const ids = new Set(RULES.map(({ rule }) => rule.id));
    expect(Object.keys(RULE_CASES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('covers every kind with a pod template', () => {
    expect([...POD_TEMPLATE_KINDS].sort()).toEqual(
      [
        'CronJob',
        'DaemonSet',
        'Deployment',
        'Job',
        'Pod',
        'PodTemplate',
        'ReplicaSet',
        'ReplicationController',
        'StatefulSet',
      ].sort(),
    );
  });
});
