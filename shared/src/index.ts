export * from './classify.js';
export * from './fingerprint.js';
export * from './scrub.js';
export * from './taxonomy.js';
export * from './version.js';
