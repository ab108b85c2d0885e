"""The two verifiers held together (issue 15): `tinnhiem verify` (Python) and the browser
verifier (frontend/src/verifier, here under Node) must give the same verdict, exit class
and failure location on every record of the public corpus (docs/vectors/records/) and on
seeded mutations of a demo record (100 here; TINNHIEM_MUTATIONS=1000 for the full run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.poll.corpus import build_round, mutations, python_verdict

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "docs" / "vectors" / "records"
FRONTEND = ROOT / "frontend"
NODE = shutil.which("node")


def _node_verdicts(files: list[Path]) -> dict[str, dict[str, Any]]:
    assert NODE is not None, "node is needed (Debian: apt-get install nodejs npm)"
    assert (FRONTEND / "node_modules" / "libsodium-wrappers-sumo").is_dir(), (
        "run scripts/setup.sh (npm ci in frontend/)"
    )
    out = subprocess.run(
        [NODE, "tools/verify.mjs", "--stdin-list", "--results"],
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


def test_mutations_agree(tmp_path):
    count = int(os.environ.get("TINNHIEM_MUTATIONS", "100"))
    seed = int(os.environ.get("TINNHIEM_MUTATION_SEED", "2026"))
    rule = os.environ.get("TINNHIEM_MUTATION_RULE", "qd96-2023")
    built = build_round(rule=rule, officials=2, voters=5, seed=41)
    files: list[Path] = []
    labels: dict[str, str] = {}
    for k, (label, data) in enumerate(mutations(built, count, seed=seed)):
        path = tmp_path / f"m{k:05d}.json"
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
    assert not differ, f"{len(differ)} of {len(files)} differ: {differ[:10]}"
    assert classes.get(1, 0) > count // 2  # most mutations reach the checks, not the reader
    print(f"\n{len(files)} mutations, the two verifiers agree on all; exit classes {classes}")


@pytest.mark.parametrize("name", ["read-bom", "read-not-nfc", "read-duplicate-key"])
def test_unreadable_is_exit_2_on_the_cli(name):
    from typer.testing import CliRunner

    from tinnhiem.cli import app

    result = CliRunner().invoke(app, ["verify", str(CORPUS / f"{name}.json.gz"), "-w", "1"])
    assert result.exit_code == 2
