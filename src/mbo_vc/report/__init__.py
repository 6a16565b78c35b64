"""The verification report: one structured account of a verification, for people and programs.

:func:`build_report` turns a :class:`~mbo_vc.result.VerificationResult` into a
:class:`VerificationReport`: who it is about, what it certifies, the issuer (as the trust list
names it, when one was used), the signers and their roles, the dates, the status as checked, and
each check with pass / fail / warning and a sentence in Dutch and English. A refused credential
says why at the top (:attr:`VerificationReport.reasons`, in words an employer understands); the
codes, the technical messages and what a developer can do about them stand only in the technical
part. The text and HTML forms are in one language each. What the report shows
as certified is read from the verified view (the signed RDF, compacted with the standard
contexts, never the input JSON) through the mbo model
(:func:`mbo_vc.mbo.waardepapier_from_credential`). ``mbo-vc verify`` prints it; ``--json`` gives
:meth:`VerificationReport.to_json`; ``--format html`` writes the page of :mod:`mbo_vc.render`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mbo_vc import vocab
from mbo_vc.display import clipped
from mbo_vc.errors import MboVcError
from mbo_vc.report.certified import certified_json
from mbo_vc.report.facts import Fact, ResultLine, facts_of, image_of
from mbo_vc.report.texts import ADVICE, CHECK_FALLBACK, CHECK_NAMES, CHECK_TEXTS, Text, code_text
from mbo_vc.result import Problem, ProofResult, VerificationResult, check_of
from mbo_vc.verification import RequiredSigner
from mbo_vc.verifier import apply_mbo_rules_once

if TYPE_CHECKING:
    from mbo_vc.mbo import Waardepapier

__all__ = [
    "CheckLine",
    "Fact",
    "IssuerLine",
    "ResultLine",
    "SignerLine",
    "StatusLine",
    "Text",
    "VerificationReport",
    "build_report",
]

Outcome = Literal["pass", "fail", "warning"]

_CHECK_OF_FINDING = {
    "schema_invalid": "credential_schema",
    "schema_not_checked": "credential_schema",
    "related_resource_not_checked": "structure",
    "related_resource_digest_mismatch": "structure",
    "status_not_checked": "status",
    "status_policy_relaxed": "status",
    "status_unavailable": "status",
    "missing_signer": "signers",
    "proof_chain_broken": "signers",
    "missing_type": "required_types",
    "dropped_term": "structure",
    "invalid_context": "structure",
    "missing_subject": "structure",
    "invalid_validity_period": "structure",
    "invalid_field": "structure",
}


def _check_of(code: str) -> str:
    return _CHECK_OF_FINDING.get(code) or check_of(code)


@dataclass(frozen=True)
class IssuerLine:
    """The issuer: its id as signed, the name it gives itself, and the trust list's name."""

    id: str | None
    name: str | None
    """The name the credential gives the issuer (self-declared: not a proof of who it is)."""
    brin: str | None
    oin: str | None
    trusted_name: str | None
    """The issuer's name as the verifier's trust list gives it (None: no trust list entry)."""
    trusted_brin: str | None
    trusted_oin: str | None
    text: Text

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id, "name": self.name, "brin": self.brin, "oin": self.oin,
            "trustList": None if self.trusted_name is None else {
                "name": self.trusted_name, "brin": self.trusted_brin, "oin": self.trusted_oin,
            },
            "text": self.text.to_json(),
        }  # fmt: skip


@dataclass(frozen=True)
class SignerLine:
    """One proof: who signed, in which role, when, and whether the signature verified."""

    role: Text
    role_checked: bool
    """True when the role was established by a check (the issuer's key, a required signer)."""
    verification_method: str | None
    controller: str | None
    cryptosuite: str | None
    created: str | None
    verified: bool

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "role": self.role.to_json(), "roleChecked": self.role_checked,
            "verificationMethod": self.verification_method, "controller": self.controller,
            "cryptosuite": self.cryptosuite, "created": self.created, "verified": self.verified,
        }  # fmt: skip


@dataclass(frozen=True)
class StatusLine:
    """One ``credentialStatus`` entry as checked."""

    purpose: str | None
    outcome: Outcome
    text: Text
    detail: str
    """The technical account (English; the report's technical part)."""
    list_credential: str | None = None
    index: int | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"purpose": self.purpose, "outcome": self.outcome, "text": self.text.to_json(),
                "detail": self.detail, "statusListCredential": self.list_credential,
                "statusListIndex": self.index}  # fmt: skip


