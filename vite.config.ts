import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard's web app: built into dist/web and served by `svd serve` (no CDN, no network).
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  logLevel: 'warn',
});
