import { asString, dig } from './access';
import { Finding, KubeObject, Level, ObjectRef, Rule, RuleContext, SourceLocation } from './types';

/** The identity of an object as findings report it. */
export function objectRef(obj: KubeObject): ObjectRef {
  const namespace = asString(dig(obj, 'metadata', 'namespace'));
  const generateName = asString(dig(obj, 'metadata', 'generateName'));
  const name =
    asString(dig(obj, 'metadata', 'name')) ??
    (generateName === undefined ? '(unnamed)' : `${generateName}*`);
  return {
    apiVersion: asString(obj.apiVersion) ?? '',
    kind: asString(obj.kind) ?? '(no kind)',
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
    name,
  };
}

/** "Deployment kubeflow/ml-pipeline", or "ClusterRole admin" for unnamespaced objects. */
export function describeObject(ref: ObjectRef): string {
  return ref.namespace === undefined
    ? `${ref.kind} ${ref.name}`
    : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** A stable key for grouping findings by object. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

/** The level a rule's findings get in this evaluation. */
export function levelOf(rule: Rule, ctx: Pick<RuleContext, 'production'>): Level {
  return ctx.production && rule.productionLevel !== undefined ? rule.productionLevel : rule.level;
}

/** Runs one rule on one object and turns its violations into findings. */
export function findingsFor(
  rule: Rule,
  obj: KubeObject,
  ctx: RuleContext,
  source?: SourceLocation,
): Finding[] {
  const violations = rule.check(obj, ctx);
  if (violations.length === 0) {
    return [];
  }
  const object = objectRef(obj);
  const label = describeObject(object);
  const level = levelOf(rule, ctx);
  return violations.map((v) => {
    const remediation = v.fix ?? rule.remediation;
    return {
      ruleId: rule.id,
      level,
      object,
      path: v.path,
      problem: v.problem,
      found: v.found,
      remediation,
      message: `${label}: \`${v.path}\` ${v.problem} (got ${v.found}). ${remediation}`,
      ...(source === undefined ? {} : { source }),
    };
  });
}
