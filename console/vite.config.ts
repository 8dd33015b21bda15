import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Served under /console/ by the local API server (same origin as the API) and by CloudFront in AWS. */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
