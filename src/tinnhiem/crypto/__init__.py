"""tinnhiem.crypto — the cryptographic core (lõi mật mã).

ristretto255 (RFC 9496) through libsodium, exponential ElGamal, zero-knowledge proofs
with strong Fiat-Shamir, a t-of-n distributed key generation, threshold decryption,
small discrete logarithms, voter credentials (Ed25519) and sealed boxes. The byte-level
specification is docs/crypto.md. No other package imports libsodium.
"""

from tinnhiem.crypto.boxes import BoxKeyPair, protect_secret, seal, unprotect_secret, unseal
from tinnhiem.crypto.credentials import CredentialKey, sign, verify_signature
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    DkgMember,
    MemberShare,
    RevealMessage,
    verify_ceremony,
)
from tinnhiem.crypto.dlog import DlogTable
from tinnhiem.crypto.elgamal import (
    Ciphertext,
    KeyPair,
    decrypt,
    encrypt,
    encrypt_with_nonce,
    partial_decryption,
)
from tinnhiem.crypto.errors import (
    CryptoError,
    DecryptionError,
    DkgError,
    DlogOutOfRange,
    InvalidEncoding,
    InvalidProof,
    InvalidSignature,
    SecretFileError,
)
from tinnhiem.crypto.group import ORDER, Point, Scalar
from tinnhiem.crypto.proofs import (
    BatchItem,
    Branch,
    ChaumPedersenProof,
    DisjunctiveProof,
    EncodedItem,
    SchnorrProof,
    allowed_set,
    prove_dleq,
    prove_in_set,
    prove_in_set_with_nonces,
    prove_knowledge,
    verify_dleq,
    verify_in_set,
    verify_in_set_batch,
    verify_in_set_encoded,
    verify_knowledge,
)
from tinnhiem.crypto.threshold import (
    DecryptionShare,
    combine,
    partial_decrypt,
    verify_decryption_share,
)
from tinnhiem.crypto.transcript import Context

__all__ = [
    "ORDER",
    "BatchItem",
    "BoxKeyPair",
    "Branch",
    "ChaumPedersenProof",
    "Ciphertext",
    "CommitMessage",
    "CommitteeKey",
    "Context",
    "CredentialKey",
    "CryptoError",
    "DecryptionError",
    "DecryptionShare",
    "DisjunctiveProof",
    "DkgError",
    "DkgMember",
    "DlogOutOfRange",
    "DlogTable",
    "EncodedItem",
    "InvalidEncoding",
    "InvalidProof",
    "InvalidSignature",
    "KeyPair",
    "MemberShare",
    "Point",
    "RevealMessage",
    "Scalar",
    "SchnorrProof",
    "SecretFileError",
    "allowed_set",
    "combine",
    "decrypt",
    "encrypt",
    "encrypt_with_nonce",
    "partial_decrypt",
    "partial_decryption",
    "protect_secret",
    "prove_dleq",
    "prove_in_set",
    "prove_in_set_with_nonces",
    "prove_knowledge",
    "seal",
    "sign",
    "unprotect_secret",
    "unseal",
    "verify_ceremony",
    "verify_decryption_share",
    "verify_dleq",
    "verify_in_set",
    "verify_in_set_batch",
    "verify_in_set_encoded",
    "verify_knowledge",
    "verify_signature",
]
