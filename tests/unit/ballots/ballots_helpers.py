"""Small manifests for the ballots unit tests."""

from tinnhiem.ballots import CommitteeMember, Manifest, Official, RoundKind


def make_manifest(**changes) -> Manifest:
    fields = dict(
        round_id="r1",
        body="HĐND xã",
        title="Lấy phiếu",
        kind=RoundKind.POLL,
        rule_id="qd96-2023",
        rule_version="sha256:00",
        officials=tuple(Official(f"o{i}", f"Người {i}", "Chủ tịch", i) for i in (1, 2, 3)),
        summoned=10,
        committee=(CommitteeMember(1, "A"), CommitteeMember(2, "B")),
        threshold=2,
        weight_base=11,
    )
    fields.update(changes)
    return Manifest(**fields)
