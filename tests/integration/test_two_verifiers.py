"""The two verifiers held together (issue 15): `tinnhiem verify` (Python) and the browser
verifier (frontend/src/verifier, here under Node) must give the same verdict, exit class
and failure location on every record of the public corpus (docs/vectors/records/) and on
seeded mutations of a demo record (100 here; TINNHIEM_MUTATIONS=1000 for the full run)
and of personnel step records (§3.13: a choose step and an agree/disagree step, as
many each), in both the one-document and the streaming form (§1.1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.ballots import RevotePolicy
from tinnhiem.poll.corpus import (
    Built,
    build_round,
    build_step,
    mutations,
    python_verdict,
    stream_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "docs" / "vectors" / "records"
FRONTEND = ROOT / "frontend"
NODE = shutil.which("node")


def _node_verdicts(files: list[Path], *extra: str) -> dict[str, dict[str, Any]]:
    assert NODE is not None, "node is needed (Debian: apt-get install nodejs npm)"
    assert (FRONTEND / "node_modules" / "libsodium-wrappers-sumo").is_dir(), (
        "run scripts/setup.sh (npm ci in frontend/)"
    )
    out = subprocess.run(
        [NODE, "tools/verify.mjs", "--stdin-list", "--results", *extra],
        input="\n".join(str(f) for f in files),
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == len(files), out.stderr[-2000:]
    return {line["file"]: line for line in lines}


def _index() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "index.json").read_text("utf-8"))["records"]


def test_the_corpus_is_small_and_complete():
    index = _index()
    files = {e["file"] for e in index}
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "index.json"}
    assert files == on_disk
    assert sum((CORPUS / f).stat().st_size for f in files) < 3_000_000
    kinds = {e["exit"] for e in index}
    assert kinds == {0, 1, 2}
    assert sum(e["exit"] == 0 for e in index) >= 10


def test_python_gives_the_corpus_verdicts():
    for entry in _index():
        got = python_verdict(CORPUS / entry["file"])
        assert (got[0], got[2]) == (entry["exit"], entry["where"]), entry["file"]


def test_the_browser_verifier_gives_the_corpus_verdicts():
    index = _index()
    verdicts = _node_verdicts([CORPUS / e["file"] for e in index])
    for entry in index:
        v = verdicts[str(CORPUS / entry["file"])]
        assert (v["exit"], v["where"]) == (entry["exit"], entry["where"]), (entry, v)
        if entry["exit"] == 1:
            assert v["check"] == entry["check"], (entry, v)


def test_the_browser_verifier_recomputes_the_results_table():
    entry = next(e for e in _index() if e["file"].startswith("poll-qd96-two-thirds"))
    path = CORPUS / entry["file"]
    v = _node_verdicts([path])[str(path)]
    import gzip

    record = json.loads(gzip.decompress(path.read_bytes()))
    assert v["results"] == record["results"]
    assert "resignation_closed" in record["results"][0]["consequences"]


def _agree(built: Built, count: int, seed: int, tmp: Path, tag: str) -> dict[int, int]:
    files: list[Path] = []
    labels: dict[str, str] = {}
    for k, (label, data) in enumerate(mutations(built, count, seed=seed)):
        path = tmp / f"{tag}{k:05d}.json"
        path.write_bytes(data)
        files.append(path)
        labels[str(path)] = label
    js = _node_verdicts(files)
    differ = []
    classes: dict[int, int] = {}
    for path in files:
        py = python_verdict(path)
        v = js[str(path)]
        classes[py[0]] = classes.get(py[0], 0) + 1
        if (py[0], py[2]) != (v["exit"], v["where"]):
            differ.append(
                (labels[str(path)], py, (v["exit"], v["check"], v["where"], v["message"]))
            )
    assert not differ, f"{tag}: {len(differ)} of {len(files)} differ: {differ[:10]}"
    assert classes.get(1, 0) > count // 2  # most mutations reach the checks, not the reader
    print(f"\n{tag}: {len(files)} mutations, the two verifiers agree on all; classes {classes}")
    return classes


def _count() -> int:
    return int(os.environ.get("TINNHIEM_MUTATIONS", "100"))


def _seed() -> int:
    return int(os.environ.get("TINNHIEM_MUTATION_SEED", "2026"))


def test_mutations_agree(tmp_path):
    rule = os.environ.get("TINNHIEM_MUTATION_RULE", "qd96-2023")
    built = build_round(rule=rule, officials=2, voters=5, seed=41)
    _agree(built, _count(), _seed(), tmp_path, "poll")


def _choose_step() -> Built:
    return build_step(votes=(("an",), ("an",), ("binh",), ("chi",), ()), seed=42)


def _agree_step() -> Built:
    first = build_step(
        step="b3-leadership",
        candidates=("an", "binh"),
        votes=(("an",), ("an",), ("binh",)),
        previous=build_step(seed=43),
        seed=44,
    )
    return build_step(
        step="b5-decide",
        candidates=("an",),
        votes=(("an",), ("-an",), ("an",), ()),
        previous=first,
        seed=45,
    )


def _write_in_step() -> Built:
    """NĐ 170/2025 (original) step 3 after step 2: An and Bình went on at the 30% floor
    (3 of 9 each), Chí and Đức are write-ins (``personnel.write_ins`` 2); Đức's 4 of 7 is
    above half but short of 2/3 of the collective (write_in_short, report up)."""
    names = ("an", "binh", "chi", "duc")
    first = build_step(
        procedure="appointment-nd170-2025",
        step="b2-extended",
        candidates=names,
        votes=(("an",),) * 3 + (("binh",),) * 3 + (("chi",),) + ((),) * 2,
        seed=46,
    )
    return build_step(
        procedure="appointment-nd170-2025",
        step="b3-leadership",
        candidates=names,
        votes=(("duc",),) * 4 + (("an",),) * 3,
        previous=first,
        seed=47,
    )


def test_personnel_mutations_agree(tmp_path):
    """Mutations of a choose step (top_n, a tie), of a linked agree/disagree step and of a
    write-in step (its list, its write_ins count, its 2/3 rule)."""
    _agree(_choose_step(), _count(), _seed() + 1, tmp_path, "choose")
    _agree(_agree_step(), _count(), _seed() + 2, tmp_path, "agree")
    _agree(_write_in_step(), _count(), _seed() + 3, tmp_path, "write-in")


def test_the_browser_verifier_recomputes_a_personnel_step(tmp_path):
    files = []
    steps = [("choose", _choose_step()), ("agree", _agree_step()), ("write-in", _write_in_step())]
    for name, built in steps:
        path = tmp_path / f"{name}.json"
        path.write_bytes(json.dumps(built.data, ensure_ascii=False).encode())
        files.append((path, built.data["results"]))
    verdicts = _node_verdicts([p for p, _ in files])
    for path, results in files:
        v = verdicts[str(path)]
        assert v["exit"] == 0, v
        assert v["results"] == results
    assert files[0][1]["status"] == "tie" and files[0][1]["pending"] is True
    assert (files[2][1]["status"], files[2][1]["action"]) == ("write_in_short", "report_up")


def test_the_demo_appointment_verifies_in_both(tmp_path):
    """`tinnhiem demo --kind appointment`: every step record, valid in both, same table."""
    from typer.testing import CliRunner

    from tinnhiem.cli import app

    result = CliRunner().invoke(app, ["demo", "--kind", "appointment", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) >= 4
    verdicts = _node_verdicts(files)
    for path in files:
        v = verdicts[str(path)]
        assert (v["exit"], python_verdict(path)[0]) == (0, 0), v
        assert v["results"] == json.loads(path.read_text("utf-8"))["results"]


def test_the_streaming_form_agrees(tmp_path):
    """§1.1: the same record line by line gives the same verdict, at the same place."""
    built = _choose_step()
    stream = stream_bytes(built.data)
    head, _, rest = stream.partition(b"\n")
    header = json.loads(head)
    cases = {"valid.jsonl": stream, "short.jsonl": None, "bad-line.jsonl": None}
    header["ballot_count"] += 1
    cases["short.jsonl"] = json.dumps(header).encode() + b"\n" + rest
    lines = stream.split(b"\n")
    ballot = json.loads(lines[2])
    ballot["zz"] = 1
    cases["bad-line.jsonl"] = b"\n".join([*lines[:2], json.dumps(ballot).encode(), *lines[3:]])
    files = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    gz = tmp_path / "valid.jsonl.gz"
    gz.write_bytes(__import__("gzip").compress(stream))
    files.append(gz)
    verdicts = _node_verdicts(files)
    want = {
        "valid.jsonl": (0, None),
        "short.jsonl": (1, "ballot_count"),
        "bad-line.jsonl": (1, "ballots[1].zz"),
        "valid.jsonl.gz": (0, None),
    }
    for path in files:
        py = python_verdict(path)
        v = verdicts[str(path)]
        assert (py[0], py[2]) == (v["exit"], v["where"]) == want[path.name], (path.name, py, v)


def test_the_tracker_lookup(tmp_path):
    """verify.mjs --tracker: found and counted, or absent (exit 4), typed in any case."""
    built = build_round(rule="nq96-2023", voters=3, revotes=1, revote=RevotePolicy.LAST_COUNTS)
    path = tmp_path / "r.json"
    path.write_bytes(json.dumps(built.data, ensure_ascii=False).encode())
    replaced = built.data["ballots"][0]["tracker"]
    counted = built.data["ballots"][-1]["tracker"]
    typed = counted.lower().replace("-", " ")
    v = _node_verdicts([path], "--tracker", typed, "--tracker", replaced)[str(path)]
    assert v["exit"] == 0
    assert [(t["found"], t["counted"]) for t in v["trackers"]] == [(True, True), (True, False)]
    absent = "A" * 52
    v = _node_verdicts([path], "--tracker", absent)[str(path)]
    assert v["exit"] == 4 and v["trackers"][0]["found"] is False


@pytest.mark.parametrize("name", ["read-bom", "read-not-nfc", "read-duplicate-key"])
def test_unreadable_is_exit_2_on_the_cli(name):
    from typer.testing import CliRunner

    from tinnhiem.cli import app

    result = CliRunner().invoke(app, ["verify", str(CORPUS / f"{name}.json.gz"), "-w", "1"])
    assert result.exit_code == 2
