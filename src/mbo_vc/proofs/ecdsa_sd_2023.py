"""The ``ecdsa-sd-2023`` cryptosuite (vc-di-ecdsa §3.6): verification of *derived* proofs.

An issuer signs a *base proof* (§3.6.1-3.6.5) and gives it to the holder only; the holder
derives a proof that reveals a selection of the statements (§3.6.6, "Add Derived Proof"), and
that derived proof is what a verifier receives and checks (§3.6.7, "Verify Derived Proof").
mbo_vc verifies derived proofs; a base proof handed to a verifier is refused as
``sd_base_proof``. It does not create base or derived proofs (the JS reference stack does, in
the interop tests).

The verification road is the spec's: parse the derived ``proofValue`` (multibase ``u``,
header ``0xd9 0x5d 0x01``, CBOR ``[baseSignature, publicKey, signatures, compressedLabelMap,
mandatoryIndexes]``, §3.5 parseDerivedProofValue), canonicalise the revealed document with
RDFC-1.0 and replace its canonical blank-node labels through the label map
(labelReplacementCanonicalizeJsonLd, §3.4), split the sorted N-Quads into mandatory and
non-mandatory by ``mandatoryIndexes``, and check the issuer's base signature over
``sha256(canonical proof config) ‖ publicKey ‖ sha256(mandatory N-Quads)`` and the proof-scoped
key's signature over each non-mandatory N-Quad (createVerifyData, §3.5). The N-Quads are the
ones the verified view is read from (the same expansion), so what is read is what was signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cbor2

from mbo_vc.errors import (
    KeyFormatError,
    KeySuiteMismatchError,
    ProofError,
    SdBaseProofError,
    UnsupportedCryptosuiteError,
)
from mbo_vc.keys import EcKey, is_high_s
from mbo_vc.proofs.core import Canonicalizer, ec_key_from_method, proof_config, register_suite

__all__ = [
    "BASE_PROOF_HEADER",
    "DERIVED_PROOF_HEADER",
    "BaseProofValue",
    "DerivedProofValue",
    "EcdsaSd2023",
    "VerifyData",
    "canonical_labels",
    "compress_label_map",
    "create_verify_data",
    "decompress_label_map",
    "hash_mandatory",
    "hmac_label_map",
    "label_replacement_canonicalize",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "relabel_nquads",
    "serialize_derived_proof_value",
]

BASE_PROOF_HEADER = b"\xd9\x5d\x00"
"""The ECDSA-SD base proof header (§3.5 serializeBaseProofValue)."""
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
"""The ECDSA-SD disclosure (derived) proof header (§3.5 serializeDerivedProofValue)."""
P256_MULTIKEY_HEADER = b"\x80\x24"
"""The varint of the multicodec p256-pub (0x1200) that starts the proof-scoped ``publicKey``."""

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_C14N_LABEL = re.compile(r"c14n(0|[1-9][0-9]*)")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(value: str, what: str) -> bytes:
    """Strict base64url without padding (non-zero trailing bits are refused too)."""
    if not _B64URL.fullmatch(value) or len(value) % 4 == 1:
        raise ProofError(f"{what} is not base64url without padding")
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ProofError(f"{what} is not base64url without padding") from None
    if _b64url(data) != value:
        raise ProofError(f"{what} is not canonical base64url")
    return data


def _decode_proof_value(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise ProofError(
            "an ecdsa-sd-2023 proofValue is multibase base64url without padding (it starts "
            "with 'u')"
        )
    return _b64url_decode(value[1:], "the ecdsa-sd-2023 proofValue")


def _cbor_components(payload: bytes, count: int, what: str) -> list[Any]:
    """The CBOR array of ``count`` components after the header; one item, nothing after it."""
    stream = io.BytesIO(payload)
    try:
        components = cbor2.CBORDecoder(stream).decode()
    except Exception:  # cbor2 raises several types for bad input (and RecursionError)
        raise ProofError(f"the {what} proofValue is not valid CBOR") from None
    if stream.tell() != len(payload):
        raise ProofError(f"the {what} proofValue has bytes after its CBOR value")
    if not isinstance(components, list) or len(components) != count:
        raise ProofError(f"the {what} proofValue is not a CBOR array of {count} components")
    return components


def _bytes(value: Any, length: int, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != length:
        raise ProofError(f"the derived proof's {what} is not a byte string of {length} bytes")
    return value


@dataclass(frozen=True)
class DerivedProofValue:
    """The five components of a derived ``proofValue`` (§3.5 parseDerivedProofValue)."""

    base_signature: bytes
    """The issuer's P1363 signature (64 bytes) over proof hash ‖ public key ‖ mandatory hash."""
    public_key: bytes
    """The proof-scoped key: ``0x80 0x24`` ‖ compressed P-256 point (35 bytes)."""
    signatures: tuple[bytes, ...]
    """One P1363 signature per revealed non-mandatory N-Quad, in order."""
    label_map: dict[str, str]
    """The verifier's canonical label (``c14nN``) → the label signed in the base proof (``u…``)."""
    mandatory_indexes: tuple[int, ...]
    """Which of the revealed (sorted, relabelled) N-Quads are mandatory."""


