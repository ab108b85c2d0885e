// The write-in step of NĐ 170/2025 (original Điều 33, bước 3): the procedure file's grammar,
// the step decided at its exact boundaries (base 7: 4 of 7 passes above half, a write-in
// with 4 of 7 is short of 2/3, 5 of 7 reaches it; the 30% floor; the 2/3 quorum), and the
// link check of a write-in list — as tinnhiem.rules.appointment.decide_step and
// tinnhiem.record.link.verify_link decide them (tests/unit/personnel/test_write_in_steps.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProcedure, roundStepFailure, stepResult } from '../src/verifier/personnel.js';
import { checkLink } from '../src/verifier/link.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(here, '../../src/tinnhiem/rules/data');
const proc = parseProcedure(fs.readFileSync(path.join(DATA, 'appointment-nd170-2025.toml'), 'utf8'));

const officials = ['nva', 'ttb', 'lvc', 'pmd'].map((id, i) => ({ id, name: id, post: '', order: i + 1 }));
const link = { round_id: 'r-b2', step: 'b2-extended', head: 'ab'.repeat(32) };
const manifest = (writeIns, summoned = 7) => ({
  kind: 'choose_at_most',
  summoned,
  officials,
  personnel: {
    step: 'b3-leadership', k: 1, post: 'Giám đốc Sở', list_source: 'previous', previous: link, blank_column: true,
    ...(writeIns ? { write_ins: writeIns } : {}),
  },
});
// column sums: nva, ttb, lvc, pmd, then the blank column
const decide = (votes, { present = 7, writeIns = 2 } = {}) => {
  const sums = [...votes, BigInt(present) - votes.reduce((a, x) => a + x, 0n)];
  return stepResult(manifest(writeIns), proc, sums, { present: BigInt(present), returned: BigInt(present) });
};

test('the file: step 3 takes write-ins, 2/3 of the summoned, report up when short', () => {
  const s = proc.step('b3-leadership');
  assert.equal(s.writeIn.base, 'summoned');
  assert.deepEqual(s.writeIn.threshold.fraction, { num: 2n, den: 3n });
  assert.equal(s.writeIn.threshold.inclusive, true);
  assert.equal(s.writeIn.below.action, 'report_up');
  assert.equal(s.writeIn.below.cite.key, 'a33-b3-two-thirds-none');
  assert.equal(proc.step('b2-extended').writeIn, null);
});

test('a step without write_in refuses a manifest that claims write-ins', () => {
  const m = { ...manifest(1), personnel: { ...manifest(1).personnel, step: 'b5-decide', previous: { ...link, step: 'b4-key-cadres' } } };
  assert.equal(roundStepFailure(m, proc), 'manifest.personnel.write_ins');
  assert.equal(roundStepFailure(manifest(2), proc), null);
});

test('4 of 7 from step 2\'s list passes (2·4 > 7)', () => {
  const r = decide([4n, 2n, 1n, 0n]);
  assert.equal(r.status, 'passed');
  assert.deepEqual(r.advancing, ['nva']);
  assert.ok(!r.reasons.some((x) => x.code.startsWith('write_in_')));
});

test('a write-in with 4 of 7 is above half but short of 2/3 (3·4 < 2·7): report up', () => {
  const r = decide([3n, 0n, 4n, 0n]);
  assert.equal(r.status, 'write_in_short');
  assert.equal(r.action, 'report_up');
  assert.equal(r.pending, true);
  assert.deepEqual(r.selected, ['lvc']);
  assert.deepEqual(r.advancing, []);
  assert.deepEqual(r.concerned, ['nva', 'ttb', 'lvc', 'pmd']);
  const below = r.reasons.find((x) => x.code === 'write_in_below');
  assert.equal(below.cite, 'a33-b3-two-thirds-none');
  assert.match(below.text_vi, /tối thiểu 2\/3 .*\(3v >= 2N, N = 7\): lvc/);
});

test('a write-in with 5 of 7 reaches 2/3 (3·5 >= 2·7) and goes on', () => {
  const r = decide([2n, 0n, 0n, 5n]);
  assert.equal(r.status, 'passed');
  assert.deepEqual(r.advancing, ['pmd']);
  assert.equal(r.next_step, 'b4-key-cadres');
  assert.equal(r.reasons.find((x) => x.code === 'write_in_reached').cite, 'a33-b3-two-thirds');
});

test('the 30% floor: 3 of 10 goes on (10·3 >= 3·10), 2 of 10 does not', () => {
  const m = manifest(2, 10);
  const sums = [3n, 2n, 0n, 0n, 5n];
  const r = stepResult(m, proc, sums, { present: 10n, returned: 10n });
  assert.equal(r.status, 'none_reached');
  assert.equal(r.action, 'all_above_floor');
  assert.deepEqual(r.advancing, ['nva']);
  // a write-in at the floor but short of 2/3: the step is reported up
  const w = stepResult(m, proc, [3n, 0n, 3n, 0n, 4n], { present: 10n, returned: 10n });
  assert.equal(w.status, 'write_in_short');
  assert.deepEqual(w.reasons.slice(-3).map((x) => x.code), ['none_reaches', 'floor', 'write_in_below']);
});

test('the quorum: 5 of 7 present meets 2/3, 4 of 7 does not', () => {
  assert.equal(decide([4n, 0n, 0n, 0n], { present: 5 }).status, 'passed');
  const r = decide([4n, 0n, 0n, 0n], { present: 4 });
  assert.equal(r.status, 'quorum_not_met');
  assert.equal(r.next_step, 'b3-leadership');
});

const record = (ids, writeIns) => ({
  manifest: {
    kind: 'choose_at_most',
    officials: ids.map((id, i) => ({ id, name: `Người ${id}`, post: '', order: i + 1 })),
    personnel: { step: 'b3-leadership', previous: { round_id: 'r-b2', step: 'b2-extended', head: 'cd'.repeat(32) }, ...(writeIns ? { write_ins: writeIns } : {}) },
  },
  rule: { digest: 'sha256:x' },
});
const previous = {
  manifest: {
    kind: 'choose_at_most',
    round_id: 'r-b2',
    personnel: { step: 'b2-extended' },
    officials: ['nva', 'ttb', 'lvc', 'pmd'].map((id, i) => ({ id, name: `Người ${id}`, post: '', order: i + 1 })),
  },
  results: { pending: false, advancing: ['nva', 'ttb'] },
  board: { head: 'cd'.repeat(32) },
  rule: { digest: 'sha256:x' },
};

test('the link: who went on, in order, then the write-ins', () => {
  assert.deepEqual(checkLink(record(['nva', 'ttb', 'lvc', 'pmd'], 2), previous), { ok: true, settlementChecked: true });
  assert.deepEqual(checkLink(record(['nva', 'ttb', 'hth'], 1), previous), { ok: true, settlementChecked: true });
  for (const [ids, n] of [[['nva', 'ttb', 'lvc', 'pmd'], 1], [['nva', 'ttb', 'lvc'], 0], [['ttb', 'nva', 'lvc'], 1], [['lvc', 'nva', 'ttb'], 1]]) {
    const v = checkLink(record(ids, n), previous);
    assert.equal(v.ok, false, ids.join(','));
    assert.equal(v.where, 'manifest.officials');
  }
});
