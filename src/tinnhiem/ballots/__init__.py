"""tinnhiem.ballots — the round manifest, packed rows, encrypted ballots, the arrival policy
(which ballots the box accepts) and the bulletin board (hòm phiếu, bảng tin).

A ballot is one packed ciphertext per official with a disjunctive proof bound to the
election fingerprint, the voter's credential and the official, signed by the credential.
"""

from tinnhiem.ballots.arrival import Accepted, ArrivalLedger, check_arrival
from tinnhiem.ballots.ballot import (
    Ballot,
    BallotRejected,
    BallotRow,
    SealedBallot,
    cast_ballot,
    format_tracker,
    row_binding,
    seal_ballot,
    verify_ballot,
    verify_ballots,
)
from tinnhiem.ballots.board import GENESIS, BoardEntry, BoardError, BulletinBoard, entry_hash
from tinnhiem.ballots.codec import canonical_json, from_hex, parse_json, tagged_hash, to_hex
from tinnhiem.ballots.credentials import (
    check_credentials,
    credentials_digest,
    issue_credentials,
)
from tinnhiem.ballots.encoding import (
    FORMAL_MARKS,
    POLL_MARKS,
    Mark,
    PackedCounts,
    mark_value,
    unpack,
)
from tinnhiem.ballots.manifest import (
    MANIFEST_VERSION,
    CommitteeMember,
    Encoding,
    ExemptOfficial,
    Manifest,
    Official,
    RevotePolicy,
    RoundKind,
    ceremony_fingerprint,
    election_fingerprint,
    encoding_for,
)
from tinnhiem.ballots.pool import default_workers, parallel_map

__all__ = [
    "FORMAL_MARKS",
    "GENESIS",
    "MANIFEST_VERSION",
    "POLL_MARKS",
    "Accepted",
    "ArrivalLedger",
    "Ballot",
    "BallotRejected",
    "BallotRow",
    "BoardEntry",
    "BoardError",
    "BulletinBoard",
    "CommitteeMember",
    "Encoding",
    "ExemptOfficial",
    "Manifest",
    "Mark",
    "Official",
    "PackedCounts",
    "RevotePolicy",
    "RoundKind",
    "SealedBallot",
    "canonical_json",
    "cast_ballot",
    "ceremony_fingerprint",
    "check_arrival",
    "check_credentials",
    "credentials_digest",
    "default_workers",
    "election_fingerprint",
    "encoding_for",
    "entry_hash",
    "format_tracker",
    "from_hex",
    "issue_credentials",
    "mark_value",
    "parallel_map",
    "parse_json",
    "row_binding",
    "seal_ballot",
    "tagged_hash",
    "to_hex",
    "unpack",
    "verify_ballot",
    "verify_ballots",
]
