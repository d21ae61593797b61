import { defineConfig } from 'vite';
export default defineConfig({ root: import.meta.dirname, worker: { format: 'es' }, build: { outDir: '/tmp/h7-dist', emptyOutDir: true } });