@dataclass(frozen=True)
class CheckLine:
    """One check: its outcome, a sentence for people, and the findings behind it."""

    name: str
    outcome: Outcome
    title: Text
    text: Text
    findings: tuple[tuple[Problem, Text], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name, "outcome": self.outcome, "title": self.title.to_json(),
            "text": self.text.to_json(),
            "findings": [{**p.to_json(), "text": t.to_json()} for p, t in self.findings],
        }  # fmt: skip


@dataclass
class VerificationReport:
    """What a verification found, arranged for people (see :func:`build_report`)."""

    verified: bool
    verdict: Text
    format: str
    credential_id: str | None
    kind: str | None
    """The waardepapier (``mbo-diploma``, ``mbo-certificaat``, ``mbo-verklaring``,
    ``microcredential``), None for another credential."""
    title: str | None
    types: list[str]
    subject: list[Fact] = field(default_factory=list)
    certifies: list[Fact] = field(default_factory=list)
    results: list[ResultLine] = field(default_factory=list)
    issuer: IssuerLine | None = None
    signers: list[SignerLine] = field(default_factory=list)
    dates: list[Fact] = field(default_factory=list)
    status: list[StatusLine] = field(default_factory=list)
    checks: list[CheckLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    image: str | None = None
    """The achievement's image when it is a ``data:`` URI of an image type (never fetched)."""
    reasons: list[Text] = field(default_factory=list)
    """Why a refused credential is refused, in words an employer understands (the most
    telling first); empty when it verified."""
    checks_run: list[str] = field(default_factory=list)
    """The names of the checks the verifier ran (the technical part)."""

    def to_json(self) -> dict[str, Any]:
        """JSON form (``mbo-vc verify --json``: the ``report`` member)."""
        return {
            "verified": self.verified,
            "verdict": self.verdict.to_json(),
            "format": self.format,
            "id": self.credential_id,
            "kind": self.kind,
            "title": self.title,
            "type": list(self.types),
            "subject": [f.to_json() for f in self.subject],
            "certifies": [f.to_json() for f in self.certifies],
            "results": [r.to_json() for r in self.results],
            "issuer": self.issuer.to_json() if self.issuer else None,
            "signers": [s.to_json() for s in self.signers],
            "dates": [f.to_json() for f in self.dates],
            "status": [s.to_json() for s in self.status],
            "checks": [c.to_json() for c in self.checks],
            "reasons": [t.to_json() for t in self.reasons],
        }

    def to_text(self, lang: str = "nl", *, technical: bool = True) -> str:
        """The report as plain text in ``lang`` (``nl`` or ``en``) and only in it: the verdict
        and, for a refused credential, why; what it certifies; the signers, status and checks;
        then (``technical``) the codes and what a developer can do about them. Every line is
        one line: a control or bidi character from the credential is shown as an escape, and
        only the verdict begins at the start of a line without a label of the report's own; a
        line longer than :data:`~mbo_vc.display.SHOWN_LIMIT` characters is cut, visibly."""
        w = _WORDS[lang if lang in _WORDS else "nl"]
        lines = [self.verdict.get(lang)]
        lines += [f"{w['reason']}: {t.get(lang)}" for t in self.reasons]
        lines.append("")
        if self.title:  # (labelled: a title cannot stand where the verdict stands)
            lines.append(f"{w['document']}: {self.title}")
        for heading, facts in ((w["about"], self.subject), (w["certifies"], self.certifies),
                               (w["dates"], self.dates)):  # fmt: skip
            if facts:
                lines.append(f"{heading}:")
                lines += [f"  {f.label.get(lang)}: {f.get(lang)}" for f in facts]
        if self.results:
            lines.append(f"{w['results']}:")
            for r in self.results:
                failed = "" if r.behaald else f" ({w['not_passed']})"
                lines.append(f"  {r.code} {r.naam}: {r.waarde or '-'}{failed}")
        if self.issuer is not None:
            lines.append(f"{w['issuer']}: {self.issuer.text.get(lang)}")
        if self.signers:
            lines.append(f"{w['signed_by']}:")
            for s in self.signers:
                ok = w["sig_ok"] if s.verified else w["sig_bad"]
                lines.append(f"  {s.role.get(lang)}: {s.controller or s.verification_method} "
                             f"({s.cryptosuite}, {s.created or '-'}; {ok})")  # fmt: skip
        if self.status:
            lines.append("Status:")
            lines += [f"  {s.text.get(lang)}" for s in self.status]
        lines.append(f"{w['checks']}:")
        mark = {"pass": "ok", "fail": w["fail"], "warning": "!"}
        for c in self.checks:
            lines.append(f"  [{mark[c.outcome]}] {c.title.get(lang)}: {c.text.get(lang)}")
            more = dict.fromkeys(t.get(lang) for _, t in c.findings)
            lines += [f"      {t}" for t in more if t != c.text.get(lang)]
        if technical:
            lines += ["", *self.technical_lines(lang)]
        return "\n".join(clipped(line, lang=w["lang"]) for line in lines)

    def technical_lines(self, lang: str = "nl") -> list[str]:
        """The technical part, for developers: format, id, the checks run, each status entry,
        each problem and warning with its code (and, in English, mbo_vc's own message), and
        what a developer can do about them. In ``lang`` only: the messages of mbo_vc are in
        English, so the Dutch part names the code and its Dutch sentence, and says where to
        get the messages."""
        w = _WORDS[lang if lang in _WORDS else "nl"]
        en = lang == "en"
        lines = [f"{w['technical']}:", f"  {w['format']}: {self.format}"]
        if self.credential_id:
            lines.append(f"  id: {self.credential_id}")
        lines.append(f"  {w['checks_run']}: {', '.join(self.checks_run) or '-'}")
        for st in self.status:
            if en:
                lines.append(f"  status: {st.detail}")
            else:
                where = f" {st.list_credential} index {st.index}" if st.list_credential else ""
                lines.append(f"  status {st.purpose or '-'}:{where}: {st.text.nl}")
        findings = [(p, False) for p in self.problems] + [(p, True) for p in self.warnings]
        for p, warning in findings:
            where = f" [{p.where}]" if p.where else ""
            prefix = w["warning"] + " " if warning else w["error"]
            said = p.message if en else code_text(p.code).nl
            lines.append(f"  {prefix}{p.code}{where}: {said}")
        for code in dict.fromkeys(p.code for p, _ in findings):
            if code in ADVICE:
                lines.append(f"  {w['advice']} {code}: {ADVICE[code].get(lang)}")
        if findings and not en:
            lines.append("  De meldingen van mbo_vc zelf (in het Engels): mbo-vc verify BESTAND "
                         "--lang en, of --json.")  # fmt: skip
        return lines


_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "reason": "Reden", "about": "Over", "certifies": "Verklaart", "dates": "Data",
        "results": "Resultaten", "not_passed": "niet behaald", "issuer": "Uitgever",
        "signed_by": "Ondertekend door", "sig_ok": "handtekening klopt",
        "sig_bad": "handtekening klopt NIET", "checks": "Controles", "fail": "FOUT",
        "technical": "Technische gegevens (voor ontwikkelaars)", "format": "formaat",
        "checks_run": "uitgevoerde controles", "warning": "waarschuwing", "error": "fout ",
        "advice": "advies bij", "document": "Document", "lang": "nl",
    },
    "en": {
        "reason": "Reason", "about": "About", "certifies": "Certifies", "dates": "Dates",
        "results": "Results", "not_passed": "not passed", "issuer": "Issuer",
        "signed_by": "Signed by", "sig_ok": "signature verifies",
        "sig_bad": "signature does NOT verify", "checks": "Checks", "fail": "FAIL",
        "technical": "Technical details (for developers)", "format": "format",
        "checks_run": "checks", "warning": "warning", "error": "", "advice": "advice on",
        "document": "Document", "lang": "en",
    },
}  # fmt: skip
"""The report's own words, per language."""


