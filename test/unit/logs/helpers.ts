import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineSplitter, ProgressTracker, type LineParser, type MetricPoint, type ParsedEvent, type ProgressTrackerOptions } from '../../../src/core/logs';

/** The log fixtures; mocha runs from the repository root (.mocharc.json). */
export const LOG_FIXTURES = resolve('test/fixtures/logs');

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(LOG_FIXTURES, name));
}

/** All segments of a fixture, split on \r and \n. */
export function segments(name: string): string[] {
  const s = new LineSplitter();
  return [...s.push(fixtureBytes(name)), ...s.end()];
}

export function eventsOf(name: string, parser: LineParser): ParsedEvent[] {
  return segments(name).flatMap((l) => [...parser(l)]);
}

export function ofType<T extends ParsedEvent['type']>(events: ParsedEvent[], type: T): Extract<ParsedEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ParsedEvent, { type: T }> => e.type === type);
}

/** Runs a fixture through parser and tracker; returns the tracker and the metric points. */
export function track(name: string, parser: LineParser, options: ProgressTrackerOptions): { tracker: ProgressTracker; points: MetricPoint[]; events: ParsedEvent[] } {
  const tracker = new ProgressTracker(options);
  const points: MetricPoint[] = [];
  const events = eventsOf(name, parser);
  for (const e of events) points.push(...tracker.consume(e));
  points.push(...tracker.flush());
  return { tracker, points, events };
}
