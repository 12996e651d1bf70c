import type { Fault, Route } from './types';

/** Injected faults, applied in the order given to the next requests of their route. */
export class FaultQueue {
  private readonly queue: { fault: Fault; left: number }[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault.times must be a whole number of at least 1, got ${String(fault.times)}`);
    if (fault.kind === 'status' && !(fault.code >= 100 && fault.code <= 599)) throw new Error(`fault.code must be an HTTP status, got ${fault.code}`);
    this.queue.push({ fault, left: times });
  }

  /** The fault for a request of `route`, used up once; the download routes (`files`, `reports`) only match faults naming them. */
  take(route: Route): Fault | undefined {
    const i = this.queue.findIndex((e) => e.fault.route === route || (e.fault.route === '*' && route !== 'files' && route !== 'reports'));
    if (i < 0) return undefined;
    const entry = this.queue[i]!;
    if (--entry.left === 0) this.queue.splice(i, 1);
    return entry.fault;
  }

  /** Faults not yet used (what a test may assert was consumed). */
  pending(): Fault[] {
    return this.queue.map((e) => e.fault);
  }

  clear(): void {
    this.queue.length = 0;
  }
}
