import { resolve } from 'node:path';
import { defineConfig, Plugin } from 'vite';
import preact from '@preact/preset-vite';

const root = resolve(__dirname);

/**
 * /widget/act.js: the loader of /widget/donate.js under a second name (it tells the forms
 * apart by the name it was loaded by). A classic script cannot import, and two entries that
 * shared a module would get a shared chunk, so the one built file is written twice.
 */
function actLoader(): Plugin {
  return {
    name: 'act-loader',
    generateBundle(_options, bundle) {
      const loader = bundle['widget/donate.js'];
      if (loader?.type !== 'chunk') throw new Error('widget/donate.js is missing from the build');
      this.emitFile({ type: 'asset', fileName: 'widget/act.js', source: loader.code });
    },
  };
}

/**
 * The pages the API serves: /admin (staff dashboard), /donor (donor portal), /widget
 * (progress widget: embed.html for its iframe, progress.js for sites to paste in, demo.html to
 * try it locally) and the donation form (/donate/<slug>, donate/index.html; donate.js is the
 * loader sites paste in), and the sign form (/act/<slug>/<action> and /act/confirm,
 * act/index.html; act.js is the same loader under the name sites paste for it).
 * web/public (the favicon) is copied to the build's root.
 * Built into web/dist, which src/web-pages serves (scripts/test.sh builds into a directory of
 * its own with --outDir, which overrides outDir below, then swaps it into place).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false }), actLoader()],
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
        act: resolve(root, 'act/index.html'),
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
