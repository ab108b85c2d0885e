"""Personnel rounds (bỏ phiếu nhân sự) as linked steps, driven through the poll engine.

A procedure file (``appointment-*.toml``) says which steps follow which; each step is one
round of the engine, whose manifest names the step (``Manifest.personnel``) and, after the
first, links the record of the step its list comes from (its round id and final board
head). ``step_manifest`` builds that manifest (the list from the planning list or typed in
by the organiser, or the previous step's ``advancing``); ``run_step`` plays a whole round in
memory (the demo and the tests), the committee signing its final head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tinnhiem.ballots import (
    CommitteeMember,
    Encoding,
    Manifest,
    Mark,
    Official,
    RoundKind,
    cast_ballot,
)
from tinnhiem.ballots.manifest import ListSource, PersonnelStep, StepLink
from tinnhiem.crypto import CredentialKey
from tinnhiem.errors import InputError
from tinnhiem.poll.simulation import Election
from tinnhiem.record.model import ElectionRecord
from tinnhiem.rules.appointment import BallotKind
from tinnhiem.tally import ProcedureText

__all__ = ["Candidate", "link_to", "next_candidates", "run_step", "step_manifest"]


@dataclass(frozen=True)
class Candidate:
    """A person on a step's list: id, name and current post (from the planning list, the
    roster or typed in by the organiser)."""

    id: str
    name: str
    post: str = ""


def link_to(previous: ElectionRecord) -> StepLink:
    """The link a step's manifest carries to the record its list came from."""
    p = previous.manifest.personnel
    if p is None:
        raise InputError("the previous record is not a personnel step", where="previous")
    return StepLink(previous.manifest.round_id, p.step, previous.head.hex())


def next_candidates(previous: ElectionRecord) -> list[Candidate]:
    """The previous step's ``advancing`` list, with the names and posts it carried."""
    results = previous.results
    if not isinstance(results, dict) or results.get("pending") or not results.get("advancing"):
        raise InputError(
            "the previous step sent nobody on (it waits on a person, or stopped)",
            where="previous.results",
        )
    by_id = {o.id: o for o in previous.manifest.officials}
    return [Candidate(c, by_id[c].name, by_id[c].post) for c in results["advancing"]]


def step_manifest(
    proc: ProcedureText,
    step_id: str,
    candidates: Sequence[Candidate],
    *,
    round_id: str,
    body: str,
    summoned: int,
    committee: Sequence[str],
    threshold: int,
    post: str,
    list_source: ListSource = ListSource.ENTERED,
    previous: ElectionRecord | None = None,
    date: str = "",
) -> Manifest:
    """The manifest of step ``step_id``: its ballot kind and k from the procedure, the
    list, and the link to ``previous`` when the step takes its list from an earlier one."""
    step = proc.procedure.step(step_id)
    kind = (
        RoundKind.CHOOSE_AT_MOST
        if step.ballot is BallotKind.CHOOSE_AT_MOST
        else RoundKind.AGREE_DISAGREE
    )
    k = min(step.k, len(candidates)) if kind is RoundKind.CHOOSE_AT_MOST else 1
    link = None
    if step.candidates_from is not None:
        if previous is None:
            raise InputError(
                f"step {step.id} takes its list from step {step.candidates_from}: give its record",
                where="previous",
            )
        link = link_to(previous)
        list_source = ListSource.PREVIOUS
    title = f"Bước {step.number}: {step.title_vi}"
    return Manifest(
        round_id=round_id,
        body=body,
        title=title,
        kind=kind,
        rule_id=proc.id,
        rule_version=proc.digest,
        officials=tuple(Official(c.id, c.name, c.post, i + 1) for i, c in enumerate(candidates)),
        summoned=summoned,
        committee=tuple(CommitteeMember(i + 1, name) for i, name in enumerate(committee)),
        threshold=threshold,
        weight_base=summoned + 1,
        date=date,
        encoding=Encoding.PER_LEVEL,
        personnel=PersonnelStep(step.id, k, post, list_source, link),
    )


def run_step(
    manifest: Manifest,
    proc: ProcedureText,
    ballots: Sequence[Mapping[str, Mark]],
    *,
    present: int | None = None,
    decrypting: Sequence[int] | None = None,
    seed: int = 0,
) -> Election:
    """One whole round in memory: key ceremony, ``present`` credentials issued (default:
    one per ballot), ``ballots`` sealed and cast, closed, decrypted by ``decrypting``
    (default: the first t members), the final head signed."""
    issued = len(ballots) if present is None else present
    if issued < len(ballots):
        raise InputError(f"{len(ballots)} ballots for {issued} present", where="present")
    election = Election(manifest, proc)
    election.key_ceremony()
    keys = [
        CredentialKey.from_seed(hashlib.sha256(f"{manifest.round_id}/{seed}/{i}".encode()).digest())
        for i in range(issued)
    ]
    election.open([k.public for k in keys])
    for key, marks in zip(keys, ballots, strict=False):
        election.cast(cast_ballot(manifest, election.fingerprint, election.public_key, key, marks))
    election.close()
    members = decrypting if decrypting is not None else range(1, manifest.threshold + 1)
    election.decrypt(members)
    return election
