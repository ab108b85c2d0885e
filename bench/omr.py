"""Benchmark of the optical mark reader on sheets the project generates.

    .venv/bin/python -m bench.omr [SHEETS] [--officials 44] [--seed 13] [--out DIR]

Prints the round's scannable sheet (WeasyPrint), renders it (pypdfium2), fills SHEETS
copies with a voter's pen marks and what a scanner or a phone does to a page
(``tinnhiem.paper.omr_synth``), then reads every sheet image with
``tinnhiem.paper.omr.SheetReader`` and compares with the truth. Only the reading is timed
(decoding the JPEG included; making the sheets is not). A row is *wrong unflagged* when the
reader gives a mark other than the truth without sending the row to the committee; a
*flagged* row goes to the committee (a sheet not found flags all its rows). ``--out``
keeps the images and ``truth.json``.

The last line is machine-readable:

    sheets=<n> rows=<n> wrong_unflagged=<n> flagged_pct=<x> s_per_sheet=<x>
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from pathlib import Path

from tinnhiem.paper import Official, RoundDefinition
from tinnhiem.paper.omr import SheetImage, SheetReader
from tinnhiem.paper.omr_synth import blank_page, synthetic_sheets, truth_json

CHUNK = 50


def bench_definition(officials: int) -> RoundDefinition:
    """A People's Council round with ``officials`` rows (names of a realistic length)."""
    people = tuple(
        Official(f"cb{i:02d}", f"Nguyễn Thị Thanh Hương {i}", "Phó Chủ tịch Ủy ban nhân dân tỉnh")
        for i in range(1, officials + 1)
    )
    return RoundDefinition(
        round_id="bench-omr",
        title="Lấy phiếu tín nhiệm tại kỳ họp thứ 14",
        body="Hội đồng nhân dân tỉnh Vĩnh Phúc",
        date="2023-12-08",
        rule_id="nq96-2023",
        officials=people,
        paper_serials=100_000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sheets", nargs="?", type=int, default=1000)
    parser.add_argument("--officials", type=int, default=44)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    definition = bench_definition(args.officials)
    reader = SheetReader(definition)
    page = blank_page(definition)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    truths = []
    rows = wrong = flagged = unread = 0
    flags: Counter[str] = Counter()
    traps: Counter[str] = Counter()
    reading_s = 0.0
    made = 0
    sheets = synthetic_sheets(definition, args.sheets, seed=args.seed, page=page)
    while made < args.sheets:
        chunk = [sheet for _, sheet in zip(range(CHUNK), sheets, strict=False)]
        if not chunk:
            break
        for sheet in chunk:
            made += 1
            if args.out:
                (args.out / f"sheet-{made:04d}{sheet.suffix}").write_bytes(sheet.image)
                truths.append(truth_json(sheet))
            image = SheetImage(
                f"sheet {made}", hashlib.sha256(sheet.image).hexdigest(), sheet.image
            )
            start = time.perf_counter()
            reading = reader.read(image)
            reading_s += time.perf_counter() - start
            rows += len(sheet.rows)
            if not reading.rows:
                unread += 1
                flagged += len(sheet.rows)
                flags[reading.sheet_flag] += len(sheet.rows)
                continue
            for truth, row in zip(sheet.rows, reading.rows, strict=True):
                if truth.ambiguous:
                    traps[truth.ambiguous] += 1
                if row.flag:
                    flagged += 1
                    flags[row.flag] += 1
                elif row.mark is not truth.mark:
                    wrong += 1
                    print(
                        f"wrong: sheet {made} row {truth.official_id}: truth {truth.mark.value}"
                        f" ({truth.ambiguous or 'clear'}), read {row.mark.value} {row.ink}"
                    )
        print(f"... {made} sheets read", flush=True)
    if args.out:
        (args.out / "truth.json").write_text(json.dumps(truths, ensure_ascii=False), "utf-8")
    print(f"sheets not found: {unread}; flags: {dict(flags)}; traps drawn: {dict(traps)}")
    print(
        f"sheets={made} rows={rows} wrong_unflagged={wrong} "
        f"flagged_pct={100 * flagged / max(rows, 1):.2f} s_per_sheet={reading_s / max(made, 1):.3f}"
    )


if __name__ == "__main__":
    main()
