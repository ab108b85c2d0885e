"""tinnhiem.poll — the electronic round as one engine (bộ máy đợt bỏ phiếu điện tử).

``PollEngine`` decides every step of a round (freezing the manifest, the key ceremony,
opening, casting under the one arrival policy, Benaloh audits, closing, the committee's
decryption, the results, the record) over a ``PollStore``. The demo, the benchmarks and the
tests run it in memory (``MemoryStore``, ``Election``); the web hosts it over its ORM store.
"""

from tinnhiem.poll.audit import AuditRow, check_audit
from tinnhiem.poll.ceremony import CEREMONY_KINDS, CeremonyTranscript
from tinnhiem.poll.engine import SECTIONS, Phase, PollEngine
from tinnhiem.poll.errors import BallotRejected, PollError, PollStateError, StepRefused
from tinnhiem.poll.simulation import Election, MemberSecrets, Trustees, run_key_ceremony
from tinnhiem.poll.store import CeremonyPost, MemoryStore, PollStore
from tinnhiem.poll.trustee import (
    MESSAGE_KINDS,
    TRUSTEE_FORMAT,
    TrusteeMessage,
    aggregates_file,
    ceremony_file,
    head_file,
    message_file,
    read_message_file,
    read_trustee_file,
)

__all__ = [
    "CEREMONY_KINDS",
    "MESSAGE_KINDS",
    "SECTIONS",
    "TRUSTEE_FORMAT",
    "AuditRow",
    "BallotRejected",
    "CeremonyPost",
    "CeremonyTranscript",
    "Election",
    "MemberSecrets",
    "MemoryStore",
    "Phase",
    "PollEngine",
    "PollError",
    "PollStateError",
    "PollStore",
    "StepRefused",
    "TrusteeMessage",
    "Trustees",
    "aggregates_file",
    "ceremony_file",
    "check_audit",
    "head_file",
    "message_file",
    "read_message_file",
    "read_trustee_file",
    "run_key_ceremony",
]
