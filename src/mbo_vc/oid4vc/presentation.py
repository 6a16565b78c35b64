"""OpenID for Verifiable Presentations 1.0: the Authorization Request and response validation.

:func:`authorization_request` builds the request (``client_id``, a fresh ``nonce`` and
``state``, ``response_mode`` ``direct_post``, a DCQL query). :func:`validate_authorization_response`
checks what the wallet posted back: ``state``; the ``vp_token`` shape (an object whose keys
are the query's credential ids, each an array of presentations, one unless ``multiple``);
that every required credential (``credential_sets``) is there and nothing else; and each
presentation through the *verifier the caller gives for its format*. The verifier reports
what it verified (:class:`PresentationCheck`: the holder binding's nonce and audience, the
type, the claims); this module then holds that to the request: nonce = the request's nonce,
audience = ``client_id``, ``vct_values``/``type_values``, the claims query.

Formats: ``dc+sd-jwt`` (:func:`mbo_vc_sd_jwt_verifier`: :func:`mbo_vc.verify` of the SD-JWT VC
with its KB-JWT), ``ldp_vc`` / ``jwt_vc_json`` (:func:`mbo_vc_presentation_verifier`:
:func:`mbo_vc.verify_presentation`).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mbo_vc.errors import (
    AuthorizationRequestError,
    DcqlQueryError,
    MboVcError,
    UsageError,
    VpTokenError,
)
from mbo_vc.oid4vc.dcql import W3C_FORMATS, select_claims, validate_dcql_query
from mbo_vc.oid4vc.issuance import FORMAT_SD_JWT_VC
from mbo_vc.result import Problem
from mbo_vc.sd_jwt import is_sd_jwt, parse
from mbo_vc.verifier import verify, verify_presentation

__all__ = [
    "AuthorizationResponseResult",
    "PresentationCheck",
    "PresentationContext",
    "PresentationVerifier",
    "authorization_request",
    "mbo_vc_presentation_verifier",
    "mbo_vc_sd_jwt_verifier",
    "validate_authorization_response",
]

_URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]{1,512}$")
_MAX_PRESENTATIONS = 64


@dataclass(frozen=True)
class PresentationContext:
    """What a format's verifier needs to check one presentation."""

    nonce: str
    client_id: str
    """The audience the holder binding must name (the KB-JWT's ``aud``, a proof's ``domain``)."""
    query: Mapping[str, Any]
    """The DCQL credential query this presentation answers."""
    now: datetime


@dataclass
class PresentationCheck:
    """What a format's verifier found for one presentation (its own result, in common terms).

    ``verified``: the presentation and its credential verified (signature, validity, status …);
    ``problems``: why not. ``nonce``/``audience``: the values the *verified* holder binding
    carries (None when there is none); ``claims``: the credential's verified (for SD-JWT:
    disclosed) claims as JSON, or None when the verifier does not expose them; ``vct`` /
    ``types``: the credential's type (SD-JWT VC ``vct``; expanded W3C type IRIs).
    """

    verified: bool
    problems: list[Problem] = field(default_factory=list)
    nonce: str | None = None
    audience: str | Sequence[str] | None = None
    claims: Mapping[str, Any] | None = None
    vct: str | None = None
    types: tuple[str, ...] = ()
    issuer: str | None = None
    detail: Any = None
    """The verifier's own result object (e.g. a :class:`~mbo_vc.PresentationResult`)."""


PresentationVerifier = Callable[[Any, PresentationContext], PresentationCheck]
"""Verifies one presentation of one format: ``(presentation, context) -> PresentationCheck``."""


@dataclass
class AuthorizationResponseResult:
    """What :func:`validate_authorization_response` found: ``verified`` only when the response
    as a whole and every presentation in it passed."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    presentations: dict[str, list[PresentationCheck]] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        """True when nothing failed and at least one presentation verified."""
        return not self.problems and any(self.presentations.values())

    @property
    def codes(self) -> list[str]:
        """The problems' codes, in order."""
        return [p.code for p in self.problems]


