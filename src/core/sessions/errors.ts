/** A launch, resume or cancel that was refused before anything ran: the message says why. */
export class SessionActionError extends Error {
  constructor(message: string, readonly problems: string[] = []) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'SessionActionError';
  }
}