@dataclass(frozen=True)
class BaseProofValue:
    """The five components of a base ``proofValue`` (§3.5 parseBaseProofValue)."""

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: tuple[bytes, ...]
    mandatory_pointers: tuple[str, ...]


def compress_label_map(label_map: Mapping[str, str]) -> dict[int, bytes]:
    """``c14nN`` → ``u<base64url>`` as N → bytes (§3.5 compressLabelMap)."""
    compressed: dict[int, bytes] = {}
    for key, value in label_map.items():
        match = _C14N_LABEL.fullmatch(key)
        if match is None or not value.startswith("u"):
            raise ProofError("a label map maps c14nN labels to u-prefixed base64url labels")
        compressed[int(match.group(1))] = _b64url_decode(value[1:], "a label map value")
    return compressed


def decompress_label_map(compressed: Any) -> dict[str, str]:
    """N → bytes as ``c14nN`` → ``u<base64url>`` (§3.5 decompressLabelMap); the values are
    32-byte HMAC digests (§3.5 parseDerivedProofValue)."""
    if not isinstance(compressed, dict):
        raise ProofError("the derived proof's label map is not a CBOR map")
    label_map: dict[str, str] = {}
    for key, value in compressed.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0:
            raise ProofError("the derived proof's label map keys are not non-negative integers")
        label_map[f"c14n{key}"] = "u" + _b64url(_bytes(value, 32, "label map value"))
    return label_map


def parse_derived_proof_value(value: Any) -> DerivedProofValue:
    """Parse a derived ``proofValue`` (§3.5 parseDerivedProofValue).

    Raises :class:`~mbo_vc.errors.SdBaseProofError` (``sd_base_proof``) for a base proof and
    :class:`~mbo_vc.errors.ProofError` (``malformed_proof``) for anything else that is not one.
    """
    return _parse_derived(_decode_proof_value(value))


def _parse_derived(decoded: bytes) -> DerivedProofValue:
    if decoded.startswith(BASE_PROOF_HEADER):
        raise SdBaseProofError(
            "this is an ecdsa-sd-2023 base proof: it is meant for the holder, who derives a "
            "proof that discloses what they choose; a verifier verifies only derived proofs "
            "(vc-di-ecdsa §3.6)"
        )
    if not decoded.startswith(DERIVED_PROOF_HEADER):
        raise ProofError("the proofValue does not start with the ECDSA-SD derived proof header")
    parts = _cbor_components(decoded[len(DERIVED_PROOF_HEADER) :], 5, "derived")
    base_signature, public_key, signatures, compressed, indexes = parts
    # The spec's prose says 36 bytes for the public key; its own serialisation (0x80 0x24 ‖ 33
    # bytes), the published vectors and the JS stack have 35.
    public_key = _bytes(public_key, 35, "publicKey")
    if not public_key.startswith(P256_MULTIKEY_HEADER):
        raise ProofError("the derived proof's publicKey is not a P-256 Multikey")
    if not isinstance(signatures, list):
        raise ProofError("the derived proof's signatures are not a CBOR array")
    if not isinstance(indexes, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in indexes
    ):
        raise ProofError("the derived proof's mandatoryIndexes are not an array of integers")
    return DerivedProofValue(
        _bytes(base_signature, 64, "baseSignature"),
        public_key,
        tuple(_bytes(s, 64, "signature") for s in signatures),
        decompress_label_map(compressed),
        tuple(indexes),
    )


