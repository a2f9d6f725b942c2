import { ContainerGroup, ContainerView, PodView, POD_TEMPLATE_KINDS, podOf } from './pod-spec';
import { KubeObject, Rule, RuleContext, RuleSubject, RuleViolation } from './types';

/** The descriptive part of a rule, common to every helper below. */
export type RuleMeta = Pick<
  Rule,
  'id' | 'level' | 'productionLevel' | 'title' | 'rationale' | 'remediation'
>;

const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/;

/** Freezes a rule after checking that its ID has the `pack/rule-name` shape suppressions rely on. */
export function defineRule(rule: Rule): Rule {
  if (!RULE_ID.test(rule.id)) {
    throw new Error(`Rule ID "${rule.id}" must look like "pack-name/rule-name".`);
  }
  return Object.freeze({ ...rule });
}

/** A rule over the pod spec of every workload kind. */
export function podRule(
  spec: RuleMeta & {
    readonly subject?: Extract<RuleSubject, 'pod' | 'pod-and-containers' | 'containers'>;
    checkPod(pod: PodView, ctx: RuleContext, obj: KubeObject): readonly RuleViolation[];
  },
): Rule {
  const { checkPod, subject, ...meta } = spec;
  return defineRule({
    ...meta,
    kinds: POD_TEMPLATE_KINDS,
    subject: subject ?? 'pod',
    check(obj, ctx) {
      const pod = podOf(obj);
      return pod === undefined ? [] : checkPod(pod, ctx, obj);
    },
  });
}

/** A rule applied to each container of every workload kind, optionally only some lists. */
export function containerRule(
  spec: RuleMeta & {
    /** Container lists to check; all three by default. */
    readonly groups?: readonly ContainerGroup[];
    checkContainer(
      container: ContainerView,
      pod: PodView,
      ctx: RuleContext,
    ): readonly RuleViolation[];
  },
): Rule {
  const { checkContainer, groups, ...meta } = spec;
  return podRule({
    ...meta,
    subject: 'containers',
    checkPod(pod, ctx) {
      const violations: RuleViolation[] = [];
      for (const container of pod.containers) {
        if (groups === undefined || groups.includes(container.group)) {
          violations.push(...checkContainer(container, pod, ctx));
        }
      }
      return violations;
    },
  });
}