def _trust_attr(entry: Any, *names: str) -> str | None:
    for name in names:
        value = entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _issuer_line(result: VerificationResult, paper: Any, trusted: Any) -> IssuerLine:
    issuer_id = _issuer_of(result)
    school = getattr(paper, "instelling", None)
    name = getattr(school, "naam", None)
    name = None if name == issuer_id else name
    tname = _trust_attr(trusted, "name", "naam") if trusted is not None else None
    tbrin = _trust_attr(trusted, "brin", "BRIN") if trusted is not None else None
    toin = _trust_attr(trusted, "oin", "OIN") if trusted is not None else None
    own_ids = {"BRIN": getattr(school, "brin", None), "OIN": getattr(school, "oin", None)}
    listed_ids = {"BRIN": tbrin, "OIN": toin}
    differ = [k for k, v in own_ids.items() if v and listed_ids[k] and v != listed_ids[k]]
    if tname is not None and (differ or "issuer_identifier_mismatch" in result.codes):
        # never both codes side by side as if both were confirmed
        pairs = "; ".join(f"{k} {listed_ids[k]} ≠ {own_ids[k]}" for k in differ)
        shown = f" ({pairs})" if pairs else ""
        text = Text(
            f"{tname} staat op de vertrouwenslijst, maar de uitgever noemt zich in het document "
            f"met een andere BRIN of OIN dan de lijst{shown}: wie de uitgever is, is niet "
            "bevestigd.",
            f"{tname} is on the trust list, but the document gives the issuer another BRIN or "
            f"OIN than the list{shown}: who the issuer is has not been confirmed.",
        )
    elif tname is not None:
        ids = ", ".join(
            x for x in (f"BRIN {tbrin}" if tbrin else "", f"OIN {toin}" if toin else "") if x
        )
        extra = f" ({ids})" if ids else ""
        text = Text(f"{tname}{extra}, zoals de vertrouwenslijst de uitgever noemt.",
                    f"{tname}{extra}, as the trust list names the issuer.")  # fmt: skip
    elif "untrusted_issuer" in result.codes:
        text = Text("De uitgever staat niet op de vertrouwenslijst van de controleur.",
                    "The issuer is not on the verifier's trust list.")  # fmt: skip
    else:
        own = f" De uitgever noemt zich zelf “{name}”." if name else ""
        own_en = f" The issuer calls itself “{name}”." if name else ""
        text = Text(
            "Niet op een vertrouwenslijst gevonden, of er is geen vertrouwenslijst gebruikt: "
            f"wie de uitgever is, is niet bevestigd.{own}",
            "Not found on a trust list, or no trust list was used: who the issuer is has not "
            f"been confirmed.{own_en}",
        )
    return IssuerLine(
        id=issuer_id, name=name, brin=getattr(school, "brin", None),
        oin=getattr(school, "oin", None), trusted_name=tname, trusted_brin=tbrin,
        trusted_oin=toin, text=text,
    )  # fmt: skip


