export * from './contract';
export * from './errors';
export * from './progress';
export * from './status';
export * from './client';
export * from './poller';
export * from './report';
