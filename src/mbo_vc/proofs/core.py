"""Verifiable Credential Data Integrity 1.0: the one proof core every cryptosuite plugs into.

The data flows one way: document → canonical form (the suite's *transformation*) → hash →
signature → proof. The proof configuration is canonicalised the same way, and the signed bytes are
``hash(canonical proof config) ‖ hash(canonical document)``. :func:`create_proof` walks that road
and :func:`verify_proof` walks it back, for every suite; proof sets (several independent proofs)
and proof chains (``previousProof``) are handled here, once.

A cryptosuite is one small registered object (:class:`Cryptosuite`: name, transformation, hash,
sign, verify), like Digital Bazaar's split. What a verifier reads of a proof (purpose, key,
dates, challenge, domain, chain) is read from the signed proof configuration's RDF, never from
the proof's JSON spelling, so a context added after signing cannot hide or rename a member.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from mbo_vc import vocab
from mbo_vc.did import DidResolver, ResolvedMethod
from mbo_vc.errors import (
    ContextMismatchError,
    DidError,
    InputError,
    KeyFormatError,
    KeySuiteMismatchError,
    MboVcError,
    MissingPreviousProofError,
    ProofError,
    ProofTypeMismatchError,
    SignatureEncodingError,
    UnsupportedCryptosuiteError,
)
from mbo_vc.json_input import json_copy
from mbo_vc.jsonld import DocumentLoader, NodeMap, expand, node_map
from mbo_vc.jsonld.nodes import fresh_issuer, is_one_node
from mbo_vc.jsonld.rdf import canonicalize_dataset, joined_dataset, raw_triples, to_dataset
from mbo_vc.keys import (
    CURVES,
    EcKey,
    Ed25519Key,
    Signer,
    decode_multibase,
    encode_multibase_base58btc,
    is_high_s,
    public_jwk_of,
)
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.result import Problem, ProofResult
from mbo_vc.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "PROOF_PURPOSES",
    "Canonicalizer",
    "Cryptosuite",
    "DerivedProofSuite",
    "ProofView",
    "SigningInput",
    "as_proof_list",
    "create_proof",
    "proof_document",
    "register_suite",
    "signing_input",
    "suite_for",
    "suite_named",
    "suites",
    "verify_proofs",
]

COMPOSE_PROOF_EXPANSION = True
"""Compose a proof chain's document expansion from parts (see ``Canonicalizer._with_proof``);
off only for the equivalence test."""

PROOF_PURPOSES = frozenset(vocab.PROOF_PURPOSE_IRIS.values())
CREATED_SKEW = timedelta(minutes=5)
"""A proof ``created`` this far after the verifier's clock is only a warning."""