_ROLES = {
    "examencommissie": Text("examencommissie", "examination board (examencommissie)"),
    "bevoegd gezag": Text(
        "bevoegd gezag (uitgever)", "competent authority (bevoegd gezag, issuer)"
    ),
}


def _signer_line(
    proof: ProofResult, issuer: str | None, signers: Sequence[RequiredSigner], mbo: bool
) -> SignerLine:
    role: Text | None = None
    for signer in signers:
        if proof.verified and signer.made(proof, issuer):
            role = _ROLES.get(signer.role, Text(signer.role, signer.role))
            break
    checked = role is not None
    if role is None and issuer is not None and proof.controller == issuer:
        role = _ROLES["bevoegd gezag"] if mbo else Text("uitgever", "issuer")
        checked = proof.verified
    if role is None:
        role = Text("andere ondertekenaar (rol niet gecontroleerd)",
                    "other signer (role not checked)")  # fmt: skip
    return SignerLine(
        role=role, role_checked=checked, verification_method=proof.verification_method,
        controller=proof.controller, cryptosuite=proof.cryptosuite or proof.type,
        created=proof.created, verified=proof.verified,
    )  # fmt: skip


def _status_lines(result: VerificationResult) -> list[StatusLine]:
    out = []
    for s in result.status:
        if s.problem is not None:
            out.append(StatusLine(s.purpose, "fail", code_text(s.problem.code), s.summary(),
                                  s.list_credential, s.index))  # fmt: skip
        elif s.status is None:
            code = s.warning.code if s.warning else "status_not_checked"
            out.append(StatusLine(s.purpose, "warning", code_text(code), s.summary(),
                                  s.list_credential, s.index))  # fmt: skip
        else:
            text = {
                "revocation": Text("Niet ingetrokken (gecontroleerd bij de statuslijst).",
                                   "Not revoked (checked against the status list)."),
                "suspension": Text("Niet geschorst (gecontroleerd bij de statuslijst).",
                                   "Not suspended (checked against the status list)."),
            }.get(s.purpose or "", Text("Status gecontroleerd.", "Status checked."))  # fmt: skip
            out.append(StatusLine(s.purpose, "pass", text, s.summary(), s.list_credential,
                                  s.index))  # fmt: skip
    return out


