#!/usr/bin/env node
// The browser verifier's modules under Node: `node frontend/tools/verify.mjs RECORD...`
// prints one JSON line per record, {"file", "exit", "check", "where", "message"}, and
// exits with the first record's exit class (record-format.md §4.1). With --results it
// adds the recomputed results table. Used by the agreement tests; the same modules run
// in the browser page (frontend/src/pages/verify.js) in Web Workers.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { lookupTracker, verifyBytes } from '../src/verifier/record.js';
import { verifyChunk } from '../src/verifier/ballots.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(fs.readFileSync(path.resolve(here, '../../docs/record.schema.json'), 'utf8'));

async function runChunks(ctx, items) {
  const out = [];
  for (let i = 0; i < items.length; i += 64) out.push(verifyChunk(ctx, items.slice(i, i + 64)));
  return out;
}

const args = process.argv.slice(2);
const withResults = args.includes('--results');
// --tracker CODE (repeatable): look the voter's tracker up on a valid record's board (exit 4 when absent)
const trackers = [];
const rest = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--tracker') { trackers.push(args[i + 1] ?? ''); i += 1; } else rest.push(args[i]);
}
let files = rest.filter((a) => !a.startsWith('--'));
if (args.includes('--stdin-list')) {
  files = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
}
let first = null;
for (const file of files) {
  let verdict;
  try {
    const bytes = new Uint8Array(fs.readFileSync(file));
    verdict = await verifyBytes(bytes, { schema, name: file, gunzip: async (b) => new Uint8Array(zlib.gunzipSync(b)), runChunks, progress: () => {} });
  } catch (err) {
    verdict = { exit: err.code === 'ENOENT' || err.code === 'EISDIR' ? 2 : 3, check: 'read', where: 'record', message: err.message };
  }
  const line = { file, exit: verdict.exit, check: verdict.check, where: verdict.where, message: verdict.message };
  if (withResults && verdict.report) {
    line.results = JSON.parse(JSON.stringify(verdict.report.results, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
  }
  if (trackers.length && verdict.exit === 0) {
    line.trackers = trackers.map((code) => ({ code, ...lookupTracker(verdict.record, code) }));
    if (line.trackers.some((t) => !t.found)) line.exit = 4;
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  if (first === null) first = line.exit;
}
process.exitCode = first ?? 2;
