"""tinnhiem.record — the election record (hồ sơ cuộc bỏ phiếu): one canonical, versioned
JSON document (docs/record-format.md) and the independent verifier that re-checks it. The
rounds that produce it are run by ``tinnhiem.poll``."""

from tinnhiem.record.errors import RecordInvalid
from tinnhiem.record.io import open_record, read_record, write_record
from tinnhiem.record.model import (
    RECORD_FORMAT,
    RECORD_VERSION,
    ElectionRecord,
    RecordedBallot,
    RecordUnreadable,
    payload_hash,
    roster_fingerprint,
)
from tinnhiem.record.verify import VerificationReport, verify_record

__all__ = [
    "RECORD_FORMAT",
    "RECORD_VERSION",
    "ElectionRecord",
    "RecordInvalid",
    "RecordUnreadable",
    "RecordedBallot",
    "VerificationReport",
    "open_record",
    "payload_hash",
    "read_record",
    "roster_fingerprint",
    "verify_record",
    "write_record",
]