def _check_lines(result: VerificationResult) -> list[CheckLine]:
    names = list(dict.fromkeys(result.checks))
    failed: dict[str, list[Problem]] = {}
    warned: dict[str, list[Problem]] = {}
    for p in result.problems:
        failed.setdefault(_check_of(p.code), []).append(p)
    for w in result.warnings:
        warned.setdefault(_check_of(w.code), []).append(w)
    if not result.proofs and "proofs" not in names:
        failed.setdefault("proofs", [])
    for name in [*failed, *warned]:
        if name not in names:
            names.append(name)
    out = []
    for name in names:
        title = CHECK_NAMES.get(name, Text("Overige controle", "Other check"))
        ok_text, fail_text = CHECK_TEXTS.get(name, CHECK_FALLBACK)
        found = failed.get(name, []) + warned.get(name, [])
        findings = tuple((p, code_text(p.code)) for p in found)
        if name in failed:
            outcome: Outcome = "fail"
            text = findings[0][1] if findings and failed[name] else fail_text
        elif name in warned:
            outcome, text = "warning", findings[0][1]
        else:
            outcome, text = "pass", ok_text
        out.append(CheckLine(name, outcome, title, text, findings))
    return out


_NOUNS = {
    "mbo-diploma": Text("Dit diploma", "This diploma"),
    "mbo-certificaat": Text("Dit certificaat", "This certificate"),
    "mbo-verklaring": Text("Deze verklaring", "This statement"),
    "microcredential": Text("Deze microcredential", "This microcredential"),
}
_REASONS = {  # (the most telling first; {nl}/{en}: the paper, "Dit diploma" / "This diploma")
    "revoked": Text("{nl} is ingetrokken door de school.", "{en} has been revoked by the school."),
    "suspended": Text("{nl} is (tijdelijk) geschorst door de school.",
                      "{en} has been suspended by the school."),
    "invalid_signature": Text(
        "{nl} is na ondertekening veranderd of vervalst: de handtekening past niet bij de inhoud.",
        "{en} was changed or forged after it was signed: the signature does not match the "
        "content."),
    "expired": Text("{nl} is verlopen.", "{en} has expired."),
    "not_yet_valid": Text("{nl} is nog niet ingegaan: de ingangsdatum ligt in de toekomst.",
                          "{en} is not in effect yet: its start date lies in the future."),
    "no_proof": Text("{nl} is niet ondertekend.", "{en} is not signed."),
    "status_unavailable": Text(
        "Of {nl_l} is ingetrokken, kon niet worden nagegaan; daarom is het niet goedgekeurd.",
        "Whether {en_l} was revoked could not be checked, so it is not accepted."),
}  # fmt: skip
_NO_PROOF = Text("Er is geen handtekening gevonden die klopt.",
                 "No signature that verifies was found.")  # fmt: skip


def _reasons(result: VerificationResult, kind: str | None) -> list[Text]:
    """Why ``result`` is refused, in employer words: the telling codes first, each sentence
    once, at most four."""
    if result.verified:
        return []
    noun = _NOUNS.get(kind or "", Text("Dit document", "This document"))
    words = {"nl": noun.nl, "en": noun.en, "nl_l": noun.nl.lower(), "en_l": noun.en.lower()}
    order = list(_REASONS)
    codes = sorted(dict.fromkeys(result.codes),
                   key=lambda c: order.index(c) if c in order else len(order))  # fmt: skip
    out: list[Text] = []
    for code in codes:
        text = _REASONS.get(code)
        text = Text(text.nl.format(**words), text.en.format(**words)) if text else code_text(code)
        if text not in out:
            out.append(text)
    return out[:4] or [_NO_PROOF]


