"""tinnhiem.paper — paper ballots (phiếu giấy): printing, independent double entry, the
append-only entry log, hand-counted totals, and reconciliation with electronic ballots.

A paper round lives in its entry log (nhật ký nhập phiếu), a hash-chained JSON-lines file:
:class:`PaperSession` appends one event per action and rebuilds the state by replaying the
log. Ballots count only when every required entry agrees or the committee has resolved
the difference against the paper. See docs/paper.md.
"""

from tinnhiem.paper.ballots_pdf import ballots_html, render_ballots_pdf, sheet_html
from tinnhiem.paper.entry import Disagreement, DoubleEntryBook, Draft, Entry, Resolution
from tinnhiem.paper.errors import (
    EntryRejected,
    LogIntegrityError,
    NotReady,
    PaperError,
    PaperInputError,
)
from tinnhiem.paper.inputs import (
    parse_committee_csv,
    parse_counts_csv,
    parse_officials_csv,
    parse_participation_csv,
)
from tinnhiem.paper.log import (
    GENESIS,
    Clock,
    EntryLog,
    LogEvent,
    format_timestamp,
    open_log_file,
    utc_now,
    verify_chain,
)
from tinnhiem.paper.model import (
    CommitteeMember,
    Mark,
    Official,
    PersonnelSection,
    PreviousStep,
    RoundDefinition,
    levels_for,
    mark_choices,
    marks_for,
    parse_marks,
)
from tinnhiem.paper.personnel import (
    OVER_K_NOTE,
    PersonnelCount,
    PersonnelMark,
    PersonnelTally,
    check_step,
    count_sheets,
    decide_paper_step,
    link_previous,
    parse_personnel_marks,
    personnel_choices,
    personnel_marks_for,
    section_for,
)
from tinnhiem.paper.reconcile import (
    Conflict,
    ElectronicPart,
    LevelCounts,
    Reconciliation,
    count_fields,
    reconcile,
)
from tinnhiem.paper.session import (
    BALLOT_FIELD,
    TOTALS_ITEM,
    PaperSession,
    PaperTally,
    SessionStatus,
    TotalsSheet,
    totals_keys,
)

__all__ = [
    "BALLOT_FIELD",
    "GENESIS",
    "OVER_K_NOTE",
    "TOTALS_ITEM",
    "Clock",
    "CommitteeMember",
    "Conflict",
    "Disagreement",
    "DoubleEntryBook",
    "Draft",
    "ElectronicPart",
    "Entry",
    "EntryLog",
    "EntryRejected",
    "LevelCounts",
    "LogEvent",
    "LogIntegrityError",
    "Mark",
    "NotReady",
    "Official",
    "PaperError",
    "PaperInputError",
    "PaperSession",
    "PaperTally",
    "PersonnelCount",
    "PersonnelMark",
    "PersonnelSection",
    "PersonnelTally",
    "PreviousStep",
    "Reconciliation",
    "Resolution",
    "RoundDefinition",
    "SessionStatus",
    "TotalsSheet",
    "ballots_html",
    "check_step",
    "count_fields",
    "count_sheets",
    "decide_paper_step",
    "format_timestamp",
    "levels_for",
    "link_previous",
    "mark_choices",
    "marks_for",
    "open_log_file",
    "parse_committee_csv",
    "parse_counts_csv",
    "parse_marks",
    "parse_officials_csv",
    "parse_participation_csv",
    "parse_personnel_marks",
    "personnel_choices",
    "personnel_marks_for",
    "reconcile",
    "render_ballots_pdf",
    "section_for",
    "sheet_html",
    "totals_keys",
    "utc_now",
    "verify_chain",
]
