"""The models of Tín Nhiệm. Append-only ones (ballots, board, audit, check-ins, ceremony
messages, shares, comments, paper events, programme uploads) refuse updates and deletes
(``AppendOnlyError``). Every model module is imported here so that Django (and
``makemigrations``) sees it."""

from tinnhiem.web.models.audit import AuditEntry
from tinnhiem.web.models.base import AppendOnlyError, AppendOnlyModel
from tinnhiem.web.models.board import Ballot, BallotAlpha, BoardEntry, Result, SpentBallot
from tinnhiem.web.models.bodies import Body, Person
from tinnhiem.web.models.comments import MAX_COMMENT_CHARS, Comment
from tinnhiem.web.models.committee import CeremonyMessage, CommitteeMember, DecryptionShare
from tinnhiem.web.models.credentials import CheckIn, CheckInMethod, VoterCredential
from tinnhiem.web.models.evaluation import ProgrammeUpload
from tinnhiem.web.models.paper import PaperEvent, PaperRound
from tinnhiem.web.models.procedures import Procedure, StepSettlement
from tinnhiem.web.models.roles import Membership, Role
from tinnhiem.web.models.rounds import (
    CONFIDENCE_KINDS,
    Official,
    Revote,
    Round,
    RoundKind,
    RoundStatus,
    SelfReport,
    Summons,
)

__all__ = [
    "CONFIDENCE_KINDS",
    "MAX_COMMENT_CHARS",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AuditEntry",
    "Ballot",
    "BallotAlpha",
    "BoardEntry",
    "Body",
    "CeremonyMessage",
    "CheckIn",
    "CheckInMethod",
    "Comment",
    "CommitteeMember",
    "DecryptionShare",
    "Membership",
    "Official",
    "PaperEvent",
    "PaperRound",
    "Person",
    "Procedure",
    "ProgrammeUpload",
    "Result",
    "Revote",
    "Role",
    "Round",
    "RoundKind",
    "RoundStatus",
    "SelfReport",
    "SpentBallot",
    "StepSettlement",
    "Summons",
    "VoterCredential",
]
