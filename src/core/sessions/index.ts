export * from './runtime';
export * from './errors';
export * from './launch';
export * from './reconcile';
export * from './sync';
export * from './actions';
export { currentRunnerRecord, runnerLiveness } from './runner-record';
export * from './runpod';
export * from './runpod-sync';
