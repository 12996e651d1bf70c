export * from './params';
export * from './types';
export * from './registry';
export { kohyaTrainer } from './kohya';
export { demoTrainer } from './demo';
