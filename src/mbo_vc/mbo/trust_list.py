"""Trust lists: which schools (issuer DIDs) may issue which waardepapieren (docs/trust-list.md).

A trust list is itself a verifiable credential (``MboTrustListCredential``, context
``https://w3id.org/mbo-vc/trust-list/v1``) issued by a trust anchor the verifier pins (for
example DUO). Each ``trustedIssuer`` names an institution (name, BRIN code, OIN) and the
waardepapier kinds it may issue. :class:`TrustList` verifies the list on the one verification
road (its proof by the pinned anchor, its dates, its own status if it has any) and then decides,
from a credential's verified view, whether its signed issuer may issue it; plug it into
``VerifierPolicy(trust_list=...)``. A list that does not verify trusts nobody
(``trust_list_invalid``).
"""

from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.did import DidResolver
from mbo_vc.errors import MboVcError, TrustListError
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import Key
from mbo_vc.limits import DEFAULT_LIMITS
from mbo_vc.mbo.kinds import waardepapier_kind
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.models import VC_V2
from mbo_vc.proofs.core import CREATED_SKEW
from mbo_vc.result import Problem, TrustedIssuer, VerificationResult
from mbo_vc.signing import sign
from mbo_vc.timestamps import format_timestamp, parse_timestamp
from mbo_vc.verification import VerifierPolicy, verify
from mbo_vc.verification.status import StatusCheck
from mbo_vc.verification.trust import TrustOutcome

__all__ = [
    "CSV_COLUMNS",
    "TRUST_LIST_CONTEXT",
    "TRUST_LIST_TYPE",
    "TrustList",
    "TrustedIssuer",
    "build_trust_list",
    "claimed_identifiers",
    "read_trust_csv",
]

TRUST_LIST_CONTEXT = "https://w3id.org/mbo-vc/trust-list/v1"
MBO_VOCAB = "https://w3id.org/mbo-vc/vocab#"
TRUST_LIST_TYPE = MBO_VOCAB + "MboTrustListCredential"
"""The type IRI every trust list carries (term ``MboTrustListCredential``)."""
_LIST = MBO_VOCAB + "MboTrustList"
_ENTRY = MBO_VOCAB + "TrustedIssuer"
_TRUSTED_ISSUER = MBO_VOCAB + "trustedIssuer"
_BRIN = MBO_VOCAB + "brin"
_OIN = MBO_VOCAB + "oin"
_MAY_ISSUE = MBO_VOCAB + "mayIssue"
_NAME = "https://schema.org/name"
_OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
_OTHER_IDENTIFIER = _OB + "otherIdentifier"
_IDENTIFIER = _OB + "identifier"
_IDENTIFIER_TYPE = _OB + "identifierType"
_PROFILE_IDENTIFIERS = (("BRIN", "ext:BRIN"), ("OIN", "ext:OIN"))
"""The Dutch identifiers of a signed issuer Profile (``otherIdentifier`` by ``identifierType``)
that a trust list entry names too."""

CSV_COLUMNS = ("did", "name", "brin", "oin", "types")
"""The columns of ``mbo-vc trust-list build --csv`` (``types`` separated by ``|``)."""
_BRIN_RE = re.compile(r"^\d{2}[A-Z]{2}$")
_OIN_RE = re.compile(r"^\d{20}$")
_DID_RE = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")
REVERIFY_AFTER = timedelta(seconds=60)
"""A verified list's verdict is reused for verifier clocks at most this far apart."""
MAX_ENTRIES = 10_000
"""At most this many institutions on one list (a safety limit; the mbo sector has ~60)."""


def _check_entry(entry: TrustedIssuer, where: str) -> None:
    if not _DID_RE.match(entry.id or ""):
        raise TrustListError(f"{where}: did must be a DID (did:method:…), not {entry.id[:80]!r}")
    if not entry.name:
        raise TrustListError(f"{where}: name is empty")
    if entry.brin is not None and not _BRIN_RE.match(entry.brin):
        raise TrustListError(f"{where}: brin must be 2 digits and 2 capitals (e.g. 25LX)")
    if entry.oin is not None and not _OIN_RE.match(entry.oin):
        raise TrustListError(f"{where}: oin must be 20 digits")
    unknown = [t for t in entry.types if t not in WAARDEPAPIEREN]
    if unknown or not entry.types:
        raise TrustListError(
            f"{where}: types must be one or more of {', '.join(WAARDEPAPIEREN)} separated by '|'"
            + (f" (not {', '.join(unknown)[:120]})" if unknown else "")
        )


