// LTTB downsampling lives in src/shared (the extension downsamples curves before sending them).
export * from '../../src/shared/downsample';