def authorization_request(
    *,
    client_id: str,
    dcql_query: Mapping[str, Any],
    response_uri: str | None = None,
    redirect_uri: str | None = None,
    response_mode: str = "direct_post",
    nonce: str | None = None,
    state: str | None = None,
    client_metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An OID4VP Authorization Request (§5) with a fresh ``nonce`` and ``state``.

    ``direct_post`` (the default) needs ``response_uri``, where the wallet posts the response;
    other modes take ``redirect_uri``. Keep the returned request: the response is validated
    against it.
    """
    if not isinstance(client_id, str) or not client_id:
        raise AuthorizationRequestError("client_id must be a non-empty string")
    try:
        query = validate_dcql_query(dcql_query)
    except DcqlQueryError as exc:
        raise AuthorizationRequestError(f"dcql_query: {exc.message}") from None
    nonce = nonce if nonce is not None else secrets.token_urlsafe(24)
    state = state if state is not None else secrets.token_urlsafe(16)
    for name, value in (("nonce", nonce), ("state", state)):
        if not isinstance(value, str) or not _URL_SAFE.match(value):
            raise AuthorizationRequestError(f"{name} must be ASCII URL-safe characters")
    request: dict[str, Any] = {
        "response_type": "vp_token",
        "response_mode": response_mode,
        "client_id": client_id,
        "nonce": nonce,
        "state": state,
        "dcql_query": query,
    }
    if response_mode.startswith("direct_post"):
        if not isinstance(response_uri, str) or not response_uri.startswith("https://"):
            raise AuthorizationRequestError("direct_post needs an https response_uri")
        if redirect_uri is not None:
            raise AuthorizationRequestError("direct_post takes response_uri, not redirect_uri")
        request["response_uri"] = response_uri
    elif redirect_uri is not None:
        request["redirect_uri"] = redirect_uri
    if client_metadata is not None:
        request["client_metadata"] = dict(client_metadata)
    return request


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _vp_token(response: Mapping[str, Any]) -> dict[str, list[Any]]:
    token = response.get("vp_token")
    if isinstance(token, str):  # form-encoded direct_post carries it as JSON text
        try:
            token = json.loads(token)
        except (ValueError, RecursionError):
            raise VpTokenError("vp_token is not JSON") from None
    if not isinstance(token, Mapping) or not token:
        raise VpTokenError("vp_token must be a non-empty JSON object keyed by credential query id")
    out: dict[str, list[Any]] = {}
    for key, value in token.items():
        if not isinstance(value, list) or not value or len(value) > _MAX_PRESENTATIONS:
            raise VpTokenError(
                f"vp_token[{str(key)[:60]!r}] must be a non-empty array of presentations"
            )
        out[str(key)] = list(value)
    return out


def _required_ids(query: Mapping[str, Any], present: set[str]) -> tuple[set[str], list[str]]:
    """(ids that may appear, problems with credential_sets)."""
    all_ids = {cq["id"] for cq in query["credentials"]}
    sets = query.get("credential_sets")
    if not sets:
        missing = sorted(all_ids - present)
        return all_ids, [f"the vp_token has no presentation for {m!r}" for m in missing]
    problems = []
    for k, cs in enumerate(sets):
        satisfied = any(set(option) <= present for option in cs["options"])
        if cs.get("required", True) and not satisfied:
            options = " or ".join("+".join(o) for o in cs["options"])
            problems.append(f"credential_sets[{k}] is required: the vp_token has none of {options}")
    return all_ids, problems


def _audience_ok(audience: str | Sequence[str] | None, client_id: str) -> bool:
    if isinstance(audience, str):
        return audience == client_id
    return isinstance(audience, Sequence) and list(audience) == [client_id]


def _match_query(
    check: PresentationCheck, cq: Mapping[str, Any], where: str, result: AuthorizationResponseResult
) -> None:
    meta = cq.get("meta") or {}
    if cq["format"] == FORMAT_SD_JWT_VC and check.vct not in meta.get("vct_values", []):
        result.problems.append(
            Problem(
                "credential_query_mismatch",
                f"the credential's vct {str(check.vct)[:100]!r} is not one of the query's "
                "vct_values",
                where,
            )
        )
    if cq["format"] in W3C_FORMATS:
        options = meta.get("type_values", [])
        if not any(set(option) <= set(check.types) for option in options):
            result.problems.append(
                Problem(
                    "credential_query_mismatch",
                    "the credential's types match none of the query's type_values",
                    where,
                )
            )
    claims = cq.get("claims")
    if not claims:
        return
    if check.claims is None:
        result.warnings.append(
            Problem(
                "claims_not_checked",
                f"the {cq['format']} verifier reports no claims: the claims query was not checked",
                where,
            )
        )
        return

    def satisfied(claim: Mapping[str, Any]) -> bool:
        values = select_claims(check.claims, claim["path"])
        if values is None:
            return False
        wanted = claim.get("values")
        return wanted is None or any(type(v) is type(w) and v == w for v in values for w in wanted)

    by_id = {c.get("id"): c for c in claims}
    sets = cq.get("claim_sets")
    if sets:
        ok = any(all(satisfied(by_id[i]) for i in option) for option in sets)
        missing = [] if ok else ["no claim_sets option"]
    else:
        missing = [json.dumps(c["path"]) for c in claims if not satisfied(c)]
    if missing:
        result.problems.append(
            Problem(
                "credential_query_mismatch",
                "the presentation does not disclose the requested claim(s): "
                f"{', '.join(missing)[:300]}",
                where,
            )
        )


def validate_authorization_response(
    response: object,
    request: Mapping[str, Any],
    verifiers: Mapping[str, PresentationVerifier],
    *,
    now: datetime | None = None,
) -> AuthorizationResponseResult:
    """Validate an OID4VP response (§8, §8.6) against the ``request`` it answers. Never raises.

    ``verifiers`` maps a credential format (``dc+sd-jwt``, ``ldp_vc``, ``jwt_vc_json`` …) to
    its :data:`PresentationVerifier`; a format without one is ``format_not_supported``.
    """
    result = AuthorizationResponseResult()
    try:
        _validate(response, request, verifiers, _aware(now), result)
    except MboVcError as exc:
        result.problems.append(Problem(exc.code, exc.message))
    except Exception as exc:  # a wallet's bytes or a caller's verifier must not crash us
        result.problems.append(
            Problem(
                "invalid_vp_token", f"the response could not be validated ({type(exc).__name__})"
            )
        )
    return result


def _validate(
    response: object,
    request: Mapping[str, Any],
    verifiers: Mapping[str, PresentationVerifier],
    clock: datetime,
    result: AuthorizationResponseResult,
) -> None:
    if not isinstance(request, Mapping) or not isinstance(request.get("nonce"), str):
        raise AuthorizationRequestError("request must be the Authorization Request that was sent")
    query = validate_dcql_query(request.get("dcql_query"))
    nonce, client_id = request["nonce"], request.get("client_id")
    if not isinstance(client_id, str):
        raise AuthorizationRequestError("the request has no client_id")
    if not isinstance(response, Mapping):
        raise VpTokenError("the Authorization Response must be an object of its parameters")
    if "error" in response:
        raise VpTokenError(f"the wallet answered with error {str(response.get('error'))[:80]!r}")
    if request.get("state") is not None or response.get("state") is not None:
        if response.get("state") != request.get("state"):
            result.problems.append(
                Problem("state_mismatch", "the response's state is not the request's", "state")
            )
            return
    token = _vp_token(response)
    queries = {cq["id"]: cq for cq in query["credentials"]}
    allowed, set_problems = _required_ids(query, set(token))
    for text in set_problems:
        result.problems.append(Problem("credential_missing", text, "vp_token"))
    for key in token:
        if key not in allowed:
            result.problems.append(
                Problem(
                    "credential_unexpected",
                    f"the query asked for no credential {key[:60]!r}",
                    "vp_token",
                )
            )
    for key, items in token.items():
        if key not in queries:
            continue
        cq = queries[key]
        if len(items) > 1 and not cq.get("multiple", False):
            result.problems.append(
                Problem(
                    "credential_unexpected",
                    f"{len(items)} presentations for {key!r}, which is not multiple",
                    f"vp_token.{key}",
                )
            )
            continue
        verifier = verifiers.get(cq["format"])
        if verifier is None:
            result.problems.append(
                Problem(
                    "format_not_supported",
                    f"no verifier was given for format {cq['format'][:40]!r}",
                    f"vp_token.{key}",
                )
            )
            continue
        checks: list[PresentationCheck] = []
        ctx = PresentationContext(nonce, client_id, cq, clock)
        for i, item in enumerate(items):
            where = f"vp_token.{key}[{i}]"
            try:
                check = verifier(item, ctx)
            except Exception as exc:  # a caller's verifier failing is a failed presentation
                text = exc.message if isinstance(exc, MboVcError) else type(exc).__name__
                result.problems.append(
                    Problem("presentation_invalid", f"the verifier failed: {text}", where)
                )
                continue
            if not isinstance(check, PresentationCheck):
                result.problems.append(
                    Problem("presentation_invalid", "the verifier returned no result", where)
                )
                continue
            if not check.verified:  # discarded (§8.6): its own problems say why
                detail = (
                    ", ".join(dict.fromkeys(p.code for p in check.problems)) or "no reason given"
                )
                result.problems.append(
                    Problem(
                        "presentation_invalid",
                        f"the presentation does not verify ({detail})",
                        where,
                    )
                )
                result.problems.extend(
                    Problem(p.code, p.message, f"{where}.{p.where}" if p.where else where)
                    for p in check.problems
                )
                continue
            holder_binding = cq.get("require_cryptographic_holder_binding", True)
            if holder_binding or check.nonce is not None:
                if check.nonce != nonce:
                    result.problems.append(
                        Problem(
                            "challenge_mismatch",
                            "the presentation's holder binding does not carry the request's nonce",
                            where,
                        )
                    )
                if not _audience_ok(check.audience, client_id):
                    result.problems.append(
                        Problem(
                            "domain_mismatch",
                            "the presentation's holder binding is not for this client_id",
                            where,
                        )
                    )
            _match_query(check, cq, where, result)
            checks.append(check)
        result.presentations[key] = checks


def mbo_vc_presentation_verifier(**options: Any) -> PresentationVerifier:
    """A :data:`PresentationVerifier` for ``ldp_vc`` and ``jwt_vc_json`` presentations (Data
    Integrity or ``vp+jwt``): :func:`mbo_vc.verify_presentation` with ``challenge`` = the
    request's nonce and ``domain`` = its ``client_id``. ``options`` go to it (``status``,
    ``resolver``, ``policy``, ``mbo_rules`` …): a waardepapier gets the mbo rules. It answers
    one credential per presentation; ``claims`` is None (claims queries are reported
    ``claims_not_checked``), ``types`` the expanded IRIs of the verified credential.
    """

    def check(presentation: Any, ctx: PresentationContext) -> PresentationCheck:
        result = verify_presentation(
            presentation, challenge=ctx.nonce, domain=ctx.client_id, now=ctx.now, **options
        )
        problems = list(result.problems)
        if len(result.credentials) != 1:
            problems.append(
                Problem(
                    "credential_unexpected",
                    f"a presentation answers one credential query with one credential, this has "
                    f"{len(result.credentials)}",
                )
            )
        verified = result.verified and not problems
        types: tuple[str, ...] = ()
        issuer = None
        if result.credentials and result.credentials[0].result.view is not None:
            view = result.credentials[0].result.view
            types, issuer = tuple(view.types), view.issuer
        bound = result.verified or not any(
            p.code in ("challenge_mismatch", "domain_mismatch", "invalid_signature")
            for p in result.presentation_problems
        )
        return PresentationCheck(
            verified,
            problems,
            nonce=ctx.nonce if bound and any(p.verified for p in result.proofs) else None,
            audience=ctx.client_id if bound and any(p.verified for p in result.proofs) else None,
            claims=None,
            types=types,
            issuer=issuer,
            detail=result,
        )

    return check


_SD_JWT_OWN = frozenset({"aud", "nonce", "now"})


def mbo_vc_sd_jwt_verifier(**options: Any) -> PresentationVerifier:
    """A :data:`PresentationVerifier` for ``dc+sd-jwt`` presentations: :func:`mbo_vc.verify` of
    the SD-JWT VC with ``nonce`` = the request's nonce and ``aud`` = its ``client_id`` (the KB-JWT
    must carry exactly these, signed by the credential's ``cnf`` key, fresh, over exactly the
    disclosures presented). ``options`` go to it: ``status`` (a
    :class:`~mbo_vc.status.token_checker.TokenStatusListChecker` or
    :class:`~mbo_vc.verification.status.StatusCheckers`), ``sd_jwt``
    (:class:`~mbo_vc.sd_jwt_vc.SdJwtVcOptions`), ``resolver``, ``policy``, ``check_status`` ….

    Reports the disclosed claims (the issuer-signed claims with the presented disclosures in
    place, as the verifier checked them) and the ``vct``. A query with
    ``require_cryptographic_holder_binding: false`` accepts a presentation without KB-JWT (then
    nonce and audience are None); one that carries a KB-JWT is always checked.
    """
    own = _SD_JWT_OWN & set(options)
    if own:
        raise UsageError(f"{', '.join(sorted(own))}: the request gives these (nonce, client_id)")

    def check(presentation: Any, ctx: PresentationContext) -> PresentationCheck:
        if not isinstance(presentation, str) or not is_sd_jwt(presentation):
            return PresentationCheck(False, [Problem(
                "invalid_vp_token", "a dc+sd-jwt presentation is a compact SD-JWT (a string)"
            )])  # fmt: skip
        binding = ctx.query.get("require_cryptographic_holder_binding", True)
        try:
            has_kb = parse(presentation).kb_jwt is not None
        except MboVcError as exc:
            return PresentationCheck(False, [Problem(exc.code, exc.message)])
        bind = binding or has_kb
        result = verify(presentation, now=ctx.now, aud=ctx.client_id if bind else None,
                        nonce=ctx.nonce if bind else None, **options)  # fmt: skip
        problems = list(result.problems)
        if result.format != FORMAT_SD_JWT_VC:
            problems.append(Problem("invalid_vp_token", "the presentation is not an SD-JWT VC"))
        claims = result.document if isinstance(result.document, Mapping) else None
        kb_ok = bind and any(p.type == "KB-JWT" and p.verified for p in result.proofs)
        vct = claims.get("vct") if claims is not None else None
        issuer = claims.get("iss") if claims is not None else None
        return PresentationCheck(
            result.verified and not problems,
            problems,
            nonce=ctx.nonce if kb_ok else None,
            audience=ctx.client_id if kb_ok else None,
            claims=claims,
            vct=vct if isinstance(vct, str) else None,
            issuer=issuer if isinstance(issuer, str) else None,
            detail=result,
        )

    return check
