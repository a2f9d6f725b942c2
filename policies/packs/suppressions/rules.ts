import { field, item } from '../../core/access';
import { defineRule } from '../../core/define';
import { KubeObject, RuleViolation } from '../../core/types';
import {
  ParsedSuppressions,
  parseSuppressions,
  SUPPRESSIONS_ANNOTATION,
  suppressionAnnotationOf,
} from '../../suppressions';

const ANNOTATION_PATH = field('metadata.annotations', SUPPRESSIONS_ANNOTATION);

/** Parsed once per object and rule; the annotation is small, so no cache is needed. */
function parsed(obj: KubeObject): ParsedSuppressions {
  return parseSuppressions(suppressionAnnotationOf(obj));
}

export const suppressionWellFormed = defineRule({
  id: 'suppressions/well-formed',
  level: 'error',
  subject: 'object',
  suppressible: false,
  title: 'The suppressions annotation is a JSON array of {rule, reason}',
  rationale:
    'A suppression the gate cannot read silences nothing, yet the author believes it does; ' +
    'the mistake must surface instead of turning into a surprise failure later.',
  remediation: `Write \`${SUPPRESSIONS_ANNOTATION}\` as '[{"rule":"<rule id>","reason":"<why>"}]', or use Suppressions.add().`,
  check(obj) {
    return parsed(obj).errors.map((error): RuleViolation => ({
      path: error.index === undefined ? ANNOTATION_PATH : item(ANNOTATION_PATH, error.index),
      problem: error.message,
      found: 'an unreadable suppression',
    }));
  },
});

export const suppressionReasonRequired = defineRule({
  id: 'suppressions/reason-required',
  level: 'error',
  subject: 'object',
  suppressible: false,
  title: 'Every suppression gives a reason',
  rationale:
    'A suppression accepts a risk; the reason is what a reviewer checks and what the synth ' +
    'report shows. Without one the suppression is not honoured and the finding it meant to ' +
    'silence is reported as well.',
  remediation: 'Add a "reason" that says why the object needs the exception.',
  check(obj) {
    return parsed(obj)
      .entries.filter((entry) => entry.reason === '')
      .map((entry) => ({
        path: field(item(ANNOTATION_PATH, entry.index), 'reason'),
        problem: `must explain the suppression of ${entry.rule}`,
        found: 'no reason',
      }));
  },
});

export const suppressionKnownRule = defineRule({
  id: 'suppressions/known-rule',
  level: 'error',
  subject: 'object',
  suppressible: false,
  title: 'Every suppression names an existing rule',
  rationale:
    'A misspelt or retired rule ID suppresses nothing; reporting it keeps suppressions in step ' +
    'with the rule catalogue.',
  remediation: 'Use a rule ID from policies/RULES.md, or remove the stale suppression.',
  check(obj, ctx) {
    return parsed(obj)
      .entries.filter((entry) => !ctx.knownRuleIds.has(entry.rule))
      .map((entry) => ({
        path: field(item(ANNOTATION_PATH, entry.index), 'rule'),
        problem: 'must name a suppressible rule',
        found: JSON.stringify(entry.rule),
      }));
  },
});
