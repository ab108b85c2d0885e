"""The committee's signatures of the final board head (chữ ký của Ban kiểm phiếu).

When the round is tallied, each member who decrypted signs the hash of the board's last
entry (the ``results``), so that the record carries the committee's own word on the whole
board. The signing key is the member's share ``s_i`` of the election key, and the public
key is their verification key ``V_i = s_i·G``: it is already bound by the key ceremony
(derived from every member's Feldman commitments), so there is no second key to bind,
keep or lose. The signature is a Schnorr proof of knowledge of ``s_i`` (crypto §4) in the
context of the election fingerprint, bound to ``H("tinnhiem/head/v1", U32 i, head)``.
"""

from __future__ import annotations

from tinnhiem.ballots import tagged_hash
from tinnhiem.crypto import Context, CryptoError, SchnorrProof, prove_knowledge, verify_knowledge
from tinnhiem.crypto.dkg import CommitteeKey, MemberShare

__all__ = ["head_binding", "sign_head", "verify_head_signature"]


def head_binding(member: int, head: bytes) -> bytes:
    """The bytes a head signature is bound to: ``H("tinnhiem/head/v1", U32 i, head)``."""
    return tagged_hash("tinnhiem/head/v1", member.to_bytes(4, "big"), head)


def sign_head(fingerprint: bytes, share: MemberShare, head: bytes) -> bytes:
    """Member ``share.index``'s 64-byte signature of the board head ``head``."""
    proof = prove_knowledge(
        Context(fingerprint), share.secret, binding=head_binding(share.index, head)
    )
    return proof.to_bytes()


def verify_head_signature(
    fingerprint: bytes, key: CommitteeKey, member: int, head: bytes, signature: bytes
) -> None:
    """Raise ``CryptoError`` unless ``signature`` is member ``member``'s signature of
    ``head`` under their verification key."""
    public = key.verification_keys.get(member)
    if public is None:
        raise CryptoError(f"there is no committee member {member}")
    proof = SchnorrProof.from_bytes(signature)
    verify_knowledge(Context(fingerprint), public, proof, binding=head_binding(member, head))