def build_report(
    result: VerificationResult,
    *,
    signers: Sequence[RequiredSigner] = (),
    trusted_issuer: Any = None,
) -> VerificationReport:
    """The report of ``result``. ``signers`` (the policy's required signers, when one was used)
    name the roles of the proofs they made; ``trusted_issuer`` (or ``result.trusted_issuer``
    when the result carries one: an object or mapping with ``name``, ``brin``, ``oin``) is the
    issuer's entry on the verifier's trust list. The verdict is ``mbo_vc.verify``'s: a result
    that skipped the mbo rules (the bare pipeline) is reported with them applied (to a copy).
    Never raises for what the credential holds."""
    result = apply_mbo_rules_once(result, signers=signers)
    trusted = (
        trusted_issuer if trusted_issuer is not None else getattr(result, "trusted_issuer", None)
    )
    view = result.view
    certified = certified_json(view) if view is not None else None
    paper = _paper(certified) if view is not None else _paper_of_claims(result)

    facts = facts_of(paper, certified, view)
    verified = result.verified
    verdict = (
        Text("GELDIG: dit document is gecontroleerd en in orde.",
             "VALID: this document was checked and is in order.")
        if verified
        else Text("NIET GELDIG: vertrouw de inhoud van dit document niet.",
                  "NOT VALID: do not rely on the content of this document.")
    )  # fmt: skip
    issuer = _issuer_of(result)
    return VerificationReport(
        verified=verified,
        verdict=verdict,
        format=result.format,
        credential_id=view.id if view is not None else None,
        kind=facts.kind,
        title=facts.title,
        types=view.type_names if view is not None else [],
        subject=facts.subject,
        certifies=facts.certifies,
        results=facts.results,
        issuer=_issuer_line(result, paper, trusted),
        signers=[_signer_line(p, issuer, signers, paper is not None) for p in result.proofs],
        dates=facts.dates,
        status=_status_lines(result),
        checks=_check_lines(result),
        problems=list(result.problems),
        warnings=list(result.warnings),
        image=image_of(paper),
        reasons=_reasons(result, facts.kind),
        checks_run=list(dict.fromkeys(result.checks)),
    )


def _sd_jwt_vc_claims(result: VerificationResult) -> dict[str, Any] | None:
    """An SD-JWT VC has no JSON-LD view: its verified claims (signature and every disclosure
    checked, ``result.document``) are what it certifies."""
    if result.format == "dc+sd-jwt" and isinstance(result.document, dict):
        return result.document
    return None


def _issuer_of(result: VerificationResult) -> str | None:
    """The issuer as signed: the view's, or an SD-JWT VC's ``iss``."""
    if result.view is not None:
        return result.view.issuer
    iss = (_sd_jwt_vc_claims(result) or {}).get("iss")
    return iss if isinstance(iss, str) else None


def _paper_of_claims(result: VerificationResult) -> Waardepapier | None:
    """The mbo model's reading of an SD-JWT VC's verified claims (None when they are not a
    waardepapier's, or not all of them were disclosed)."""
    claims = _sd_jwt_vc_claims(result)
    if claims is None or not str(claims.get("vct", "")).startswith(vocab.MBO_IRI_BASE):
        return None
    from mbo_vc.mbo.sd_jwt_vc import waardepapier_from_claims

    try:
        return waardepapier_from_claims(claims)
    except (MboVcError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _mbo_terms(value: Any) -> bool:
    """Whether the compacted claims use a term of the mbo context (compacted, mbo_vc's IRIs
    appear as terms, not as IRIs): an ``MboAchievement`` type or an mbo member."""
    text = json.dumps(value)
    return any(term in text for term in _MBO_MARKERS)


_MBO_MARKERS = tuple(f'"{t}"' for t in (
    "MboAchievement", "crebo", "kwalificatiedossier", "kwalificatieCrebo", "keuzedeelCode",
    "niveau", "leerweg", "cohort", "uitslagdatum", "onderdeelSoort", "onderdeelCode",
    "leerbedrijf", "praktijkopleider", "bpvPeriode", "leeruitkomst",
))  # fmt: skip
"""The terms of the mbo context (contexts/mbo-vc-v1.jsonld), as compacted member names."""


def _paper(certified: dict[str, Any] | None) -> Waardepapier | None:
    """The mbo model's reading of the certified JSON (None when it is not a waardepapier). The
    mbo models (pydantic) are imported only for a credential that uses mbo_vc's IRIs."""
    if certified is None:
        return None
    claims = {k: v for k, v in certified.items() if k != "@context"}  # (the standard contexts)
    if vocab.MBO_IRI_BASE not in json.dumps(claims) and not _mbo_terms(claims):
        return None
    from mbo_vc.mbo import waardepapier_from_credential

    try:
        return waardepapier_from_credential(certified)
    except (MboVcError, ValueError, TypeError, KeyError, AttributeError):
        return None