def parse_base_proof_value(value: Any) -> BaseProofValue:
    """Parse a base ``proofValue`` (§3.5 parseBaseProofValue); for tests and tools, never on
    the verification road."""
    decoded = _decode_proof_value(value)
    if not decoded.startswith(BASE_PROOF_HEADER):
        raise ProofError("the proofValue does not start with the ECDSA-SD base proof header")
    parts = _cbor_components(decoded[len(BASE_PROOF_HEADER) :], 5, "base")
    base_signature, public_key, hmac_key, signatures, pointers = parts
    if not isinstance(signatures, list) or not isinstance(pointers, list):
        raise ProofError("the base proof's signatures and mandatoryPointers are arrays")
    if not all(isinstance(p, str) for p in pointers):
        raise ProofError("the base proof's mandatoryPointers are not strings")
    return BaseProofValue(
        _bytes(base_signature, 64, "baseSignature"),
        _bytes(public_key, 35, "publicKey"),
        _bytes(hmac_key, 32, "hmacKey"),
        tuple(_bytes(s, 64, "signature") for s in signatures),
        tuple(pointers),
    )


def serialize_derived_proof_value(proof: DerivedProofValue) -> str:
    """The derived ``proofValue`` of five components (§3.5 serializeDerivedProofValue)."""
    components = [
        proof.base_signature,
        proof.public_key,
        list(proof.signatures),
        compress_label_map(proof.label_map),
        list(proof.mandatory_indexes),
    ]
    return "u" + _b64url(DERIVED_PROOF_HEADER + cbor2.dumps(components))


def _relabel_line(line: str, labels: Mapping[str, str]) -> str:
    """One N-Quad with its blank-node labels (subject, object, graph; never text inside a
    literal or an IRI) replaced through ``labels``."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == '"':  # a literal: copy through its closing quote, escapes included
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append(line[i : j + 1])
            i = j + 1
        elif c == "<":  # an IRI (canonical N-Quads never have '>' inside one)
            j = line.find(">", i)
            j = n - 1 if j < 0 else j
            out.append(line[i : j + 1])
            i = j + 1
        elif line.startswith("_:", i):
            j = line.find(" ", i)
            j = n if j < 0 else j
            label = line[i + 2 : j]
            new = labels.get(label)
            if new is None:
                raise _LabelMissing(label)
            out.append("_:" + new)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


class _LabelMissing(Exception):
    """A canonical blank-node label the label map does not cover."""


def relabel_nquads(nquads: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    """Replace the blank-node labels of N-Quads through ``labels`` (§3.4 relabelBlankNodes);
    :class:`KeyError` names a label that ``labels`` lacks."""
    try:
        return [_relabel_line(q, labels) for q in nquads]
    except _LabelMissing as exc:
        raise KeyError(str(exc)) from None


def label_replacement_canonicalize(
    document: Mapping[str, Any], canon: Canonicalizer, label_map: Mapping[str, str]
) -> list[str]:
    """RDFC-1.0 of ``document`` with its canonical labels replaced through ``label_map``, as
    sorted N-Quad lines each ending in ``\\n`` (§3.4 labelReplacementCanonicalizeJsonLd with
    createLabelMapFunction)."""
    canonical = canon.rdfc(document, "sha256")
    lines = [line + "\n" for line in canonical.split("\n") if line]
    return sorted(relabel_nquads(lines, label_map))


def canonical_labels(document: Mapping[str, Any], canon: Canonicalizer) -> set[str]:
    """The canonical blank-node labels (``c14nN``) of ``document``'s RDFC-1.0 N-Quads."""
    seen: _Recorder = _Recorder()
    for line in canon.rdfc(document, "sha256").split("\n"):
        _relabel_line(line, seen)
    return seen.labels


