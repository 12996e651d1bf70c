// What the benchmark page (page.ts) offers the Node side (run.ts) as `window.__trainlabBench`.
// Types only: run.ts imports them, page.ts implements them.

/** Which tab the panel opens on and what the stand-in host sends it. */
export type BenchPageKind = 'history' | 'chart' | 'console';

/** Given to the page before it loads (the real trainer's specs, built in Node). */
export interface BenchPageConfig {
  kind: BenchPageKind;
  params: unknown[];
  newParameters: Record<string, unknown>;
}

/** The page's globals: the configuration (set first), VS Code's API stub and the benchmark. */
export interface BenchWindow {
  __trainlabBenchConfig?: BenchPageConfig;
  __trainlabBench?: BenchApi;
  acquireVsCodeApi?: () => { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
}

/** Times in ms; each list has one entry per run, in run order. */
export interface HistoryTimes {
  /** The first table, at panel open (components defined, nothing cached yet). */
  cold: number;
  app: number[];
  floor: number[];
  rows: number;
}

export interface ChartTimes {
  /** The first chart (uPlot's first use, the chart created): what opening the tab costs. */
  cold: number;
  app: number[];
  floor: number[];
  appResize: number[];
  floorResize: number[];
  points: number;
  /** Canvas size of the floor and of the chart's plot, CSS px (to show they are alike). */
  floorCanvas: string;
  appCanvas: string;
}

export interface ConsoleRun {
  /** Per chunk: when it was due (ms from the run's start), sent, and shown (painted); null if never shown. */
  due: number[];
  sent: number[];
  shown: (number | null)[];
  linesPerChunk: number;
  /** Lines on screen at the end (the app keeps maxLines). */
  screenLines: number;
  /** Animation frames over 50 ms during the run (Long Animation Frames API), and the longest, ms. */
  longFrames: number;
  longestFrame: number;
}

export interface BenchApi {
  /** Resolves once the panel said ready, got its init (and its subscription's first data), and went quiet. */
  ready(): Promise<void>;
  /** The page's own time for a consoleSession with every session of the style (the picker), ms; console page only. */
  pickerTime(): number | undefined;
  history(runs: number): Promise<HistoryTimes>;
  chart(runs: number): Promise<ChartTimes>;
  consoleApp(): Promise<ConsoleRun>;
  consoleFloor(): Promise<ConsoleRun>;
  /** Content Security Policy violations reported in the page. */
  violations(): string[];
  /** Messages from the panel that did not parse (the contract, toExtension). */
  malformed(): string[];
}
