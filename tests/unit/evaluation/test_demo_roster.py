"""`tinnhiem evaluate --demo` rates the officials of `tinnhiem demo` (one source of names)."""

from __future__ import annotations

import pytest

from tinnhiem.demo_data import HDND_POSTS, demo_officials, demo_posts
from tinnhiem.evaluation import demo_body
from tinnhiem.poll.demo import DemoConfig, demo_manifest
from tinnhiem.tally import load_rule_source


@pytest.mark.parametrize("seed", [2025, 2026])
def test_same_seed_same_officials_and_posts(seed: int) -> None:
    body = demo_body(seed)
    manifest = demo_manifest(DemoConfig(seed=seed), load_rule_source(body.rule))
    evaluated = [(name, post) for name, post, _ in body.polls]
    assert evaluated == [(o.name, o.post) for o in manifest.officials]
    assert evaluated == demo_officials(seed, len(evaluated))


def test_names_are_distinct_and_posts_are_only_those_the_body_rates() -> None:
    names = [name for name, _ in demo_officials(7, 25)]
    assert len(set(names)) == 25
    posts = demo_posts(len(HDND_POSTS))
    assert posts[0] == "Chủ tịch HĐND tỉnh" and demo_posts(10) == posts[:10]
    assert not any("(" in p or "Phó Giám đốc" in p or "Phó Trưởng Ban" in p for p in posts)
    with pytest.raises(ValueError, match="at most"):
        demo_posts(len(HDND_POSTS) + 1)
    assert demo_posts(3, "party")[0] == "Bí thư Tỉnh ủy"
    assert len(demo_posts(44, "quochoi")) == 44