def read_trust_csv(path: str | Path) -> list[TrustedIssuer]:
    """The institutions of a CSV file with the header ``did,name,brin,oin,types`` (``brin`` and
    ``oin`` may be empty; ``types``: waardepapier kinds separated by ``|``). Raises
    :class:`~mbo_vc.errors.TrustListError` naming the line of the first bad row."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TrustListError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > DEFAULT_LIMITS.max_document_bytes:
        raise TrustListError(f"{path} is larger than {DEFAULT_LIMITS.max_document_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrustListError(f"{path} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if sorted(header) != sorted(CSV_COLUMNS):
        raise TrustListError(
            f"{path}: the header must be {','.join(CSV_COLUMNS)} (found {','.join(header)[:200]})"
        )
    out: list[TrustedIssuer] = []
    seen: set[str] = set()
    for row in reader:
        where = f"{path.name} line {reader.line_num}"
        if None in row:
            raise TrustListError(f"{where}: more values than columns")
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cells.values()):
            continue
        entry = TrustedIssuer(
            id=cells["did"],
            name=cells["name"],
            brin=cells["brin"] or None,
            oin=cells["oin"] or None,
            types=tuple(dict.fromkeys(t.strip() for t in cells["types"].split("|") if t.strip())),
        )
        _check_entry(entry, where)
        if entry.id in seen:
            raise TrustListError(f"{where}: {entry.id[:80]} is listed twice")
        seen.add(entry.id)
        out.append(entry)
        if len(out) > MAX_ENTRIES:
            raise TrustListError(f"{path}: more than {MAX_ENTRIES} institutions")
    return out


def build_trust_list(
    entries: Iterable[TrustedIssuer],
    anchor: Key,
    *,
    name: str = "mbo trust list",
    valid_from: datetime | str | None = None,
    valid_until: datetime | str | None = None,
    valid_for: timedelta | None = timedelta(days=365),
    list_id: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A trust list credential naming ``entries``, signed by the trust anchor's key.

    ``validFrom`` defaults to now, ``validUntil`` to ``validFrom + valid_for`` (None: open
    ended). Raises :class:`~mbo_vc.errors.TrustListError` for a bad entry.
    """
    items = list(entries)
    seen: set[str] = set()
    for i, entry in enumerate(items):
        if not isinstance(entry, TrustedIssuer):
            raise TrustListError(f"entry {i} is not a TrustedIssuer")
        _check_entry(entry, f"entry {i}")
        if entry.id in seen:
            raise TrustListError(f"entry {i}: {entry.id[:80]} is listed twice")
        seen.add(entry.id)
    start = valid_from if valid_from is not None else datetime.now(UTC).replace(microsecond=0)
    start_text = start if isinstance(start, str) else format_timestamp(start)
    doc: dict[str, Any] = {
        "@context": [VC_V2, TRUST_LIST_CONTEXT],
        "id": list_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "MboTrustListCredential"],
        "name": name,
        "issuer": anchor.did,
        "validFrom": start_text,
        "credentialSubject": {
            "type": "MboTrustList",
            "trustedIssuer": [_entry_json(e) for e in items],
        },
    }
    if valid_until is not None:
        doc["validUntil"] = (
            valid_until if isinstance(valid_until, str) else format_timestamp(valid_until)
        )
    elif valid_for is not None and isinstance(start, datetime):
        doc["validUntil"] = format_timestamp(start + valid_for)
    return sign(doc, anchor, loader=loader)


def _entry_json(entry: TrustedIssuer) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.id, "type": "TrustedIssuer", "name": entry.name}
    if entry.brin:
        out["brin"] = entry.brin
    if entry.oin:
        out["oin"] = entry.oin
    out["mayIssue"] = list(entry.types)
    return out


def _one(node: Any, iri: str, what: str) -> str | None:
    values = node.literals(iri)
    if not values:
        return None
    if len(values) != 1 or values[0] is None or not isinstance(values[0].value, str):
        raise TrustListError(f"{what} of {node.id[:80]} is not one string")
    return str(values[0].value)


def _entries_of(view: CredentialView) -> dict[str, TrustedIssuer]:
    """The institutions the verified trust list names, by DID (read by IRI from its view)."""
    out: dict[str, TrustedIssuer] = {}
    for subject in view.subjects:
        if _LIST not in subject.types:
            raise TrustListError("the trust list's credentialSubject is not an MboTrustList")
        for ref in subject.refs(_TRUSTED_ISSUER):
            if ref is None or ref.startswith("_:"):
                raise TrustListError("a trustedIssuer has no DID (id)")
            node = subject.node(ref)
            types: list[str] = []
            for lit in node.literals(_MAY_ISSUE):
                if lit is None or not isinstance(lit.value, str):
                    raise TrustListError(f"mayIssue of {ref[:80]} is not a list of strings")
                types.append(lit.value)
            out[ref] = TrustedIssuer(
                id=ref,
                name=_one(node, _NAME, "name"),
                brin=_one(node, _BRIN, "brin"),
                oin=_one(node, _OIN, "oin"),
                types=tuple(dict.fromkeys(types)),
            )
            if len(out) > MAX_ENTRIES:
                raise TrustListError(f"the trust list names more than {MAX_ENTRIES} issuers")
    if not view.subjects:
        raise TrustListError("the trust list has no credentialSubject")
    return out


