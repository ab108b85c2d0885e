"""Generate the frozen known-answer vectors docs/vectors/crypto-v1.json (run once).

    .venv/bin/python tests/vectors/make_vectors.py

Every input (keys, nonces, proof nonces) is a fixed scalar derived from a label, and is
stored in the file, so the browser booth can recompute each output from the stored inputs
alone. ``compute`` is also what tests/vectors/test_crypto_vectors.py uses to re-check the
frozen outputs byte for byte; never regenerate the file to make a failing test pass.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from tinnhiem.crypto import (
    ORDER,
    Ciphertext,
    Context,
    InvalidEncoding,
    Point,
    Scalar,
    encrypt_with_nonce,
    prove_dleq,
    prove_in_set_with_nonces,
    prove_knowledge,
)
from tinnhiem.crypto.boxes import BoxKeyPair
from tinnhiem.crypto.dkg import CommitMessage, DkgMember
from tinnhiem.crypto.threshold import decryption_binding, lagrange_at_zero
from tinnhiem.crypto.transcript import transcript_bytes

OUT = Path(__file__).resolve().parents[2] / "docs" / "vectors" / "crypto-v1.json"
B = 481  # 480 voters + 1: the packing base of a poll with 480 voters


def fixed_scalar(label: str) -> Scalar:
    """``SHA-512("tinnhiem-kat/" ‖ label)`` reduced mod ℓ."""
    return Scalar.reduce(hashlib.sha512(b"tinnhiem-kat/" + label.encode()).digest())


def _s(x: Scalar) -> str:
    return x.hex()


def compute(case: dict[str, Any]) -> dict[str, Any]:
    """The outputs of one vector from its inputs (the part the booth must reproduce)."""
    inp = case["input"]
    ctx = Context(bytes.fromhex(inp["fingerprint"])) if "fingerprint" in inp else None
    kind = case["kind"]
    if kind == "transcript":
        assert ctx is not None
        items: list[Any] = []
        for item in inp["items"]:
            if item["type"] == "point":
                items.append(Point.from_hex(item["hex"], allow_identity=True))
            elif item["type"] == "scalar":
                items.append(Scalar.from_hex(item["hex"]))
            elif item["type"] == "u64":
                items.append(int(item["value"]))
            else:
                items.append(bytes.fromhex(item["hex"]))
        raw = transcript_bytes(ctx.fingerprint, inp["tag"], tuple(items))
        return {
            "hash_input": raw.hex(),
            "sha512": hashlib.sha512(raw).hexdigest(),
            "challenge": ctx.challenge(inp["tag"], *items).hex(),
        }
    if kind == "public_key":
        return {"public": Point.base_mul(Scalar.from_hex(inp["secret"])).hex()}
    if kind == "hash_to_group":
        return {
            "point": Point.hash_to_group(
                bytes.fromhex(inp["dst"]), bytes.fromhex(inp["message"])
            ).hex()
        }
    if kind == "encryption":
        ct = encrypt_with_nonce(
            Point.from_hex(inp["public"]), int(inp["value"]), Scalar.from_hex(inp["nonce"])
        )
        return {"ciphertext": ct.hex()}
    if kind == "schnorr":
        assert ctx is not None
        proof = prove_knowledge(
            ctx,
            Scalar.from_hex(inp["secret"]),
            binding=bytes.fromhex(inp["binding"]),
            nonce=Scalar.from_hex(inp["nonce"]),
        )
        return {
            "public": Point.base_mul(Scalar.from_hex(inp["secret"])).hex(),
            "proof": proof.hex(),
        }
    if kind == "chaum_pedersen":
        assert ctx is not None
        secret = Scalar.from_hex(inp["secret"])
        base2 = Point.from_hex(inp["base2"])
        proof = prove_dleq(
            ctx,
            secret,
            base2,
            binding=bytes.fromhex(inp["binding"]),
            nonce=Scalar.from_hex(inp["nonce"]),
        )
        return {
            "x": Point.base_mul(secret).hex(),
            "y": (secret * base2).hex(),
            "proof": proof.hex(),
        }
    if kind == "disjunctive":
        assert ctx is not None
        public = Point.from_hex(inp["public"])
        value = int(inp["value"])
        nonce = Scalar.from_hex(inp["nonce"])
        ct = encrypt_with_nonce(public, value, nonce)
        proof = prove_in_set_with_nonces(
            ctx,
            public,
            ct,
            value,
            nonce,
            [int(v) for v in inp["allowed"]],
            [Scalar.from_hex(h) for h in inp["proof_nonces"]],
            binding=bytes.fromhex(inp["binding"]),
        )
        return {"ciphertext": ct.hex(), "proof": proof.hex()}
    if kind == "dkg_member":
        assert ctx is not None
        coefficients = [Scalar.from_hex(h) for h in inp["coefficients"]]
        member = DkgMember(
            ctx,
            int(inp["index"]),
            int(inp["t"]),
            int(inp["n"]),
            box_keys=BoxKeyPair.from_seed(bytes.fromhex(inp["box_seed"])),
            coefficients=coefficients,
            proof_nonce=Scalar.from_hex(inp["proof_nonce"]),
        )
        commit = member.commit()
        others = {j: BoxKeyPair.from_seed(bytes([j]) * 32).public for j in range(1, member.n + 1)}
        commits = {j: CommitMessage(j, others[j], bytes(64)) for j in others}
        commits[member.index] = commit
        reveal = member.reveal(commits)
        shares = []
        for j in range(1, member.n + 1):
            acc = 0
            for a in reversed(coefficients):
                acc = (acc * j + int(a)) % ORDER
            shares.append(Scalar.from_int(acc).hex())
        return {
            "box_public": commit.box_public.hex(),
            "commitments": [c.hex() for c in member.commitments],
            "digest": commit.digest.hex(),
            "proof": reveal.proof.hex(),
            "shares": shares,
        }
    if kind == "lagrange":
        lam = lagrange_at_zero([int(i) for i in inp["members"]])
        return {"coefficients": {str(i): v.hex() for i, v in lam.items()}}
    if kind == "point_decode":
        try:
            Point.from_hex(inp["encoding"], allow_identity=True)
        except InvalidEncoding:
            return {"valid": False}
        return {"valid": True}
    if kind == "ciphertext_sum":
        total = Ciphertext.sum(Ciphertext.from_hex(h) for h in inp["ciphertexts"])
        return {"sum": total.hex()}
    raise ValueError(f"unknown vector kind {kind!r}")


FIELD_P = 2**255 - 19


def decode_cases() -> list[tuple[str, bytes]]:
    """Encodings a decoder must accept or refuse (RFC 9496 §4.3.1), whatever library it
    uses: bit 255 set on valid encodings (libsodium 1.0.18 ignores it and accepts them),
    field elements written without reduction (p + k), and valid ones beside them."""
    out: list[tuple[str, bytes]] = []
    for k in (0, 1, 2, 7):
        valid = Point.base_mul(Scalar.from_int(k)).to_bytes()
        out.append((f"decode-{k}G", valid))
        flipped = bytearray(valid)
        flipped[31] |= 0x80
        out.append((f"decode-{k}G-bit255", bytes(flipped)))
    h = Point.hash_to_group(b"tinnhiem-kat", b"decode").to_bytes()
    out.append(("decode-hashed", h))
    out.append(("decode-hashed-bit255", h[:31] + bytes([h[31] | 0x80])))
    for k in (0, 1, 2, 4, 18):
        out.append((f"decode-p-plus-{k}", (FIELD_P + k).to_bytes(32, "little")))
    out.append(("decode-all-ones", b"\xff" * 32))
    out.append(("decode-negative-1", (1).to_bytes(32, "little")))
    return out


def build() -> dict[str, Any]:
    fingerprint = hashlib.sha256(b"tinnhiem known-answer election").digest()
    fp = fingerprint.hex()
    secret = fixed_scalar("election-secret")
    public = Point.base_mul(secret)
    cases: list[dict[str, Any]] = []

    def add(name: str, kind: str, inp: dict[str, Any]) -> dict[str, Any]:
        case = {"name": name, "kind": kind, "input": inp}
        case["output"] = compute(case)
        cases.append(case)
        return case

    add(
        "transcript-mixed",
        "transcript",
        {
            "fingerprint": fp,
            "tag": "example",
            "items": [
                {"type": "point", "hex": Point.base().hex()},
                {"type": "scalar", "hex": fixed_scalar("transcript").hex()},
                {"type": "u64", "value": 481},
                {"type": "bytes", "hex": b"official:7".hex()},
                {"type": "bytes", "hex": ""},
            ],
        },
    )
    add("public-key", "public_key", {"secret": _s(secret)})
    add("hash-to-group", "hash_to_group", {"dst": b"tinnhiem-kat".hex(), "message": b"hello".hex()})
    add(
        "schnorr",
        "schnorr",
        {
            "fingerprint": fp,
            "secret": _s(secret),
            "nonce": _s(fixed_scalar("schnorr-nonce")),
            "binding": b"dkg-constant\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03".hex(),
        },
    )
    enc = add(
        "encryption",
        "encryption",
        {
            "public": public.hex(),
            "value": 3,
            "nonce": _s(fixed_scalar("enc-nonce")),
        },
    )
    alpha = Ciphertext.from_hex(enc["output"]["ciphertext"]).alpha
    add(
        "chaum-pedersen-decryption",
        "chaum_pedersen",
        {
            "fingerprint": fp,
            "secret": _s(secret),
            "base2": alpha.hex(),
            "nonce": _s(fixed_scalar("cp-nonce")),
            "binding": decryption_binding(1, 0).hex(),
        },
    )
    sums = []
    for allowed, label in (([0, 1, B, B * B], "poll"), ([0, 1, B], "formal")):
        for value in allowed:
            n = len(allowed)
            case = add(
                f"disjunctive-{label}-{value}",
                "disjunctive",
                {
                    "fingerprint": fp,
                    "public": public.hex(),
                    "allowed": allowed,
                    "value": value,
                    "nonce": _s(fixed_scalar(f"{label}-{value}-nonce")),
                    "proof_nonces": [
                        _s(fixed_scalar(f"{label}-{value}-proof-{i}")) for i in range(2 * n - 1)
                    ],
                    "binding": f"row:{label}:{value}".encode().hex(),
                },
            )
            if label == "poll":
                sums.append(case["output"]["ciphertext"])
    add("ciphertext-sum", "ciphertext_sum", {"ciphertexts": sums})
    add(
        "dkg-member-2-of-3-5",
        "dkg_member",
        {
            "fingerprint": fp,
            "index": 2,
            "t": 3,
            "n": 5,
            "box_seed": (b"\x02" * 32).hex(),
            "coefficients": [_s(fixed_scalar(f"dkg-coefficient-{k}")) for k in range(3)],
            "proof_nonce": _s(fixed_scalar("dkg-proof-nonce")),
        },
    )
    add("lagrange-1-3-4", "lagrange", {"members": [1, 3, 4]})
    for name, encoding in decode_cases():
        add(name, "point_decode", {"encoding": encoding.hex()})
    return {
        "version": "tinnhiem-crypto-v1",
        "description": (
            "Known-answer vectors for docs/crypto.md. Scalars and points are hex of their "
            "32-byte encodings; recompute each output from its input."
        ),
        "cases": cases,
    }


def append_new_cases() -> int:
    """Add cases that the frozen file lacks, leaving every frozen case byte for byte."""
    frozen = json.loads(OUT.read_text(encoding="utf-8"))
    fresh = build()
    names = {c["name"] for c in frozen["cases"]}
    for old in frozen["cases"]:
        new = next(c for c in fresh["cases"] if c["name"] == old["name"])
        if new != old:
            print(f"case {old['name']} would change: refusing", file=sys.stderr)
            return 1
    added = [c for c in fresh["cases"] if c["name"] not in names]
    frozen["cases"].extend(added)
    OUT.write_text(json.dumps(frozen, indent=1) + "\n", encoding="utf-8")
    print(f"added {len(added)} cases to {OUT}")
    return 0


def main() -> int:
    if OUT.exists() and "--force" not in sys.argv:
        if "--append" in sys.argv:
            return append_new_cases()
        print(f"{OUT} exists; the vectors are frozen (pass --force to overwrite)")
        return 1
    OUT.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
