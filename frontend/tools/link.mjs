#!/usr/bin/env node
// The browser verifier's link check under Node: `node frontend/tools/link.mjs RECORD PREVIOUS`
// prints {"ok", "check", "where", "message", "settlementChecked"} for `checkLink` (the page's
// "previous step" check, record-format §3.13, §4 step 14) on two records already verified on
// their own. Used by the agreement tests against `tinnhiem.record.link.verify_link`.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { checkLink } from '../src/verifier/link.js';

function read(file) {
  let bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  return JSON.parse(bytes.toString('utf8'));
}

const [recordFile, previousFile] = process.argv.slice(2);
if (!recordFile || !previousFile) {
  process.stderr.write('usage: node tools/link.mjs RECORD PREVIOUS\n');
  process.exit(2);
}
const verdict = checkLink(read(recordFile), read(previousFile));
process.stdout.write(`${JSON.stringify(verdict)}\n`);
process.exitCode = verdict.ok ? 0 : 1;
