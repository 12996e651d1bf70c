// The console tab's model and renderer (see buffer.ts, view.ts). The stylesheet is console.css.
export { ConsoleBuffer, DEFAULT_MAX_LINES, type ConsoleBufferOptions, type ConsoleChanges, type ConsoleLine } from './buffer';
export { applySgr, nearestPaletteIndex, styleClasses, type AnsiColor, type AnsiStyle, type Span } from './ansi';
export { ConsoleSearch, findInText, findMatches, segmentLine, type Match, type Segment } from './search';
export { ConsoleView, type ConsoleSearchStatus, type ConsoleViewOptions, type ConsoleViewState } from './view';
