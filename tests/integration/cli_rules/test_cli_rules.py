"""The ``tinnhiem rules`` and ``tinnhiem results`` commands, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tinnhiem.cli import results_cmd, rules_cmd

ROOT = Path(__file__).resolve().parents[3]
NGAN = "Nguyễn Thị Kim Ngân"


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root: keeps ``results`` a subcommand."""

    rules_cmd.register(app)
    results_cmd.register(app)
    return app


APP = make_app()
RUNNER = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(APP, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def csv_file(tmp_path: Path, text: str, *, bom: bool = False, name: str = "counts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def results_json(*args: str) -> dict[str, object]:
    code, out, err = run("results", *args, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


# --- rules list / show -------------------------------------------------------------------


def test_rules_list_one_id_per_line() -> None:
    code, out, _ = run("rules", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == [
        "nq35-2012",
        "nq85-2014",
        "nq96-2023",
        "nq96-2023-formal",
        "qd96-2023",
    ]
    assert "Quy định 96-QĐ/TW" in lines[-1] and "Politburo" in lines[-1]


def test_rules_show_prints_the_rule_in_full() -> None:
    code, out, _ = run("rules", "show", "qd96-2023")
    assert code == 0
    for expected in [
        "Denominator N: returned",
        "present >= 2/3 × summoned (inclusive)",
        "[over-half] 2L > N and 3L < 2N",
        "lower: 1/2 (exclusive)",
        "[two-thirds] 3L >= 2N",
        "lower: 2/3 (inclusive)",
        "relieved_of_posts [mandatory]",
        "Quy định 96-QĐ/TW, điều, khoản chưa xác định / article not confirmed"
        " [chưa đối chiếu văn bản / unverified]",
        "Formal vote follows: possible",
        "closes the resignation path",
        "retirement_notice",
        "Uncertain:",
        "Blank row: invalid",
    ]:
        assert expected in out, expected


def test_rules_show_formal_rule() -> None:
    code, out, _ = run("rules", "show", "nq96-2023-formal")
    assert code == 0
    assert "[no-confidence-majority] 2K > N" in out
    assert "20%" in out and "Request threshold (national_assembly)" in out
    assert "Mẫu số N / Denominator N: members" in out
    assert "[Luật Tổ chức Quốc hội số 57/2014/QH13, Điều 13, khoản 2]" in out
    assert "Hội đồng Dân tộc" in out and "Mặt trận Tổ quốc" in out


def test_rules_show_unknown_rule() -> None:
    code, out, err = run("rules", "show", "nq00-1999")
    assert code == 2 and out == ""
    assert "unknown rule 'nq00-1999'" in err


def test_rules_show_malformed_custom_rule_names_the_key(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    bad = tmp_path / "bad.toml"
    bad.write_text(block.replace('denominator = "returned"', 'denominator = "ballots"'), "utf-8")
    code, _, err = run("rules", "show", str(bad))
    assert code == 2
    assert "bad.toml" in err and "key 'denominator'" in err and "returned, members" in err


# --- results: the public examples ---------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["nq85-2014", "nq35-2012"])
def test_results_na_2018(tmp_path: Path, rule_id: str) -> None:
    path = csv_file(
        tmp_path, f"official,position,high,confident,low\n{NGAN},Chủ tịch Quốc hội,437,34,4\n"
    )
    doc = results_json("--rule", rule_id, "--counts", str(path), "--members", "485")
    (row,) = doc["results"]  # type: ignore[misc]
    assert row["base"] == 485 and row["official"] == NGAN
    assert row["levels"] == {
        "high": {"count": 437, "percent": "90.10", "exact": "437/485"},
        "confident": {"count": 34, "percent": "7.01", "exact": "34/485"},
        "low": {"count": 4, "percent": "0.82", "exact": "4/485"},
    }
    assert row["band"] is None and row["consequences"] == []
    rule = doc["rule"]
    assert isinstance(rule, dict)
    assert (rule["id"], rule["denominator"]) == (rule_id, "members")


def test_results_na_2018_missing_members(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"official,position,high,confident,low\n{NGAN},CTQH,437,34,4\n")
    code, out, err = run("results", "--rule", "nq85-2014", "--counts", str(path))
    assert code == 2 and out == ""
    assert "line 2" in err and "members of the body" in err


def test_results_vinh_phuc_2023_json(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "official,position,high,confident,low,low_pct\n"
        'Chủ tịch UBND tỉnh,Chủ tịch UBND tỉnh,19,2,25,"53,19"\n',
    )
    doc = results_json("--rule", "nq96-2023", "--counts", str(path), "--returned", "47")
    assert doc["schema"] == "tinnhiem.results/1"
    assert doc["quorum"]["status"] == "not_required"  # type: ignore[index]
    (row,) = doc["results"]  # type: ignore[misc]
    assert row["line"] == 2 and row["base"] == 47 and row["returned"] == 47
    assert row["levels"]["low"] == {"count": 25, "percent": "53.19", "exact": "25/47"}
    assert row["band"]["id"] == "over-half"
    assert row["band"]["formula"] == "2L > N and 3L < 2N"
    assert [c["code"] for c in row["consequences"]] == ["may_resign", "formal_vote_if_not_resigned"]
    assert all(c["rule_id"] == "nq96-2023" for c in row["consequences"])
    assert row["formal_vote"] == "if_not_resigned" and row["formal_vote_follows"] is True
    assert row["formal_rule"] == "nq96-2023-formal" and row["resignation_open"] is True
    assert row["unmarked"] == 1


def test_results_vinh_phuc_table(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "official,position,high,confident,low\nChủ tịch UBND tỉnh,Chủ tịch,19,2,25\n"
    )
    code, out, _ = run("results", "--rule", "nq96-2023", "--counts", str(path), "--returned", "47")
    assert code == 0
    assert "25 (53,19%)" in out and "19 (40,43%)" in out and "over-half" in out
    assert "Có thể xin từ chức / May resign (nq96-2023: Nghị quyết 96/2023/QH15" in out
    assert "formal vote follows" in out


def test_results_vinh_phuc_party_rule_with_quorum(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "official,position,high,confident,low\nA,B,19,2,25\n")
    base = ("--rule", "qd96-2023", "--counts", str(path), "--returned", "47")
    code, _, err = run("results", *base)
    assert code == 2 and "present and summoned" in err
    doc = results_json(*base, "--present", "47", "--summoned", "50")
    assert doc["quorum"] == {
        "status": "met",
        "present": 47,
        "summoned": 50,
        "required": "2/3",
        "inclusive": True,
        "citation": "Quy định 96-QĐ/TW, điều, khoản chưa xác định / article not confirmed"
        " [chưa đối chiếu văn bản / unverified]",
    }
    assert doc["results"][0]["band"]["id"] == "over-half"  # type: ignore[index]
    failed = results_json(*base, "--present", "47", "--summoned", "71")
    assert failed["quorum"]["status"] == "not_met"  # type: ignore[index]
    assert failed["results"][0]["band"] is None  # type: ignore[index]


def test_results_formal_vote(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "official,position,confidence,no_confidence\nA,B,240,240\nC,D,239,241\n"
    )
    formal = ("--rule", "nq96-2023-formal", "--counts", str(path), "--returned", "480")
    code, _, err = run("results", *formal)
    assert code == 2 and "members" in err  # the base is all deputies: --members is needed
    doc = results_json(*formal, "--members", "481")
    half, more = doc["results"]  # type: ignore[misc]
    assert half["band"] is None  # 2·240 = 480 < 481 deputies
    assert more["band"]["id"] == "no-confidence-majority"  # 2·241 = 482 > 481
    assert [c["code"] for c in more["consequences"]] == ["may_resign", "dismissal_if_not_resigned"]
    assert all(c["citation_verified"] for c in more["consequences"])
    assert more["resignation_open"] is True
    assert more["levels"]["no_confidence"]["percent"] == "50.10"
    tie = results_json(*formal, "--members", "482")
    assert tie["results"][1]["band"] is None  # type: ignore[index]  # 2·241 = 482: not more


# --- results: bad input -------------------------------------------------------------------


def test_counts_exceeding_base_name_the_line(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "official,position,high,confident,low\nA,B,19,2,25\nLê Văn C,D,20,2,26\n"
    )
    code, out, err = run(
        "results", "--rule", "nq96-2023", "--counts", str(path), "--returned", "47"
    )
    assert code == 2 and out == ""
    assert "counts.csv, line 3" in err and "Lê Văn C" in err
    assert "(48) exceed ballots returned (47)" in err


def test_returned_above_issued(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "official,position,high,confident,low,returned\nA,B,1,1,1,9\n")
    code, _, err = run("results", "--rule", "nq96-2023", "--counts", str(path), "--issued", "8")
    assert code == 2 and "line 2" in err and "exceed ballots issued" in err


def test_per_row_returned_and_invalid(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "official,position,high,confident,low,returned,invalid\n"
        "A,B,437,32,11,481,1\nC,D,400,40,40,,\n",
    )
    doc = results_json("--rule", "nq96-2023", "--counts", str(path), "--returned", "480")
    first, second = doc["results"]  # type: ignore[misc]
    assert first["base"] == 481 and first["invalid"] == 1 and first["unmarked"] == 0
    assert second["base"] == 480 and second["invalid"] == 0


def test_printed_percentage_disagreeing(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "official,position,high,confident,low,low_pct\nA,B,19,2,25,53.20\n")
    code, _, err = run("results", "--rule", "nq96-2023", "--counts", str(path), "--returned", "47")
    assert code == 2 and "line 2" in err and "53.20" in err and "25/47 = 53.19" in err


def test_bom_and_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", NGAN)
    assert decomposed != NGAN
    path = csv_file(
        tmp_path, f"Official,Position,High,Confident,Low\n{decomposed},CTQH,437,34,4\n", bom=True
    )
    doc = results_json("--rule", "nq85-2014", "--counts", str(path), "--members", "485")
    assert doc["results"][0]["official"] == NGAN  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("official,position,high,low\nA,B,1,1\n", "line 1: missing column(s) confident"),
        ("official,position,high,confident,low,votes\nA,B,1,1,1,1\n", "unknown column(s) votes"),
        (
            "official,position,high,confident,low\nA,B,1,x,1\n",
            "line 2: column 'confident': 'x' is not a whole number",
        ),
        ("official,position,high,confident,low\nA,B,1,1\n", "line 2: expected 5 cells"),
        ("official,position,high,confident,low\n", "no rows"),
        ("", "empty"),
    ],
)
def test_malformed_csv(tmp_path: Path, text: str, message: str) -> None:
    path = csv_file(tmp_path, text)
    code, out, err = run(
        "results", "--rule", "nq96-2023", "--counts", str(path), "--returned", "47"
    )
    assert code == 2 and out == ""
    assert message in err


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("official,position,high,confident,low\nNgân,B,1,1,1\n".encode("cp1258"))
    code, _, err = run("results", "--rule", "nq96-2023", "--counts", str(path), "--returned", "9")
    assert code == 2 and "not UTF-8" in err


def test_unknown_rule_in_results(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "official,position,high,confident,low\nA,B,1,1,1\n")
    code, _, err = run("results", "--rule", "nope", "--counts", str(path), "--returned", "9")
    assert code == 2 and "unknown rule 'nope'" in err


def test_custom_rule_file_through_results(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rule = tmp_path / "qd41.toml"
    rule.write_text(text.split("```toml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    path = csv_file(tmp_path, "official,position,high,confident,low\nA,B,3,0,6\nC,D,2,0,7\n")
    doc = results_json(
        "--rule",
        str(rule),
        "--counts",
        str(path),
        "--returned",
        "9",
        "--present",
        "9",
        "--summoned",
        "9",
    )
    exactly, above = doc["results"]  # type: ignore[misc]
    assert exactly["band"]["id"] == "over-half"  # exactly 2/3 is not "more than 2/3"
    assert above["band"]["id"] == "over-two-thirds"
    assert above["resignation_open"] is False


# --- the installed entry point ------------------------------------------------------------


def test_entry_point_subprocess(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, f"official,position,high,confident,low\n{NGAN},CTQH,437,34,4\n", bom=True
    )
    cmd = [sys.executable, "-c", "from tinnhiem.cli import main; main()"]
    done = subprocess.run(
        [
            *cmd,
            "results",
            "--rule",
            "nq85-2014",
            "--counts",
            str(path),
            "--members",
            "485",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    levels = json.loads(done.stdout)["results"][0]["levels"]
    assert [levels[k]["percent"] for k in ("high", "confident", "low")] == ["90.10", "7.01", "0.82"]
    bad = subprocess.run(
        [*cmd, "results", "--rule", "nq85-2014", "--counts", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "members" in bad.stderr and bad.stdout == ""
