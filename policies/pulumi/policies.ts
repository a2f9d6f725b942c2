import type {
  EnforcementLevel,
  Policies,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { levelOf } from '../core/findings';
import { KubeObject, Pack, Rule, RuleContext } from '../core/types';
import { checkObject, createContext, rulesFor } from '../evaluate';
import { ALL_PACKS } from '../packs/all';
import { kubeObjectOf } from './resources';

export interface PolicyPackOptions {
  /**
   * Evaluate a production environment: literal credentials become mandatory.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Packs to apply; the suppression rules always run.
   * @default ALL_PACKS
   */
  readonly packs?: readonly Pack[];
}

function enforcement(rule: Rule, production: boolean): EnforcementLevel {
  return levelOf(rule, { production }) === 'error' ? 'mandatory' : 'advisory';
}

function applies(rule: Rule, obj: KubeObject): boolean {
  return rule.kinds === undefined || (obj.kind !== undefined && rule.kinds.includes(obj.kind));
}

/**
 * One CrossGuard policy per rule, built from the same rule functions, rule resolution and
 * suppression handling as `evaluate`, so that Pulumi reports what the CLI reports. Object rules
 * become `validateResource` policies; cross-object rules become `validateStack` policies that see
 * every Kubernetes resource of the stack.
 */
export function buildPolicies(options: PolicyPackOptions = {}): Policies {
  const production = options.production ?? false;
  const packs = options.packs ?? ALL_PACKS;
  const contextFor = (objects: readonly KubeObject[]): RuleContext =>
    createContext(objects, { production, packs });

  return rulesFor(packs).map((rule): ResourceValidationPolicy | StackValidationPolicy => {
    const common = {
      name: rule.id,
      description: rule.title,
      enforcementLevel: enforcement(rule, production),
      remediationSteps: rule.remediation,
    };
    if (rule.subject === 'object-set') {
      return {
        ...common,
        validateStack: (args, reportViolation) => {
          const resources = args.resources.flatMap((resource) => {
            const obj = kubeObjectOf(resource);
            return obj === undefined ? [] : [{ urn: resource.urn, obj }];
          });
          const ctx = contextFor(resources.map((r) => r.obj));
          for (const { urn, obj } of resources) {
            if (applies(rule, obj)) {
              for (const finding of checkObject(obj, [rule], ctx).findings) {
                reportViolation(finding.message, urn);
              }
            }
          }
        },
      };
    }
    return {
      ...common,
      validateResource: (args, reportViolation) => {
        const obj = kubeObjectOf(args);
        if (obj === undefined || !applies(rule, obj)) {
          return;
        }
        for (const finding of checkObject(obj, [rule], contextFor([obj])).findings) {
          reportViolation(finding.message);
        }
      },
    };
  });
}
