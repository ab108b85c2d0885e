"""An opened round in memory (engine over a MemoryStore), with its voters' keys."""

from dataclasses import replace

from tinnhiem.ballots import CommitteeMember, Manifest, Official, RevotePolicy, RoundKind
from tinnhiem.crypto import CredentialKey
from tinnhiem.poll import Election
from tinnhiem.tally import load_rule_source


def make_manifest(**changes) -> Manifest:
    source = load_rule_source("qd96-2023")
    fields = dict(
        round_id="r1",
        body="HĐND xã",
        title="Lấy phiếu",
        kind=RoundKind.POLL,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(Official(f"o{i}", f"Người {i}", "Chủ tịch", i) for i in (1, 2, 3)),
        summoned=10,
        committee=(CommitteeMember(1, "A"), CommitteeMember(2, "B"), CommitteeMember(3, "C")),
        threshold=2,
        weight_base=11,
        revote=RevotePolicy.REJECT,
    )
    fields.update(changes)
    return Manifest(**fields)


def open_round(voters: int = 4, **changes) -> tuple[Election, list[CredentialKey]]:
    manifest = make_manifest(**changes)
    election = Election(manifest, load_rule_source("qd96-2023"))
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(voters)]
    election.open(k.public for k in keys)
    return election, keys


__all__ = ["make_manifest", "open_round", "replace"]
