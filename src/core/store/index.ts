export * from './store';
export * from './events';
export * from './watch';
export * from './datasets';
export * from './find-root';
export { paths, classify, isIgnoredPath } from './layout';
export { writeJsonAtomic, withFileLock } from './fileio';