class _Recorder(dict[str, str]):
    """A label map that maps every label to itself and remembers which it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()

    def get(self, key: str, default: Any = None) -> str:
        self.labels.add(key)
        return key


def hash_mandatory(mandatory: Sequence[str]) -> bytes:
    """SHA-256 of the joined mandatory N-Quads (§3.4 hashMandatoryNQuads)."""
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()


def hmac_label_map(canonical_labels: Sequence[str], hmac_key: bytes) -> dict[str, str]:
    """``c14nN`` → ``u`` ‖ base64url(HMAC-SHA-256(key, "c14nN")) (§3.4
    createHmacIdLabelMapFunction): the labels a base proof signs."""
    return {
        label: "u" + _b64url(hmac.new(hmac_key, label.encode("utf-8"), hashlib.sha256).digest())
        for label in canonical_labels
    }


@dataclass(frozen=True)
class VerifyData:
    """What createVerifyData (§3.5) produces, every value kept for tests and debugging."""

    base_signature: bytes
    proof_hash: bytes
    public_key: bytes
    signatures: tuple[bytes, ...]
    nquads: tuple[str, ...]
    """The revealed document's relabelled, sorted canonical N-Quads."""
    mandatory: tuple[str, ...]
    non_mandatory: tuple[str, ...]
    mandatory_hash: bytes

    @property
    def base_signed_data(self) -> bytes:
        """proof hash ‖ public key ‖ mandatory hash (§3.5 serializeSignData)."""
        return self.proof_hash + self.public_key + self.mandatory_hash


def create_verify_data(
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    canon: Canonicalizer,
    proof: DerivedProofValue,
) -> VerifyData:
    """The verify data of a revealed document and its derived proof (§3.5 createVerifyData).

    Raises :class:`ValueError` when the label map does not cover the document's blank nodes
    or maps two of them to one label (the signed graph would not be the one shown).
    """
    config = proof_config(unsecured, proof_options)
    proof_hash = hashlib.sha256(canon.rdfc(config, "sha256").encode("utf-8")).digest()
    try:
        nquads = label_replacement_canonicalize(unsecured, canon, proof.label_map)
    except KeyError as exc:
        raise ValueError(
            f"the derived proof's label map does not cover the blank node _:{exc.args[0]}"
        ) from None
    if len(set(proof.label_map.values())) != len(proof.label_map) or len(set(nquads)) != len(
        nquads
    ):
        # two canonical labels with one signed label: the signed graph would have one node
        # where the document shows two, whether or not their N-Quads happen to repeat
        raise ValueError("the derived proof's label map merges distinct blank nodes")
    if set(proof.label_map) != canonical_labels(unsecured, canon):
        # a conforming derivation maps exactly the revealed document's canonical labels
        # (createDisclosureData); more entries would only make the proofValue malleable
        raise ValueError("the derived proof's label map names blank nodes the document lacks")
    indexes = proof.mandatory_indexes
    if any(b <= a for a, b in itertools.pairwise(indexes)) or (
        indexes and not 0 <= indexes[0] <= indexes[-1] < len(nquads)
    ):
        # createDisclosureData lists them in increasing order, each the index of a revealed
        # statement; anything else is not a derivation's output
        raise ValueError(
            "the derived proof's mandatoryIndexes are not increasing indexes of the document's "
            f"{len(nquads)} statements"
        )
    wanted = set(indexes)
    mandatory = tuple(q for i, q in enumerate(nquads) if i in wanted)
    non_mandatory = tuple(q for i, q in enumerate(nquads) if i not in wanted)
    return VerifyData(
        proof.base_signature,
        proof_hash,
        proof.public_key,
        proof.signatures,
        tuple(nquads),
        mandatory,
        non_mandatory,
        hash_mandatory(mandatory),
    )


