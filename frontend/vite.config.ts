import { defineConfig } from 'vitest/config';

// Django serves dist/index.html at "/" (and any non-API path) and dist/assets/* under /static/assets/*.
// `npm run dev` proxies the API to a Django server on :8000 so the UI can be worked on with hot reload.
export default defineConfig({
  base: '/static/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', ws: true },
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
