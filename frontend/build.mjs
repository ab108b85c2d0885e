// Bundles the page scripts (ES modules) into the Django static folder with esbuild.
// Output: src/tinnhiem/web/static/tinnhiem/booth/ (ignored by git; `npm run build` makes it).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(here, '../src/tinnhiem/web/static/tinnhiem/booth');

fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    booth: path.join(here, 'src/pages/booth.js'),
    committee: path.join(here, 'src/pages/committee.js'),
    board: path.join(here, 'src/pages/board.js'),
    results: path.join(here, 'src/pages/results.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // libsodium.js probes for Node's modules at run time; in the browser they are absent.
  external: ['fs', 'path', 'crypto', 'url', 'module', 'worker_threads'],
  platform: 'browser',
});
fs.copyFileSync(path.join(here, 'src/pages/poll.css'), path.join(outdir, 'poll.css'));
console.log(`built into ${path.relative(process.cwd(), outdir)}`);
