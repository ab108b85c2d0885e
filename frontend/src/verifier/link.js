// The link between two personnel steps (record-format §3.13, §4 step 14): a step's record
// against the record of the step whose result made its list — what `tinnhiem verify RECORD
// --previous PREV` checks (tinnhiem.record.link.verify_link), written again from the
// specification. Both records are verified on their own first.
//
// The round must name the previous record exactly (its round id, its step and its final
// board head), both must follow the same procedure text, and the round's candidates must be
// the previous step's `advancing` list, in order, with the same names — followed, on a step
// that lets voters name other eligible people, by its `personnel.write_ins` others. A link may also name
// the digest of a settlement (`previous.settlement`: the competent person's decision on a
// step that waited on a person); this page does not read settlement files, so such a link
// is checked for everything but the list, and says the settlement was not checked. A link
// to a paper step's entry log (`previous.source` "paper") is checked by `tinnhiem verify
// --previous LOG`, which decides the paper count again; here it is refused as a mismatch.

const fail = (where, message) => ({ ok: false, check: 'previous', where, message });

/**
 * Check `record`'s link to `previous` (two verified records, as parsed JSON).
 * Returns `{ok: true, settlementChecked}` (false when the link names a settlement this
 * page could not check) or `{ok: false, check: 'previous', where, message}`.
 */
export function checkLink(record, previous) {
  const m = record.manifest;
  const where = 'manifest.personnel.previous';
  const p = m.personnel;
  if (!p) return fail('manifest.kind', `a ${m.kind} round is not a step of a procedure`);
  const link = p.previous;
  if (link === null || link === undefined) {
    return fail(where, `step ${p.step} takes the eligible list: it links no record`);
  }
  if (link.source === 'paper') {
    return fail(`${where}.source`, "the link names a paper round's entry log: give that log, not a record (tinnhiem verify RECORD --previous LOG)");
  }
  const pm = previous.manifest;
  const results = previous.results;
  if (!pm.personnel || results === null || typeof results !== 'object' || Array.isArray(results)) {
    return fail(where, `the previous record is a ${pm.kind} round, not a step`);
  }
  if (link.round_id !== pm.round_id) {
    return fail(`${where}.round_id`, `is '${link.round_id}', the record is '${pm.round_id}'`);
  }
  if (link.step !== pm.personnel.step) {
    return fail(`${where}.step`, `is '${link.step}', the record is step '${pm.personnel.step}'`);
  }
  if (link.head !== previous.board.head) {
    return fail(`${where}.head`, "is not the previous record's final board head (another record?)");
  }
  if (record.rule.digest !== previous.rule.digest) {
    return fail('rule.digest', 'the two steps follow different procedure texts');
  }
  const writeIns = Number(p.write_ins ?? 0);
  const pending = Boolean(results.pending);
  const settlement = link.settlement ?? null;
  if (settlement !== null && !pending) {
    return fail(`${where}.settlement`, 'names a settlement, but the previous step did not wait on a person');
  }
  if (pending && settlement === null) {
    return fail('manifest.officials', "the previous step waits on a person's decision and the link names no settlement");
  }
  if (settlement === null) {
    const advancing = Array.isArray(results.advancing) ? results.advancing : [];
    if (advancing.length === 0) {
      return fail('manifest.officials', "the previous step sent nobody on (it waits on a person's decision, or stopped)");
    }
    // the list is `advancing`, in order, then the round's write-ins (none of them went on)
    const ids = m.officials.map((o) => o.id);
    const listed = ids.slice(0, ids.length - writeIns);
    const extra = ids.slice(ids.length - writeIns);
    if (listed.length !== advancing.length || listed.some((id, i) => id !== advancing[i]) || extra.some((id) => advancing.includes(id))) {
      const tail = writeIns ? `, then ${writeIns} write-ins` : '';
      return fail('manifest.officials', `the list is [${ids.join(', ')}], the previous step sent on [${advancing.join(', ')}]${tail}`);
    }
  }
  const names = new Map(pm.officials.map((o) => [o.id, o.name]));
  for (let i = 0; i < m.officials.length; i += 1) {
    const o = m.officials[i];
    if (!names.has(o.id) && i >= m.officials.length - writeIns) continue; // a write-in
    if (names.get(o.id) !== o.name) {
      return fail(`manifest.officials[${i}].name`, `is '${o.name}', the previous step lists ${o.id} as '${names.get(o.id)}'`);
    }
  }
  return { ok: true, settlementChecked: settlement === null };
}