class Canonicalizer:
    """Expansion and canonical forms for one signing or verification run, each computed once.

    A proof set's proofs cover the same document, and the verified view reads the expansion the
    canonical form was made from; this cache (keyed by the document's JSON text) lets them
    share the work.
    """

    def __init__(self, loader: DocumentLoader, limits: Limits = DEFAULT_LIMITS) -> None:
        self.loader = loader
        self.limits = limits
        self._expanded: dict[str, list[dict[str, Any]]] = {}
        self._nquads: dict[tuple[str, str], str] = {}
        self._maps: dict[str, NodeMap] = {}
        self._raw: dict[str, dict[str, list[Any]]] = {}
        # a composed expansion (see _with_proof): the document without its proofs and the node
        # the proofs add to it
        self._parts: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._keys: dict[int, tuple[Mapping[str, Any], str]] = {}

    def _key(self, document: Mapping[str, Any]) -> str:
        # the JSON text, computed once per document object in this run (a run's documents are
        # not modified while it lasts; the object is held so that its id is not reused)
        hit = self._keys.get(id(document))
        if hit is not None and hit[0] is document:
            return hit[1]
        key = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        self._keys[id(document)] = (document, key)
        return key

    def expanded(self, document: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The safe-mode expansion of ``document`` (do not modify the result)."""
        key = self._key(document)
        found = self._expanded.get(key)
        if found is None:
            found = self._with_proof(document) if COMPOSE_PROOF_EXPANSION else None
            if found is None:
                found = expand(document, self.loader)
            self._expanded[key] = found
        return found

    def _with_proof(self, document: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """The expansion of a document that carries ``proof`` (a proof chain's earlier proofs),
        composed from the expansion of the document without it (already made for the first
        proof) and the expansion of the ``proof`` member alone, under the same context and types.

        JSON-LD expands each member of a node object on its own, under the node's context and
        its type-scoped contexts, so the two are one expansion; the composition is used only when
        that is visibly the case (one node, same ``@type`` and ``@id``, the member adding only
        non-keyword properties), otherwise None (expand in full). A test compares the canonical
        forms with and without it on the whole corpus.
        """
        if "proof" not in document or "@context" not in document:
            return None
        rest = {k: v for k, v in document.items() if k != "proof"}
        base = self._expanded.get(self._key(rest))
        if base is None or len(base) != 1:
            return None
        # the members that can set the node's types (and id): every member whose value is a
        # string or a list of strings (a @type value can be nothing else)
        header = {
            k: v
            for k, v in rest.items()
            if isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        }
        header["@context"] = document["@context"]
        with_proof = expand({**header, "proof": document["proof"]}, self.loader)
        without = expand(header, self.loader)
        if len(with_proof) != 1 or len(without) != 1:
            return None
        node, part, bare = base[0], with_proof[0], without[0]
        if (
            not (node.get("@type") or node.get("@id"))
            or part.get("@type") != node.get("@type")
            or part.get("@id") != node.get("@id")
            or any(part.get(k) != v for k, v in bare.items())
        ):
            return None
        added = [k for k in part if k not in bare]
        if not added or any(k.startswith("@") for k in added):
            return None
        composed = dict(node)
        for k in added:
            composed[k] = [*node.get(k, []), *part[k]]
        self._parts[self._key(document)] = (rest, {k: part[k] for k in added})
        return [composed]

    def rdfc(self, document: Mapping[str, Any], hash_algorithm: str = "sha256") -> str:
        """The RDFC-1.0 canonical N-Quads of ``document`` (``hash_algorithm``: RDFC-1.0's hash
        parameter, ``sha256`` or ``sha384``).

        For a document that is one node (a credential, a presentation, a proof configuration)
        the RDF is made from the same node map as the verified view (:meth:`nodes`), so the
        view and the signed data are one structure, built once. For a proof chain's document
        whose expansion was composed (:meth:`_with_proof`), the RDF is composed the same way:
        the RDF of the document without its proofs plus the RDF of the proofs it adds."""
        key = (hash_algorithm, self._key(document))
        found = self._nquads.get(key)
        if found is None:
            expanded = self.expanded(document)
            if is_one_node(expanded):
                dataset = joined_dataset(self._rdf_parts(document))
            else:
                dataset = to_dataset(json_copy(expanded))
            found = canonicalize_dataset(dataset, limits=self.limits, hash_algorithm=hash_algorithm)
            self._nquads[key] = found
        return found

    def _rdf_parts(self, document: Mapping[str, Any]) -> list[dict[str, list[Any]]]:
        key = self._key(document)
        parts = self._parts.get(key)
        if parts is not None:
            rest, added = parts
            root = {"@id": self.nodes(rest).root_id, **json_copy(added)}
            return [*self._rdf_parts(rest), raw_triples(node_map([root]).graphs, fresh_issuer())]
        raw = self._raw.get(key)
        if raw is None:
            raw = raw_triples(self.nodes(document).graphs, fresh_issuer())
            self._raw[key] = raw
        return [raw]

    def nodes(self, document: Mapping[str, Any]) -> NodeMap:
        """The node map (the RDF, node by node) of ``document`` (do not modify it)."""
        key = self._key(document)
        found = self._maps.get(key)
        if found is None:
            found = node_map(json_copy(self.expanded(document)))
            self._maps[key] = found
        return found


class Cryptosuite(Protocol):
    """A cryptosuite: how to canonicalise, hash, sign and verify, and what its proofs say."""

    proof_type: str
    name: str | None
    """The ``cryptosuite`` string (None for legacy suites that have only a proof ``type``)."""
    proof_carries_context: bool
    """True when the finished proof repeats the document's ``@context`` (eddsa-jcs-2022)."""
    signs: bool
    """False for a suite mbo_vc only verifies (ecdsa-sd-2023): it is not offered for signing."""

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """The canonical form of a document or a proof configuration (it may depend on
        ``key``'s curve: ecdsa-rdfc-2019 runs RDFC-1.0 with SHA-384 for P-384)."""
        ...

    def hash(self, data: bytes, key: Any = None) -> bytes:
        """The suite's hash of a canonical form (it may depend on ``key``'s curve: ECDSA)."""
        ...

    def sign(self, key: Any, data: bytes) -> bytes:
        """Sign the hash data with a private key."""
        ...

    def verify(self, key: Any, data: bytes, signature: bytes) -> bool:
        """True when ``signature`` is valid for ``data`` under ``key``."""
        ...

    def signature_warnings(self, key: Any, signature: bytes) -> list[tuple[str, str]]:
        """(code, message) warnings about a valid signature (ECDSA: ``high_s_signature``)."""
        ...

    def key_from_method(self, method: Mapping[str, Any]) -> Any:
        """The public key of a (dereferenced) verification method, for :meth:`verify`."""
        ...

    def decode_proof_value(self, value: str) -> bytes:
        """The signature bytes of a ``proofValue``."""
        ...

    def encode_proof_value(self, signature: bytes) -> str:
        """The ``proofValue`` of signature bytes."""
        ...

    def check_document(self, document: Mapping[str, Any]) -> None:
        """Refuse documents this suite cannot secure (e.g. a missing suite context)."""
        ...


@runtime_checkable
class DerivedProofSuite(Protocol):
    """A suite whose proof is verified as a whole rather than as one signature over
    ``hash(config) ‖ hash(document)`` (ecdsa-sd-2023's derived proofs, vc-di-ecdsa §3.6.7)."""

    def verify_derived(
        self,
        key: Any,
        unsecured: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        proof_value: bytes,
        canon: Canonicalizer,
    ) -> str | None:
        """None when the proof verifies over ``unsecured``, else why it does not."""
        ...


_SUITES: dict[tuple[str, str | None], Cryptosuite] = {}
_ALIASES: dict[tuple[str, str | None], tuple[str, str | None]] = {}


def register_suite(suite: Cryptosuite, *aliases: str) -> Cryptosuite:
    """Register a cryptosuite (and cryptosuite-name aliases accepted on verification)."""
    _SUITES[(suite.proof_type, suite.name)] = suite
    for alias in aliases:
        _ALIASES[(suite.proof_type, alias)] = (suite.proof_type, suite.name)
    return suite


def suites() -> dict[str, Cryptosuite]:
    """Every registered suite that signs, by its signing name (cryptosuite, or proof type for
    legacy); the verify-only ones (ecdsa-sd-2023) are left out."""
    return {(s.name or s.proof_type): s for s in _SUITES.values() if s.signs}


def suite_named(name: str) -> Cryptosuite:
    """The suite ``name`` (``eddsa-rdfc-2022``, ``Ed25519Signature2020`` …) for signing."""
    if isinstance(name, str) and any(not s.signs and s.name == name for s in _SUITES.values()):
        raise UnsupportedCryptosuiteError(
            f"mbo_vc verifies {name} proofs but does not create them; choose one of "
            f"{', '.join(sorted(suites()))}"
        )
    found = suites().get(name) if isinstance(name, str) else None
    if found is None:
        raise UnsupportedCryptosuiteError(
            f"unknown cryptosuite {str(name)[:60]!r}; choose one of {', '.join(sorted(suites()))}"
        )
    return found


def suite_for(proof_type: Any, cryptosuite: Any, *, allow_alias: bool = False) -> Cryptosuite:
    """Find the suite for a proof ``type`` and ``cryptosuite`` (None for legacy suites)."""
    if not isinstance(proof_type, str) or not isinstance(cryptosuite, str | None):
        raise ProofError("proof type and cryptosuite must be strings")
    key = (proof_type, cryptosuite)
    if allow_alias and key in _ALIASES:
        key = _ALIASES[key]
    suite = _SUITES.get(key)
    known_names = {name for _, name in _SUITES} | {name for _, name in _ALIASES}
    if suite is None and cryptosuite is not None and cryptosuite in known_names:
        raise ProofTypeMismatchError(
            f"proof type {proof_type[:60]!r} does not go with cryptosuite {cryptosuite!r}"
        )
    if suite is None:
        name = proof_type if cryptosuite is None else f"{proof_type}/{cryptosuite}"
        raise UnsupportedCryptosuiteError(f"unsupported proof type or cryptosuite: {name:.100}")
    return suite


def as_proof_list(proof: Any) -> list[Any]:
    """A document's ``proof`` member as a list (absent → empty)."""
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


@dataclass(frozen=True)
class SigningInput:
    """Every intermediate value of the hashing step (handy for test vectors and debugging)."""

    canonical_proof_config: str
    canonical_document: str
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def data(self) -> bytes:
        """The bytes that are signed: proof-config hash ‖ document hash."""
        return self.proof_config_hash + self.document_hash


def proof_config(unsecured: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """The proof configuration: the proof without ``proofValue``, with the document's context."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = json_copy(unsecured["@context"])
    return config


def proof_document(
    document: Mapping[str, Any], proof: Mapping[str, Any], all_proofs: Sequence[Any]
) -> dict[str, Any]:
    """The unsecured document a proof was made over.

    For a proof in a chain (``previousProof``), that is the document with the proofs it names.
    Raises :class:`~mbo_vc.errors.MissingPreviousProofError` if one is absent.
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = proof.get("previousProof")
    if previous is not None:
        wanted = previous if isinstance(previous, list) else [previous]
        if not all(isinstance(w, str) for w in wanted):
            raise ProofError("previousProof must be a string or a list of strings")
        by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and p is not proof}
        missing = [w for w in wanted if w not in by_id]
        if missing:
            raise MissingPreviousProofError(
                f"previousProof {missing[0][:100]!r} is not among the document's proofs"
            )
        chained = [by_id[w] for w in wanted]
        unsecured["proof"] = chained[0] if len(chained) == 1 else chained
    return unsecured


def signing_input(
    suite: Cryptosuite,
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    canon: Canonicalizer,
    key: Any = None,
) -> SigningInput:
    """Canonicalise the proof configuration and the document, and hash both (with the hash the
    suite uses for ``key``: ECDSA hashes with SHA-256 for P-256 and SHA-384 for P-384)."""
    config = proof_config(unsecured, proof_options)
    canonical_config = suite.canonicalize(config, canon, key)
    canonical_doc = suite.canonicalize(unsecured, canon, key)
    return SigningInput(
        canonical_config,
        canonical_doc,
        suite.hash(canonical_config.encode("utf-8"), key),
        suite.hash(canonical_doc.encode("utf-8"), key),
    )


# --- creating a proof ------------------------------------------------------------------------


def create_proof(
    document: Mapping[str, Any],
    key: Signer,
    suite: Cryptosuite,
    *,
    canon: Canonicalizer,
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof made by ``key`` (VC DI 1.0 §4.1/4.2):
    a key object or any other :class:`~mbo_vc.keys.Signer` (an HSM, a KMS)."""
    if not isinstance(document, Mapping):
        raise InputError("the document to sign must be a JSON object")
    if proof_purpose not in PROOF_PURPOSES:
        raise ProofError(f"unknown proof purpose {str(proof_purpose)[:60]!r}")
    if not key.has_private:
        raise KeyFormatError("signing needs a private key")
    suite.check_document(document)
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if suite.name is not None:
        options["cryptosuite"] = suite.name
    options["created"] = format_timestamp(created)
    if expires is not None:
        options["expires"] = format_timestamp(expires)
    options["verificationMethod"] = key.verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    existing = as_proof_list(document.get("proof"))
    unsecured = proof_document(document, options, existing)
    if suite.proof_carries_context and "@context" in unsecured:
        options["@context"] = json_copy(unsecured["@context"])
    to_sign = signing_input(suite, unsecured, options, canon, key)
    proof = dict(options)
    proof["proofValue"] = suite.encode_proof_value(suite.sign(key, to_sign.data))
    signed = json_copy(dict(document))
    signed["proof"] = proof if not existing else [*json_copy(existing), proof]
    return signed


# --- verifying proofs ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofView:
    """A proof's members as its signature covers them (read from the proof configuration's RDF)."""

    id: str | None
    types: tuple[str, ...]
    cryptosuites: tuple[str, ...]
    verification_methods: tuple[str | None, ...]
    purposes: tuple[str | None, ...]
    created: tuple[str | None, ...]
    expires: tuple[str | None, ...]
    challenges: tuple[str | None, ...]
    domains: tuple[str | None, ...]
    previous_proofs: tuple[str | None, ...]

    @classmethod
    def read(cls, nodes: NodeMap) -> ProofView:
        """Read the proof node (the configuration's top-level node)."""
        node = nodes.root
        return cls(
            None if node.is_blank else node.id,
            node.types,
            tuple(_lexical(v) or "" for v in node.literals(vocab.CRYPTOSUITE)),
            tuple(node.refs(vocab.VERIFICATION_METHOD)),
            tuple(
                vocab.PROOF_PURPOSE_IRIS.get(r or "", None) for r in node.refs(vocab.PROOF_PURPOSE)
            ),
            tuple(_lexical(v) for v in node.literals(vocab.CREATED)),
            tuple(_lexical(v) for v in node.literals(vocab.EXPIRES)),
            tuple(_lexical(v) for v in node.literals(vocab.CHALLENGE)),
            tuple(_lexical(v) for v in node.literals(vocab.DOMAIN)),
            tuple(node.refs(vocab.PREVIOUS_PROOF)),
        )


def _lexical(literal: Any) -> str | None:
    value = getattr(literal, "value", None)
    return value if isinstance(value, str) else None


def _one(values: Sequence[str | None], member: str) -> str:
    if len(values) != 1 or values[0] is None:
        what = "missing" if not values else "not a single value of the right kind"
        raise ProofError(f"the proof's {member} is {what}")
    return values[0]


@dataclass(frozen=True)
class ProofCheck:
    """What the caller expects of the proofs (the proof layer's options)."""

    resolver: DidResolver
    clock: datetime
    expected_purpose: str | None = "assertionMethod"
    challenge: str | None = None
    domain: str | None = None
    accepted: Collection[str] | None = None
    expiry_skew: timedelta = timedelta(0)


def verify_proofs(
    document: Mapping[str, Any], canon: Canonicalizer, check: ProofCheck
) -> list[ProofResult]:
    """Check every proof of ``document``: signature, purpose, dates, challenge, domain, key.

    Identical proofs count once (a ``duplicate_proof`` warning). Whether a proof's controller may
    speak for the issuer or holder is for the caller (it knows who that is).
    """
    proofs = as_proof_list(document.get("proof"))
    results: list[ProofResult] = []
    seen: dict[str, int] = {}
    for index, proof in enumerate(proofs):
        where = f"proof[{index}]"
        if not isinstance(proof, Mapping):
            res = ProofResult(index, None, None, None, None)
            res.problems.append(Problem("malformed_proof", "a proof must be a JSON object", where))
            results.append(res)
            continue
        text = canon._key(proof)
        if text in seen:
            results[seen[text]].warnings.append(
                Problem("duplicate_proof", f"{where} is identical to proof[{seen[text]}]", where)
            )
            continue
        seen[text] = len(results)
        res = ProofResult(index, _str(proof.get("type")), _str(proof.get("cryptosuite")),
                          None, None)  # fmt: skip
        results.append(res)
        try:
            _verify_one(document, proof, proofs, res, where, canon, check)
        except MboVcError as exc:
            res.problems.append(Problem(exc.code, exc.message, where))
    return results


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _verify_one(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    proofs: Sequence[Any],
    res: ProofResult,
    where: str,
    canon: Canonicalizer,
    check: ProofCheck,
) -> None:
    def problem(code: str, message: str) -> None:
        res.problems.append(Problem(code, message, where))

    if isinstance(proof.get("verificationMethod"), Mapping):
        problem(
            "embedded_verification_method",
            "the proof embeds its own verification method; keys must come from the "
            "controller's DID document, not from the document they sign",
        )
        return
    for member in ("type", "proofValue"):
        if not isinstance(proof.get(member), str):
            raise ProofError(f"proof member {member} is missing or not a string")
    suite = suite_for(proof["type"], proof.get("cryptosuite"), allow_alias=True)
    if check.accepted is not None and (suite.name or suite.proof_type) not in check.accepted:
        problem("unsupported_cryptosuite", f"{suite.name or suite.proof_type} is not accepted")
        return

    unsecured = proof_document(document, proof, proofs)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        # eddsa-jcs-2022 repeats the @context in the proof. The spec lets the document's merely
        # start with the proof's; we require it to be equal, so that no context can be slipped
        # in after signing (docs/verification.md).
        if _as_list(unsecured.get("@context")) != _as_list(options["@context"]):
            raise ContextMismatchError("the proof's @context does not match the document's")
    suite.check_document(unsecured)

    # What the proof says, read from its signed configuration (not from its JSON spelling).
    view = ProofView.read(canon.nodes(proof_config(unsecured, options)))
    _check_view_matches(view, proof, suite)
    vm = _one(view.verification_methods, "verificationMethod")
    purpose = _one(view.purposes, "proofPurpose")
    res.verification_method, res.proof_purpose, res.id = vm, purpose, view.id
    res.previous_proof = tuple(p for p in view.previous_proofs if p is not None)
    if check.expected_purpose is not None and purpose != check.expected_purpose:
        problem(
            "proof_purpose_mismatch",
            f"proof purpose is {purpose!r}, expected {check.expected_purpose!r}",
        )
    if check.challenge is not None and view.challenges != (check.challenge,):
        problem("challenge_mismatch", "the proof's challenge is missing or not the expected one")
    if check.domain is not None and check.domain not in view.domains:
        problem("domain_mismatch", "the proof's domain is missing or not the expected one")
    _check_dates(view, res, where, check)

    signature = _decode_signature(suite, proof["proofValue"])
    try:
        resolved: ResolvedMethod = check.resolver.dereference(vm)
    except DidError as exc:
        problem("vm_unresolvable", f"{exc.message} ({exc.code})")
        return
    key = suite.key_from_method(resolved.method)
    res.controller = resolved.controller
    if resolved.controller != resolved.document.get("id"):
        problem("vm_not_authorized", "the verification method's controller is not its DID")
    elif not resolved.authorized_for(purpose):
        problem(
            "vm_not_authorized",
            f"{resolved.id} is not listed under {purpose} in its controller's DID document",
        )
    if isinstance(suite, DerivedProofSuite):
        why = suite.verify_derived(key, unsecured, options, signature, canon)
        res.signature_valid = why is None
    else:
        to_sign = signing_input(suite, unsecured, options, canon, key)
        res.signature_valid = suite.verify(key, to_sign.data, signature)
        why = "the signature does not verify over this document"
    if not res.signature_valid:
        problem("invalid_signature", why or "the signature does not verify")
        return
    for code, message in suite.signature_warnings(key, signature):
        res.warnings.append(Problem(code, message, where))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_view_matches(view: ProofView, proof: Mapping[str, Any], suite: Cryptosuite) -> None:
    """The suite was chosen from the proof's JSON; the signed configuration must agree."""
    if vocab.SEC + suite.proof_type not in view.types:
        raise ProofTypeMismatchError(
            f"the signed proof configuration is not of type {suite.proof_type}"
        )
    names = set(view.cryptosuites)
    if suite.name is None and names:
        raise ProofTypeMismatchError(f"a {suite.proof_type} proof has no cryptosuite")
    if suite.name is not None and names != {proof.get("cryptosuite")}:
        raise ProofTypeMismatchError(
            "the signed proof configuration names another cryptosuite than the proof's JSON"
        )
    raw_previous = proof.get("previousProof")
    raw = set(_as_list(raw_previous)) if raw_previous is not None else set()
    if raw != set(view.previous_proofs):
        raise ProofError("the proof's previousProof is not the one its configuration signs")


def _check_dates(view: ProofView, res: ProofResult, where: str, check: ProofCheck) -> None:
    if len(view.created) > 1 or len(view.expires) > 1:
        raise ProofError("a proof has at most one created and one expires")
    if view.created:
        created = parse_timestamp(view.created[0], "proof created")
        res.created = view.created[0]
        if created > check.clock + CREATED_SKEW:
            res.warnings.append(
                Problem(
                    "proof_not_yet_valid",
                    f"proof created after the verifier's clock ({view.created[0]})",
                    where,
                )
            )
    if view.expires:
        expires = parse_timestamp(view.expires[0], "proof expires")
        res.expires = view.expires[0]
        if expires < check.clock - check.expiry_skew:
            res.problems.append(
                Problem("proof_expired", f"the proof expired at {view.expires[0]}", where)
            )


def _decode_signature(suite: Cryptosuite, value: str) -> bytes:
    try:
        return suite.decode_proof_value(value)
    except KeyFormatError:
        raise ProofError("proofValue is not multibase base58btc") from None


# --- shared by the Ed25519 suites ------------------------------------------------------------


def decode_ed25519_proof_value(value: str) -> bytes:
    """Decode ``proofValue`` (multibase base58btc) into a 64-byte Ed25519 signature."""
    signature = decode_multibase(value, expect="z")
    if len(signature) != 64:
        raise ProofError(
            f"proofValue decodes to {len(signature)} bytes, not a 64-byte Ed25519 signature"
        )
    return signature


def _method_text(method: Mapping[str, Any]) -> str | None:
    try:
        return json.dumps(method, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


@functools.lru_cache(maxsize=512)
def _ed25519_key_of(text: str) -> Ed25519Key:
    return _ed25519_key_from_method(json.loads(text))


@functools.lru_cache(maxsize=512)
def _ec_key_of(text: str) -> EcKey:
    return _ec_key_from_method(json.loads(text))


def ed25519_key_from_method(method: Mapping[str, Any]) -> Ed25519Key:
    """The Ed25519 public key of a verification method (Multikey, JWK or 2020 type); the key of
    a method seen before is not decoded and point-checked again (keys are immutable)."""
    text = _method_text(method)
    return _ed25519_key_of(text) if text is not None else _ed25519_key_from_method(method)


def _ed25519_key_from_method(method: Mapping[str, Any]) -> Ed25519Key:
    jwk = public_jwk_of(method)
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeySuiteMismatchError(
            f"the verification method is a {str(jwk.get('crv', jwk.get('kty')))[:20]} key; "
            "this cryptosuite needs an Ed25519 key"
        )
    return Ed25519Key.from_jwk(jwk)


class Ed25519Mixin:
    """Hashing, signing and proof values of the Ed25519 suites (SHA-256, pure EdDSA)."""

    signs = True

    def hash(self, data: bytes, key: Any = None) -> bytes:
        """SHA-256."""
        return hashlib.sha256(data).digest()

    def sign(self, key: Signer, data: bytes) -> bytes:
        """Ed25519 signature (by a key object, an HSM or a KMS: any Ed25519 signer)."""
        if getattr(key, "key_type", None) != "Ed25519":
            raise KeySuiteMismatchError("this cryptosuite signs with an Ed25519 key")
        return key.sign(data)

    def verify(self, key: Ed25519Key, data: bytes, signature: bytes) -> bool:
        """Ed25519 verification."""
        return key.verify(signature, data)

    def signature_warnings(self, key: Any, signature: bytes) -> list[tuple[str, str]]:
        """None (Ed25519 signatures are not malleable in this way)."""
        return []

    def key_from_method(self, method: Mapping[str, Any]) -> Ed25519Key:
        """The Ed25519 key of a verification method."""
        return ed25519_key_from_method(method)

    def decode_proof_value(self, value: str) -> bytes:
        """A 64-byte signature from multibase base58btc."""
        return decode_ed25519_proof_value(value)

    def encode_proof_value(self, signature: bytes) -> str:
        """Multibase base58btc."""
        return encode_multibase_base58btc(signature)

    def check_document(self, document: Mapping[str, Any]) -> None:
        """Nothing beyond canonicalisation (suites with a context requirement override this)."""


# --- shared by the ECDSA suites --------------------------------------------------------------


def ec_key_from_method(method: Mapping[str, Any]) -> EcKey:
    """The P-256/P-384 public key of a verification method (Multikey or JWK), decoded once
    per distinct method."""
    text = _method_text(method)
    return _ec_key_of(text) if text is not None else _ec_key_from_method(method)


def _ec_key_from_method(method: Mapping[str, Any]) -> EcKey:
    jwk = public_jwk_of(method)
    if jwk.get("kty") != "EC" or jwk.get("crv") not in CURVES:
        raise KeySuiteMismatchError(
            f"the verification method is a {str(jwk.get('crv', jwk.get('kty')))[:20]} key; "
            "the ECDSA cryptosuites need a P-256 or P-384 key"
        )
    return EcKey.from_jwk(jwk)


class EcdsaMixin:
    """Hashing, signing and proof values of the ECDSA suites (vc-di-ecdsa §3): the hash follows
    the key's curve (SHA-256 for P-256, SHA-384 for P-384); signatures are P1363 ``r ‖ s``."""

    signs = True

    @staticmethod
    def rdfc_hash(key: Any) -> str:
        """The hash for ``key``'s curve: ``sha256`` for P-256, ``sha384`` for P-384."""
        key_type = getattr(key, "key_type", None)
        if key_type not in ("P-256", "P-384"):
            raise KeySuiteMismatchError("the ECDSA cryptosuites hash for a P-256 or P-384 key")
        return "sha384" if key_type == "P-384" else "sha256"

    def hash(self, data: bytes, key: Any = None) -> bytes:
        """SHA-256 for a P-256 key, SHA-384 for a P-384 key."""
        return hashlib.new(self.rdfc_hash(key), data).digest()

    def sign(self, key: Any, data: bytes) -> bytes:
        """ECDSA signature (low-S, P1363; by a key object, an HSM or a KMS)."""
        if getattr(key, "key_type", None) not in ("P-256", "P-384"):
            raise KeySuiteMismatchError("the ECDSA cryptosuites sign with a P-256 or P-384 key")
        return key.sign(data)

    def verify(self, key: EcKey, data: bytes, signature: bytes) -> bool:
        """ECDSA verification (low- and high-S; a malformed encoding raises)."""
        return key.verify(signature, data)

    def signature_warnings(self, key: EcKey, signature: bytes) -> list[tuple[str, str]]:
        """``high_s_signature`` for a valid signature whose S lies in the upper half."""
        if is_high_s(signature, key.curve):
            return [
                (
                    "high_s_signature",
                    "the ECDSA signature has a high S value (valid, but its low-S twin is too)",
                )
            ]
        return []

    def key_from_method(self, method: Mapping[str, Any]) -> EcKey:
        """The P-256/P-384 key of a verification method."""
        return ec_key_from_method(method)

    def decode_proof_value(self, value: str) -> bytes:
        """A 64-byte (P-256) or 96-byte (P-384) P1363 signature from multibase base58btc."""
        signature = decode_multibase(value, expect="z")
        if len(signature) not in (64, 96):
            der = len(signature) > 2 and signature[0] == 0x30
            hint = " (it looks like DER)" if der else ""
            raise SignatureEncodingError(
                f"proofValue decodes to {len(signature)} bytes, not a P1363 ECDSA signature "
                f"(64 bytes for P-256, 96 for P-384){hint}"
            )
        return signature

    def encode_proof_value(self, signature: bytes) -> str:
        """Multibase base58btc."""
        return encode_multibase_base58btc(signature)

    def check_document(self, document: Mapping[str, Any]) -> None:
        """Nothing beyond canonicalisation."""
