export * from './bridge.js';
export * from './classify.js';
export * from './fingerprint.js';
export * from './limits.js';
export * from './scrub.js';
export * from './strategies.js';
export * from './taxonomy.js';
export * from './version.js';