def _plain(value: Any) -> str | None:
    """A JSON-LD value's string (a literal's ``@value`` or a reference's ``@id``)."""
    if isinstance(value, dict):
        inner = value.get("@value", value.get("@id"))
        return inner if isinstance(inner, str) else None
    return None


def claimed_identifiers(view: CredentialView) -> dict[str, list[str]]:
    """The BRIN and OIN codes the signed issuer Profile claims for itself (its
    ``otherIdentifier`` entries of type ``ext:BRIN``/``ext:OIN``), read by IRI from the verified
    view, so no JSON spelling or appended context changes them. A value that is not one string
    is kept as its JSON text (it never equals a code on the list)."""
    out: dict[str, list[str]] = {label: [] for label, _ in _PROFILE_IDENTIFIERS}
    issuer = view.issuer
    if issuer is None:
        return out
    profile = view.root.node(issuer)
    wanted = dict((t, label) for label, t in _PROFILE_IDENTIFIERS)
    for ref in profile.refs(_OTHER_IDENTIFIER):
        if ref is None:
            continue
        entry = profile.node(ref)
        kinds = {_plain(v) for v in entry.values(_IDENTIFIER_TYPE)}
        for kind in kinds:
            label = wanted.get(kind or "")
            if label is None:
                continue
            for value in entry.values(_IDENTIFIER):
                text = _plain(value)
                out[label].append(text if text is not None else repr(value)[:80])
    return out


def _identifier_mismatch(view: CredentialView, entry: TrustedIssuer) -> Problem | None:
    """``issuer_identifier_mismatch`` when the signed issuer Profile claims a BRIN or OIN other
    than the one the trust list gives that issuer (a list entry without one confirms nothing)."""
    claimed = claimed_identifiers(view)
    listed = {"BRIN": entry.brin, "OIN": entry.oin}
    for label, _ in _PROFILE_IDENTIFIERS:
        want = listed[label]
        other = [c for c in claimed[label] if want is not None and c != want]
        if other:
            return Problem(
                "issuer_identifier_mismatch",
                f"the credential's issuer claims {label} {', '.join(dict.fromkeys(other))[:80]}, "
                f"but the trust list gives {entry.name or entry.id[:80]} {label} {want}",
                "issuer.otherIdentifier",
            )
    return None


def _boundaries(result: VerificationResult) -> tuple[datetime, ...]:
    """The instants at which the list's verdict can change with the verifier's clock: its
    validity dates and each proof's ``expires`` (and ``created``, which warns when ahead)."""
    texts: list[str | None] = []
    if result.view is not None:
        for iri in (vocab.VALID_FROM, vocab.VALID_UNTIL, vocab.ISSUANCE_DATE,
                    vocab.EXPIRATION_DATE):  # fmt: skip
            texts += result.view.dates(iri)
    out: list[datetime] = []
    for text in texts:
        try:
            out.append(parse_timestamp(text))
        except MboVcError:
            continue
    for proof in result.proofs:
        for text, shift in ((proof.expires, timedelta(0)), (proof.created, -CREATED_SKEW)):
            if text is None:
                continue
            try:
                out.append(parse_timestamp(text) + shift)
            except MboVcError:
                continue
    return tuple(out)


@dataclass(frozen=True)
class _Verdict:
    """The last verification of a list: for which loader/resolver/status and clock, its result,
    its entries, and the dates at which the result can change."""

    key: tuple[Any, ...]
    when: datetime | None
    result: VerificationResult
    entries: dict[str, TrustedIssuer]
    boundaries: tuple[datetime, ...]

    def reusable(self, key: tuple[Any, ...], when: datetime) -> bool:
        """Whether the verdict holds at ``when``: same sources, a clock at most
        :data:`REVERIFY_AFTER` away, and no date of the list between the two clocks."""
        if key != self.key or self.when is None or abs(when - self.when) > REVERIFY_AFTER:
            return False
        low, high = sorted((when, self.when))
        return not any(low <= b <= high for b in self.boundaries)


