/**
 * The platform's components do not fit together: a contract no component offers, two components
 * offering the same one, a cycle. Found before anything is built; lists every problem.
 */
export class CompositionError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(
      `The platform's components do not fit together (${problems.length} problem${
        problems.length === 1 ? '' : 's'
      }):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'CompositionError';
  }
}
