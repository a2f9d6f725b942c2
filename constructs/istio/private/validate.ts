const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with a list of gateway host names, in the project's message style. */
export function hostProblems(path: string, hosts: readonly string[]): string[] {
  if (hosts.length === 0) {
    return [`\`${path}\` is empty. Name at least one host, e.g. kubeflow.example.com.`];
  }
  const problems: string[] = [];
  hosts.forEach((host, i) => {
    if (!HOSTNAME.test(host) || host.length > 253 || !host.includes('.')) {
      problems.push(
        `\`${path}[${i}]\` is not a fully qualified host name (got "${host}"). ` +
          'Use a lower-case DNS name such as kubeflow.example.com (a leading *. is allowed).',
      );
    }
  });
  const seen = new Set<string>();
  for (const host of hosts) {
    if (seen.has(host)) {
      problems.push(`\`${path}\` lists "${host}" twice. List every host once.`);
    }
    seen.add(host);
  }
  return problems;
}
