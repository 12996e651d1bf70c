export * from './events';
export * from './splitter';
export * from './tqdm';
export * from './pydict';
export * from './parsers';
export * from './tracker';
export * from './follower';
export * from './read';
