import { objectKey } from '../core/findings';
import { Finding, ObjectRef, PolicyReport, SourceLocation, SuppressedFinding } from '../core/types';

export interface ObjectGroup {
  readonly object: ObjectRef;
  readonly source?: SourceLocation;
  readonly errors: Finding[];
  readonly warnings: Finding[];
  readonly suppressed: SuppressedFinding[];
}

/**
 * Findings grouped by object. Objects with errors come first, then those with only warnings, then
 * those with only suppressed findings; within each tier, in input order.
 */
export function groupByObject(report: PolicyReport): ObjectGroup[] {
  const groups = new Map<string, ObjectGroup>();
  const groupOf = (finding: Finding): ObjectGroup => {
    // Two objects with one identity in different files are still reported apart.
    const source = finding.source;
    const key = `${objectKey(finding.object)}|${source?.file ?? ''}|${source?.line ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        object: finding.object,
        ...(source === undefined ? {} : { source }),
        errors: [],
        warnings: [],
        suppressed: [],
      };
      groups.set(key, group);
    }
    return group;
  };
  for (const finding of report.errors) {
    groupOf(finding).errors.push(finding);
  }
  for (const finding of report.warnings) {
    groupOf(finding).warnings.push(finding);
  }
  for (const finding of report.suppressed) {
    groupOf(finding).suppressed.push(finding);
  }
  return [...groups.values()];
}

/** "file:line", "file" or undefined. */
export function formatSource(source: SourceLocation | undefined): string | undefined {
  if (source === undefined) {
    return undefined;
  }
  return source.line === undefined ? source.file : `${source.file}:${source.line}`;
}
