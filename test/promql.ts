/**
 * The metric names a PromQL expression reads, for the tests that hold alerts and dashboards to the
 * metrics each upstream exports: identifiers that are not functions, keywords, label matchers,
 * range or offset durations, numbers, strings or grouping label lists. Sorted, each once.
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+[0-9a-z]+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![0-9A-Za-z_.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const end = (m.index ?? 0) + m[0].length;
    // A function name is followed by "(".
    if (/^\s*\(/.test(stripped.slice(end))) continue;
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names].sort();
}
