/** A usage problem: exit code 2, reported as `{"error": {"kind": "usage", ...}}` under --json. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
