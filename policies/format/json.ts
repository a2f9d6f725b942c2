import { PolicyReport } from '../core/types';

/** The report as JSON for CI systems: stable keys, counts up front. */
export function formatJson(report: PolicyReport): string {
  const document = {
    passed: report.passed,
    summary: {
      errors: report.errors.length,
      warnings: report.warnings.length,
      suppressed: report.suppressed.length,
      objectsChecked: report.objectsChecked,
      production: report.production,
      packs: report.packs,
    },
    errors: report.errors,
    warnings: report.warnings,
    suppressed: report.suppressed,
    suppressions: report.suppressions,
  };
  return JSON.stringify(document, null, 2) + '\n';
}