class EcdsaSd2023:
    """ECDSA selective disclosure (P-256, SHA-256): derived proofs are verified."""

    proof_type = "DataIntegrityProof"
    name: str | None = "ecdsa-sd-2023"
    proof_carries_context = False
    signs = False

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """RDFC-1.0 N-Quads (SHA-256), safe mode; the proof configuration's canonical form."""
        return canon.rdfc(document, "sha256")

    def hash(self, data: bytes, key: Any = None) -> bytes:
        """SHA-256 (the suite is P-256 only)."""
        return hashlib.sha256(data).digest()

    def sign(self, key: Any, data: bytes) -> bytes:
        """Not offered: mbo_vc verifies ecdsa-sd-2023 derived proofs, it does not issue them."""
        raise UnsupportedCryptosuiteError(
            "mbo_vc verifies ecdsa-sd-2023 derived proofs; it does not create base or derived "
            "proofs"
        )

    def verify(self, key: Any, data: bytes, signature: bytes) -> bool:
        """Not used: a derived proof is verified as a whole (:meth:`verify_derived`)."""
        raise UnsupportedCryptosuiteError("ecdsa-sd-2023 proofs are verified by verify_derived")

    def verify_derived(
        self,
        key: EcKey,
        unsecured: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        proof_value: bytes,
        canon: Canonicalizer,
    ) -> str | None:
        """Verify a derived proof (§3.6.7): None when it verifies, else why not."""
        proof = _parse_derived(proof_value)
        try:
            data = create_verify_data(unsecured, proof_options, canon, proof)
        except ValueError as exc:
            return str(exc)
        if len(data.signatures) != len(data.non_mandatory):
            return (
                f"the derived proof carries {len(data.signatures)} signatures for "
                f"{len(data.non_mandatory)} non-mandatory statements"
            )
        try:
            scoped = EcKey.from_public_bytes("P-256", data.public_key[2:])
        except KeyFormatError:
            raise ProofError("the derived proof's publicKey is not a point on P-256") from None
        for index, (nquad, signature) in enumerate(
            zip(data.non_mandatory, data.signatures, strict=True)
        ):
            if not scoped.verify(signature, nquad.encode("utf-8")):
                return f"the signature of non-mandatory statement {index} does not verify"
        if not key.verify(data.base_signature, data.base_signed_data):
            return "the issuer's base signature does not verify over this disclosure"
        return None

    def signature_warnings(self, key: Any, signature: bytes) -> list[tuple[str, str]]:
        """``high_s_signature`` when the base signature or a statement signature is high-S."""
        proof = _parse_derived(signature)
        if any(is_high_s(s, "P-256") for s in (proof.base_signature, *proof.signatures)):
            return [
                (
                    "high_s_signature",
                    "an ECDSA signature of the derived proof has a high S value (valid, but "
                    "its low-S twin is too)",
                )
            ]
        return []

    def key_from_method(self, method: Mapping[str, Any]) -> EcKey:
        """The issuer's P-256 key (the suite is defined for P-256)."""
        key = ec_key_from_method(method)
        if key.curve != "P-256":
            raise KeySuiteMismatchError("ecdsa-sd-2023 needs a P-256 key")
        return key

    def decode_proof_value(self, value: str) -> bytes:
        """The decoded derived ``proofValue`` (header and CBOR), once its shape is checked; a
        base proof is ``sd_base_proof``."""
        decoded = _decode_proof_value(value)
        _parse_derived(decoded)
        return decoded

    def encode_proof_value(self, signature: bytes) -> str:
        """Multibase base64url without padding."""
        return "u" + _b64url(signature)

    def check_document(self, document: Mapping[str, Any]) -> None:
        """Nothing beyond canonicalisation."""


SUITE = register_suite(EcdsaSd2023())
