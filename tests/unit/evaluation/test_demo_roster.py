"""`tinnhiem evaluate --demo` rates the officials of `tinnhiem demo` (one source of names)."""

from __future__ import annotations

import pytest

from tinnhiem.demo_data import demo_officials, demo_posts
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


def test_names_are_distinct_and_posts_cover_any_size() -> None:
    names = [name for name, _ in demo_officials(7, 200)]
    assert len(set(names)) == 200
    posts = demo_posts(60)
    assert len(posts) == 60 and posts[0] == "Chủ tịch HĐND tỉnh"
    assert demo_posts(44) == posts[:44]
