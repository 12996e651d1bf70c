export * from './ids';
export * from './status';
export * from './schemas';
export * from './migrations';
export * from './parse';
