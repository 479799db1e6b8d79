import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console builds into dist/console, which `scimd serve` serves at `/`. Asset names carry a
 * content hash, so the server can cache them for good; nothing is inlined, so the page's CSP
 * can forbid inline scripts and styles.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
