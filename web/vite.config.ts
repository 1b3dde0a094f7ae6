// Vite build of the web app: root web/, output web/dist/ (served by the server at '/').
// Routes are lazy chunks so a rep's phone only downloads the screens it opens.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.TRUELINE_API ?? 'http://localhost:3000';

/**
 * Writes a gzip copy next to every text asset after the build; the server sends it to browsers
 * that accept gzip (fastify-static `preCompressed`). On a slow phone network this halves the
 * field app's time to interactive (bench/results/mobile.json).
 */
function gzipAssets(): Plugin {
  return {
    name: 'trueline-gzip-assets',
    apply: 'build',
    closeBundle() {
      const dist = path.join(root, 'dist');
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(dist)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const gz = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
        fs.writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), gzipAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // antd's shared chunk is large by nature; the entry and route chunks are what we watch.
    chunkSizeWarningLimit: 1200,
    // Two pages: the antd app, and the rep's light field app at /m/ (P9, P10; no antd, no echarts).
    rolldownOptions: { input: { main: 'index.html', m: 'm/index.html' } },
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api },
    },
  },
  preview: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
    },
  },
});