class TrustList:
    """A trust list and the anchor the verifier pins; a :class:`TrustCheck` for the policy.

    The list is verified on the one road when first used, and again when the loader, resolver
    or status source changes, the verifier's clock has moved by more than
    :data:`REVERIFY_AFTER` (so a batch verifies it about once a minute, not once a credential),
    or the clock has crossed one of the list's dates (``validFrom``, ``validUntil``, a proof's
    ``expires``): a list that expired at the verifier's ``now`` trusts nobody, cached or not.
    """

    def __init__(self, document: Mapping[str, Any] | str | bytes, anchor: str) -> None:
        if not isinstance(anchor, str) or not _DID_RE.match(anchor):
            raise TrustListError("the trust anchor must be a DID (did:method:…)")
        if not isinstance(document, Mapping | str | bytes | bytearray):
            raise TrustListError("a trust list must be a JSON object, JSON text or bytes")
        self.document = document
        self.anchor = anchor
        self._lock = threading.Lock()
        self._last: _Verdict | None = None

    @classmethod
    def load(cls, path: str | Path, anchor: str) -> TrustList:
        """Read a trust list file (bounded); it is verified when first used."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > DEFAULT_LIMITS.max_document_bytes:
                raise TrustListError(
                    f"{path} is larger than {DEFAULT_LIMITS.max_document_bytes} bytes"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise TrustListError(f"cannot read the trust list {path}: {exc.strerror}") from None
        return cls(data, anchor)

    def __repr__(self) -> str:
        return f"TrustList(anchor={self.anchor!r})"

    def verified(
        self,
        *,
        now: datetime | str | None = None,
        loader: DocumentLoader | None = None,
        resolver: DidResolver | None = None,
        status: StatusCheck | None = None,
        check_status: bool = True,
    ) -> tuple[VerificationResult, dict[str, TrustedIssuer]]:
        """The list's own verification result and, when it verified, its institutions by DID
        (empty when it did not)."""
        key = (id(loader), id(resolver), id(status), check_status)
        when = now if isinstance(now, datetime) else None
        with self._lock:
            last = self._last
        if last is not None and when is not None and last.reusable(key, when):
            return last.result, last.entries
        policy = VerifierPolicy(
            trusted_issuers=frozenset({self.anchor}), required_types=frozenset({TRUST_LIST_TYPE})
        )
        result = verify(self.document, now=now, loader=loader, resolver=resolver, policy=policy,
                        status=status, check_status=check_status)  # fmt: skip
        entries: dict[str, TrustedIssuer] = {}
        if result.verified and result.view is not None:
            try:
                entries = _entries_of(result.view)
            except TrustListError as exc:
                result.add(exc.code, exc.message, "credentialSubject")
        with self._lock:
            self._last = _Verdict(key, when, result, entries, _boundaries(result))
        return result, entries

    def check_issuer(
        self,
        view: CredentialView,
        *,
        now: datetime,
        loader: DocumentLoader,
        resolver: DidResolver,
        status: StatusCheck | None,
        check_status: bool,
    ) -> TrustOutcome:
        """Whether the credential's signed issuer is on the verified list and may issue the
        credential's kind of waardepapier (read from its verified view)."""
        result, entries = self.verified(
            now=now, loader=loader, resolver=resolver, status=status, check_status=check_status
        )
        if not result.verified:
            codes = ", ".join(dict.fromkeys(result.codes)) or "no verified proof"
            listed = result.view.id if result.view is not None else None
            return TrustOutcome(
                problems=(
                    Problem(
                        "trust_list_invalid",
                        f"the trust list {(listed or '')[:120]} does not verify with the pinned "
                        f"trust anchor {self.anchor[:120]} ({codes[:300]}), so no issuer is "
                        "trusted",
                        "issuer",
                    ),
                ),
                warnings=tuple(result.warnings),
            )
        issuer = view.issuer
        entry = entries.get(issuer) if issuer is not None else None
        if entry is None:
            return TrustOutcome(
                problems=(
                    Problem(
                        "issuer_not_on_trust_list",
                        f"the issuer {(issuer or '(none)')[:120]} is not on the trust list of "
                        f"{self.anchor[:120]}",
                        "issuer",
                    ),
                ),
                warnings=tuple(result.warnings),
            )
        mismatch = _identifier_mismatch(view, entry)
        if mismatch is not None:
            return TrustOutcome(entry, (mismatch,), warnings=tuple(result.warnings))
        kind = waardepapier_kind(view)
        problems: tuple[Problem, ...] = ()
        if kind is None or kind not in entry.types:
            what = f"this {kind}" if kind else "a credential that is not a waardepapier"
            problems = (
                Problem(
                    "type_not_allowed_for_issuer",
                    f"the trust list lets {entry.name or entry.id} issue "
                    f"{', '.join(entry.types) or 'nothing'}, not {what}",
                    "credentialSubject.achievement.achievementType",
                ),
            )
        return TrustOutcome(entry, problems, warnings=tuple(result.warnings))
