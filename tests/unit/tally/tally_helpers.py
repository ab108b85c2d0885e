"""Manifests for the tally unit tests, tied to a real rule text."""

from tinnhiem.ballots import CommitteeMember, Manifest, Official, RoundKind
from tinnhiem.tally import RuleSource, load_rule_source


def manifest_for(
    rule_id: str, *, officials: int = 2, summoned: int = 47, members: int | None = None
) -> tuple[Manifest, RuleSource]:
    source = load_rule_source(rule_id)
    manifest = Manifest(
        round_id="t",
        body="HĐND tỉnh",
        title="t",
        kind=RoundKind(source.rule.kind.value),
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(Official(f"o{i}", f"N{i}", "p", i) for i in range(1, officials + 1)),
        summoned=summoned,
        members=members,
        committee=tuple(CommitteeMember(i, f"M{i}") for i in range(1, 6)),
        threshold=3,
        weight_base=summoned + 1,
    )
    return manifest, source
