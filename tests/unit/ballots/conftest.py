import pytest
from ballots_helpers import make_manifest

from tinnhiem.ballots import Manifest, election_fingerprint
from tinnhiem.crypto import KeyPair


@pytest.fixture
def manifest() -> Manifest:
    return make_manifest()


@pytest.fixture(scope="session")
def keypair() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture
def fingerprint(manifest, keypair) -> bytes:
    return election_fingerprint(manifest, keypair.public.to_bytes())
