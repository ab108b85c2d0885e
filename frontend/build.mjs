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

// The browser verifier: ONE self-contained HTML file (its script, its worker's script and
// libsodium's WebAssembly inline), served at /verify/ and usable from file:// offline.
const verifyDir = path.resolve(here, '../src/tinnhiem/web/static/tinnhiem/verify');
const common = {
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  write: false,
  legalComments: 'inline',
  logLevel: 'warning',
  external: ['fs', 'path', 'crypto', 'url', 'module', 'worker_threads'],
  platform: 'browser',
};
const worker = await build({ ...common, entryPoints: [path.join(here, 'src/pages/verify-worker.js')] });
const page = await build({
  ...common,
  entryPoints: [path.join(here, 'src/pages/verify.js')],
  define: { __VERIFY_WORKER__: JSON.stringify(worker.outputFiles[0].text) },
});
const script = page.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const html = fs.readFileSync(path.join(here, 'src/pages/verify.html'), 'utf8')
  .replace('/*STYLE*/', () => fs.readFileSync(path.join(here, 'src/pages/verify.css'), 'utf8'))
  .replace('/*SCRIPT*/', () => script);
fs.rmSync(verifyDir, { recursive: true, force: true });
fs.mkdirSync(verifyDir, { recursive: true });
fs.writeFileSync(path.join(verifyDir, 'verifier.html'), html);
console.log(`built ${path.relative(process.cwd(), path.join(verifyDir, 'verifier.html'))} (${html.length} bytes)`);
