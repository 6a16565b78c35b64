"""The W3C Verifiable Credentials envelope (VC DM 2.0; VC 1.1 members read as well)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from mbo_vc.models.base import DateTimeStr, OBModel, TypeValue, as_list

__all__ = [
    "VC_V1",
    "VC_V2",
    "CredentialSchema",
    "CredentialStatus",
    "Proof",
    "RefreshService",
    "TermsOfUse",
    "VerifiableCredential",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"


class Proof(OBModel):
    """An embedded proof (Data Integrity); kept member for member."""

    type: TypeValue
    cryptosuite: str | None = None
    created: DateTimeStr | None = None
    verification_method: str | None = None
    proof_purpose: str | None = None
    proof_value: str | None = None
    id: str | None = None
    previous_proof: str | list[str] | None = None


class CredentialStatus(OBModel):
    """``credentialStatus`` (BitstringStatusListEntry, 1EdTechRevocationList …)."""

    type: TypeValue
    id: str | None = None


class CredentialSchema(OBModel):
    """``credentialSchema`` (e.g. ``1EdTechJsonSchemaValidator2019``)."""

    id: str
    type: TypeValue


class RefreshService(OBModel):
    """``refreshService``."""

    id: str | None = None
    type: TypeValue


class TermsOfUse(OBModel):
    """``termsOfUse``."""

    id: str | None = None
    type: TypeValue


class VerifiableCredential(OBModel):
    """A verifiable credential (VC DM 2.0 envelope). ``credential_subject`` is left untyped here;
    :class:`~mbo_vc.models.obv3.OpenBadgeCredential` narrows it.

    VC 1.1 credentials (``issuanceDate``/``expirationDate``, the credentials/v1 context) parse too;
    :attr:`is_v1` tells them apart.
    """

    _always_set = ("type", "context")

    context: str | list[str | dict[str, Any]] = Field(alias="@context")
    id: str | None = None
    type: TypeValue = Field(default_factory=lambda: ["VerifiableCredential"])
    name: str | None = None
    description: str | None = None
    issuer: Any = None
    valid_from: DateTimeStr | None = None
    valid_until: DateTimeStr | None = None
    issuance_date: DateTimeStr | None = None
    expiration_date: DateTimeStr | None = None
    credential_subject: Any = None
    credential_status: CredentialStatus | list[CredentialStatus] | None = None
    credential_schema: CredentialSchema | list[CredentialSchema] | None = None
    refresh_service: RefreshService | list[RefreshService] | None = None
    terms_of_use: TermsOfUse | list[TermsOfUse] | None = None
    evidence: Any = None
    proof: Proof | list[Proof] | None = None

    @model_validator(mode="after")
    def _check_envelope(self) -> VerifiableCredential:
        ctx = as_list(self.context)
        if not ctx or ctx[0] not in (VC_V2, VC_V1):
            raise ValueError(f"the first @context must be {VC_V2} (or {VC_V1} for VC 1.1)")
        if "VerifiableCredential" not in self.types:
            raise ValueError("type must include VerifiableCredential")
        return self

    @property
    def is_v1(self) -> bool:
        """True for a VC 1.1-era credential (credentials/v1 context)."""
        return as_list(self.context)[0] == VC_V1

    @property
    def issuer_id(self) -> str | None:
        """The issuer's id (``issuer`` may be a URL or an object with ``id``)."""
        issuer = self.issuer
        if isinstance(issuer, str):
            return issuer
        value = getattr(issuer, "id", None)
        if value is None and isinstance(issuer, dict):
            value = issuer.get("id")
        return value if isinstance(value, str) else None

    @property
    def proofs(self) -> list[Proof]:
        """The proofs as a list."""
        return as_list(self.proof)
