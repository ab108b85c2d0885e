"""The three demo bodies a Vietnamese official recognises (``tinnhiem demo --body``)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.demo_data import HDND_POSTS, PARTY_POSTS, QUOCHOI_POSTS
from tinnhiem.errors import InputError
from tinnhiem.poll.demo import BODIES, DemoConfig, demo_manifest
from tinnhiem.tally import load_rule_source


def _manifest(body: str):
    config = DemoConfig(body=body)
    return config, demo_manifest(config, load_rule_source(BODIES[body].rule))


def test_peoples_council_rates_only_the_posts_it_elects_under_nq96() -> None:
    _config, manifest = _manifest("hdnd")
    assert manifest.rule_id == "nq96-2023"
    assert 50 <= manifest.summoned <= 95 and manifest.members == manifest.summoned
    posts = [o.post for o in manifest.officials] + [e.post for e in manifest.exempt]
    assert set(posts) <= set(HDND_POSTS)
    assert not any("(" in p or "Phó Giám đốc" in p or "Phó Trưởng Ban" in p for p in posts)
    assert "Hội đồng nhân dân" in manifest.body and "(demo)" not in manifest.body
    assert all(e.reason for e in manifest.exempt)


def test_party_committee_uses_qd96_and_the_quorum_holds() -> None:
    config, manifest = _manifest("party")
    assert manifest.rule_id == "qd96-2023" and manifest.body.startswith("Ban Chấp hành Đảng bộ")
    assert {o.post for o in manifest.officials} <= set(PARTY_POSTS)
    assert 3 * config.n_voters >= 2 * manifest.summoned  # at least 2/3 of those summoned


def test_national_assembly_is_the_large_case() -> None:
    config, manifest = _manifest("quochoi")
    assert manifest.rule_id == "nq96-2023"
    assert len(manifest.officials) == 44 and config.n_voters == 480
    assert 480 <= manifest.summoned <= 500
    assert {o.post for o in manifest.officials} <= set(QUOCHOI_POSTS)


def test_more_officials_than_the_body_rates_is_refused() -> None:
    with pytest.raises(InputError, match="at most"):
        DemoConfig(body="hdnd", officials=40).check()
    with pytest.raises(InputError, match="unknown demo body"):
        DemoConfig(body="ubnd").check()


def test_demo_command_party_body(tmp_path) -> None:
    out = tmp_path / "party.json"
    result = CliRunner().invoke(
        app, ["demo", "--body", "party", "--officials", "4", "--voters", "12", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Ban Chấp hành Đảng bộ tỉnh Mẫu" in result.output and "qd96-2023" in result.output
    assert out.is_file()
    bad = CliRunner().invoke(app, ["demo", "--body", "ubnd", "--out", str(out)])
    assert bad.exit_code == 2
