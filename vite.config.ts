import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard's web app: built into dist/web and served by `svd serve` (no CDN, no network).
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  // '@api' as web/tsconfig.json maps it: the API's answer types (declarations only, nothing bundled).
  resolve: { alias: { '@api': fileURLToPath(new URL('./src/api/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  logLevel: 'warn',
});
