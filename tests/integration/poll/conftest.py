import pytest
from poll_helpers import Poll, build_poll


@pytest.fixture(scope="session")
def small_poll() -> Poll:
    """6 officials × 30 voters under qd96-2023, members 1, 2, 3, 5 decrypting."""
    return build_poll()
