import { register } from 'node:module';

// `node --import <this file> …` records what the process imports (see loaded-modules-hooks.ts).
register('./loaded-modules-hooks.js', import.meta.url);
