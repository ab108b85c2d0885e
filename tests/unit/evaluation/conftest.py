"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest

from tinnhiem.evaluation import EvaluationPolicy, load_policy


@pytest.fixture
def policy() -> EvaluationPolicy:
    """The shipped policy."""
    return load_policy()


@pytest.fixture
def fast_policy() -> EvaluationPolicy:
    """The shipped policy with fewer posterior redraws, to keep the tests quick."""
    return load_policy().with_changes(draws=400)
