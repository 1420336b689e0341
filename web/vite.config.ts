import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = resolve(__dirname);

/**
 * The pages the API serves: /admin (staff dashboard), /donor (donor portal), /widget
 * (progress widget: embed.html for its iframe, progress.js for sites to paste in, demo.html to
 * try it locally) and the donation form (/donate/<slug>, donate/index.html; donate.js is the
 * loader sites paste in). web/public (the favicon) is copied to the build's root.
 * Built into web/dist, which src/web-pages serves (scripts/test.sh builds into a directory of
 * its own with --outDir, which overrides outDir below, then swaps it into place).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false })],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    rollupOptions: {
      input: {
        admin: resolve(root, 'admin/index.html'),
        donor: resolve(root, 'donor/index.html'),
        embed: resolve(root, 'widget/embed.html'),
        demo: resolve(root, 'widget/demo.html'),
        progress: resolve(root, 'widget/progress.ts'),
        donate: resolve(root, 'donate/index.html'),
        'donate-loader': resolve(root, 'widget/donate.ts'),
      },
      output: {
        // Sites embed /widget/progress.js by name; everything else is hashed and cached long.
        entryFileNames: (chunk) =>
          chunk.name === 'progress'
            ? 'widget/progress.js'
            : chunk.name === 'donate-loader'
              ? 'widget/donate.js'
              : 'assets/[name]-[hash].js',
      },
    },
  },
});
