"""The four mbo waardepapieren as typed models, and their mapping to OBv3 credentials.

``MboDiploma``, ``MboCertificaat``, ``MboVerklaring`` (with an optional ``Praktijkverklaring``)
and ``Microcredential`` hold the facts in the sector's own words; ``to_credential()`` builds the
OBv3 :class:`~mbo_vc.models.OpenBadgeCredential` and ``from_credential()`` reads one back. The
mapping and its reasons are in docs/mbo-model.md. Invalid values raise
:class:`~mbo_vc.errors.ModelValidationError` with a message in the user's terms.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mbo_vc import vocab
from mbo_vc.models import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    VC_V2,
    Achievement,
    AchievementSubject,
    Alignment,
    CredentialSchema,
    CredentialStatus,
    Criteria,
    EndorsementCredential,
    Evidence,
    IdentifierEntry,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Result,
    ResultDescription,
    as_list,
)
from mbo_vc.models.base import validation_error

__all__ = [
    "MBO_CONTEXT",
    "MBO_EDUBADGES_CONTEXT",
    "OBV3_SCHEMA_URL",
    "SCHEMA_BASE",
    "Instelling",
    "Kwaliteitskader",
    "MboCertificaat",
    "MboDiploma",
    "MboVerklaring",
    "Microcredential",
    "Onderdeel",
    "Opleiding",
    "Praktijkverklaring",
    "Student",
    "Waardepapier",
    "hash_identifier",
    "waardepapier_from_credential",
]

MBO_CONTEXT = vocab.MBO_CONTEXT
MBO_EDUBADGES_CONTEXT = vocab.MBO_EDUBADGES_CONTEXT
"""The microcredential's Edubadges terms, valid JSON-LD 1.1 (not educredential.json: issue 20)."""
OBV3_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SCHEMA_BASE = "https://w3id.org/mbo-vc/schemas/v1/"
"""Where mbo_vc's JSON Schemas per waardepapier are published (shipped in ``mbo_vc/schemas``)."""
EQF_URL = "https://europass.europa.eu/en/europass-digital-tools/european-qualifications-framework"
NLQF_URL = "https://www.nlqf.nl/"
_CODE = re.compile(r"^[A-Za-z0-9._-]+$")
_KEUZEDEEL = re.compile(r"^K\d{4}$")
_CREBO = re.compile(r"^\d{5}$")
_BRIN = re.compile(r"^\d{2}[A-Z]{2}$")
_OIN = re.compile(r"^\d{20}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")

Leerweg = Literal["BOL", "BBL", "derde leerweg"]
OnderdeelSoort = Literal["kerntaak", "werkproces", "keuzedeel", "generiek", "overig"]
TOETSVORMEN = (
    "testing", "application of a skill", "portfolio", "recognition of prior learning",
)  # fmt: skip
DEELNAMES = (
    "online", "onsite or blended", "volunteering", "work experience",
    "personalized learning activities",
)  # fmt: skip
SUPERVISIES = (
    "unsupervised with no identity verification", "supervised with no identity verification",
    "supervised online", "onsite with identity verification",
)  # fmt: skip
"""The educredential vocabularies (contexts/mbo-vc-edubadges-v1.jsonld, the values of
educredential.json); enforced when issuing, not when
reading a badge issued elsewhere (Edubadges' server emits e.g. ``participationType: blended``)."""


def _lenient(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("lenient"))


def hash_identifier(value: str, salt: str) -> str:
    """OBv3 IdentityHash: ``sha256$`` + hex(sha256(UTF-8 of value + salt))."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def _ts(value: datetime | date) -> str:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return text


def _parse_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    return date.fromisoformat(text[:10])


def _drop_none(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @classmethod
    def create(cls, *, _lenient: bool = False, **data: Any) -> Self:
        """Validate ``data``; errors raise :class:`ModelValidationError` in the user's terms.
        ``_lenient`` accepts vocabulary values other issuers use (when reading, not issuing)."""
        try:
            return cls.model_validate(data, context={"lenient": _lenient})
        except ValidationError as exc:
            raise validation_error(exc, _DISPLAY.get(cls.__name__, cls.__name__)) from None


class Instelling(_Model):
    """The school (bevoegd gezag): its DID or URL, name and Dutch identifiers."""

    id: str = Field(description="DID (did:web of the school) or https URL of the issuer")
    naam: str = Field(min_length=1)
    brin: str | None = Field(None, description="BRIN/instellingscode, e.g. 25LZ")
    oin: str | None = Field(None, description="Organisatie-identificatienummer (20 digits)")
    url: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _IRI.match(v):
            raise ValueError("instelling id must be a DID or an absolute URL")
        return v

    @field_validator("brin")
    @classmethod
    def _brin(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and not _lenient(info) and not _BRIN.match(v):
            raise ValueError("brin must be 2 digits and 2 capital letters (e.g. 25LZ)")
        return v

    @field_validator("oin")
    @classmethod
    def _oin(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and not _lenient(info) and not _OIN.match(v):
            raise ValueError("oin must be 20 digits")
        return v

    def profile(self) -> Profile:
        """The OBv3 issuer Profile."""
        other = [
            IdentifierEntry(identifier=v, identifier_type=t)
            for t, v in (("ext:BRIN", self.brin), ("ext:OIN", self.oin))
            if v is not None
        ]
        return Profile(
            **_drop_none(id=self.id, name=self.naam, url=self.url, other_identifier=other or None)
        )

    @classmethod
    def from_profile(cls, issuer: Profile | str) -> Instelling:
        """Read the school back from an issuer Profile."""
        if isinstance(issuer, str):
            return cls.create(id=issuer, naam=issuer)
        return cls.create(
            _lenient=True,
            id=issuer.id,
            naam=issuer.name or issuer.id,
            brin=issuer.identifier_of("ext:BRIN"),
            oin=issuer.identifier_of("ext:OIN"),
            url=issuer.url,
        )


class Student(_Model):
    """The learner. The student number is kept only hashed (salted sha256, OBv3 IdentityHash);
    pass ``studentnummer=`` to hash it. The full legal name is shown unhashed because the diploma
    must show it; date and place of birth only when the school prints them on the paper document.
    """

    naam: str | None = Field(None, description="full legal (BRP) name, as on the diploma")
    geboortedatum: date | None = None
    geboorteplaats: str | None = None
    id: str | None = Field(None, description="holder DID (or another URI), when known")
    studentnummer_hash: str | None = Field(None, description="sha256$… of studentnummer + salt")
    salt: str | None = None
    identifiers: list[IdentityObject] = Field(
        default_factory=list, description="other identifiers, e.g. a hashed e-mail address"
    )

    @model_validator(mode="before")
    @classmethod
    def _hash_plain(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("studentnummer") is not None:
            data = dict(data)
            plain = str(data.pop("studentnummer")).strip()
            if not plain:
                raise ValueError("studentnummer is empty")
            salt = data.get("salt") or secrets.token_hex(8)
            data["salt"] = salt
            data["studentnummer_hash"] = hash_identifier(plain, salt)
        elif isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "studentnummer"}
        return data

    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        if v is not None and not _IRI.match(v):
            raise ValueError("student id must be a DID or an absolute URI")
        return v

    def matches_studentnummer(self, studentnummer: str) -> bool:
        """True when ``studentnummer`` is the one hashed into this record."""
        if self.studentnummer_hash is None or self.salt is None:
            return False
        return secrets.compare_digest(
            hash_identifier(studentnummer, self.salt), self.studentnummer_hash
        )

    def identity_objects(self) -> list[IdentityObject]:
        """The OBv3 ``identifier`` list."""
        out: list[IdentityObject] = []
        if self.naam is not None:
            out.append(IdentityObject(hashed=False, identity_hash=self.naam, identity_type="name"))
        if self.studentnummer_hash is not None:
            out.append(
                IdentityObject(
                    **_drop_none(
                        hashed=True, identity_hash=self.studentnummer_hash,
                        identity_type="sisSourcedId", salt=self.salt,
                    )
                )
            )  # fmt: skip
        if self.geboortedatum is not None:
            out.append(
                IdentityObject(
                    hashed=False,
                    identity_hash=self.geboortedatum.isoformat(),
                    identity_type="ext:dateOfBirth",
                )
            )
        if self.geboorteplaats is not None:
            out.append(
                IdentityObject(
                    hashed=False,
                    identity_hash=self.geboorteplaats,
                    identity_type="ext:placeOfBirth",
                )
            )
        return out + [i.model_copy() for i in self.identifiers]

    @classmethod
    def from_subject(cls, subject: AchievementSubject) -> Student:
        """Read the learner back from a credentialSubject."""
        data: dict[str, Any] = {"id": subject.id, "identifiers": []}
        for ident in subject.identifier or []:
            kind = (ident.identity_type, ident.hashed)
            if kind == ("name", False) and "naam" not in data:
                data["naam"] = ident.identity_hash
            elif kind == ("sisSourcedId", True) and "studentnummer_hash" not in data:
                data["studentnummer_hash"] = ident.identity_hash
                data["salt"] = ident.salt
            elif kind == ("ext:dateOfBirth", False) and "geboortedatum" not in data:
                data["geboortedatum"] = ident.identity_hash
            elif kind == ("ext:placeOfBirth", False) and "geboorteplaats" not in data:
                data["geboorteplaats"] = ident.identity_hash
            else:
                data["identifiers"].append(ident)
        return cls.create(**data)


class Onderdeel(_Model):
    """One result: a kerntaak, werkproces, keuzedeel or generic subject (Nederlands, rekenen …)."""

    soort: OnderdeelSoort
    code: str = Field(description="e.g. B1-K1, B1-K1-W2, K0125, NE")
    naam: str = Field(min_length=1)
    waarde: str | None = Field(None, description="grade or judgement as printed: 7, goed …")
    behaald: bool = True

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError("code may only contain letters, digits, '.', '-' and '_'")
        return v

    @model_validator(mode="after")
    def _keuzedeel(self) -> Onderdeel:
        if self.soort == "keuzedeel" and not _KEUZEDEEL.match(self.code):
            raise ValueError("keuzedeel code must be K followed by 4 digits (e.g. K0125)")
        return self

    def _numeric(self) -> bool:
        try:
            float((self.waarde or "").replace(",", "."))
        except ValueError:
            return False
        return True

    def result_description(self, base: str) -> ResultDescription:
        """The OBv3 ResultDescription for this component (``base``: the achievement id)."""
        extra: dict[str, Any]
        if self.soort == "werkproces":
            rtype, extra = "ext:Praktijkoordeel", {}
        elif self.waarde is None:
            rtype, extra = "Status", {}
        elif self._numeric():
            rtype, extra = "RawScore", {"value_min": "1", "value_max": "10"}
        else:
            rtype, extra = "PerformanceLevel", {}
        return ResultDescription(
            id=f"{base}#{self.soort}-{self.code}",
            name=self.naam,
            result_type=rtype,
            onderdeelSoort=self.soort,  # extension terms (mbo-vc context): pydantic extras
            onderdeelCode=self.code,
            **extra,
        )  # type: ignore[call-arg]

    def result(self, base: str) -> Result:
        """The learner's OBv3 Result for this component."""
        return Result(
            **_drop_none(
                result_description=f"{base}#{self.soort}-{self.code}",
                value=self.waarde,
                status="Completed" if self.behaald else "Failed",
            )
        )

    @classmethod
    def read(cls, achievement: Achievement, results: list[Result]) -> list[Onderdeel]:
        """Read the components back from an achievement's resultDescriptions + results."""
        by_rd = {r.result_description: r for r in results if r.result_description}
        out = []
        for rd in achievement.result_description or []:
            extra = rd.model_extra or {}
            if "onderdeelSoort" not in extra:
                continue
            res = by_rd.get(rd.id)
            out.append(
                cls.create(
                    soort=extra["onderdeelSoort"],
                    code=extra.get("onderdeelCode", ""),
                    naam=rd.name,
                    waarde=res.value if res else None,
                    behaald=(res.status != "Failed") if res else True,
                )
            )
        return out


class Opleiding(_Model):
    """The qualification (kwalificatie) as registered in Crebo."""

    naam: str = Field(min_length=1, description="qualification name as registered in Crebo")
    crebo: str
    niveau: int
    kwalificatiedossier: str | None = None
    eqf: int | None = Field(None, description="EQF level when it differs from niveau (4 → 5)")
    achievement_id: str | None = Field(None, description="URI of the qualification")

    @field_validator("crebo")
    @classmethod
    def _crebo(cls, v: str) -> str:
        if not _CREBO.match(v):
            raise ValueError("crebo must be 5 digits")
        return v

    @field_validator("niveau")
    @classmethod
    def _niveau(cls, v: int) -> int:
        if not 1 <= v <= 4:
            raise ValueError("niveau must be 1-4 (mbo 1 entree … mbo 4)")
        return v

    @field_validator("eqf")
    @classmethod
    def _eqf(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 5:
            raise ValueError("eqf must be 1-5 for an mbo qualification")
        return v

    @property
    def uri(self) -> str:
        """The achievement id (``urn:mbo-vc:crebo:<crebo>`` unless given)."""
        return self.achievement_id or f"urn:mbo-vc:crebo:{self.crebo}"


def _level_alignments(nlqf: int | None, eqf: int | None) -> list[Alignment]:
    out = []
    if nlqf is not None:
        out.append(
            Alignment(
                target_type="ext:NLQF", target_name=f"NLQF niveau {nlqf}",
                target_code=str(nlqf), target_url=NLQF_URL,
            )
        )  # fmt: skip
    if eqf is not None:
        out.append(
            Alignment(
                target_type="ext:EQF", target_name=f"EQF level {eqf}",
                target_code=str(eqf), target_url=EQF_URL,
            )
        )  # fmt: skip
    return out


_EQF_TYPES = ("ext:EQF", "ext:EQFAlignment")


def _level_of(achievement: Achievement, types: tuple[str, ...]) -> int | None:
    for al in achievement.alignment or []:
        if al.target_type in types and al.target_code and al.target_code.isdigit():
            return int(al.target_code)
    return None


class Waardepapier(_Model):
    """What every waardepapier has: the school, the learner, dates, status and the credential id."""

    kind: ClassVar[str] = ""
    achievement_type: ClassVar[str] = ""

    credential_id: str = Field(default_factory=lambda: f"urn:uuid:{uuid.uuid4()}")
    instelling: Instelling
    student: Student
    uitreikdatum: datetime = Field(description="date of issue (validFrom, awardedDate)")
    geldig_tot: datetime | None = Field(None, description="validUntil, only if it expires")
    credential_status: dict[str, Any] | None = Field(
        None, description="credentialStatus entry (e.g. BitstringStatusListEntry)"
    )

    @field_validator("uitreikdatum", "geldig_tot")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        return v.astimezone(UTC) if v is not None else None

    def _contexts(self) -> list[str]:
        return [VC_V2, OB_CONTEXT, OB_EXTENSIONS_CONTEXT, MBO_CONTEXT]

    def _achievement(self) -> Achievement:
        raise NotImplementedError

    def _subject_extra(self) -> dict[str, Any]:
        return {}

    def _results(self) -> list[Result]:
        return []

    def _credential_extra(self) -> dict[str, Any]:
        return {}

    def _subject_dates(self) -> dict[str, Any]:
        return {}

    def to_credential(self) -> OpenBadgeCredential:
        """The unsigned OBv3 credential for this waardepapier."""
        subject = AchievementSubject(
            **_drop_none(
                id=self.student.id,
                identifier=self.student.identity_objects() or None,
                achievement=self._achievement(),
                result=self._results() or None,
                **self._subject_dates(),
            ),
            **self._subject_extra(),
        )
        status = (
            CredentialStatus.model_validate(self.credential_status)
            if (self.credential_status)
            else None
        )
        return OpenBadgeCredential(  # type: ignore[call-arg]  # ("context" is the @context alias)
            context=self._contexts(),
            **_drop_none(
                id=self.credential_id,
                name=self._title(),
                issuer=self.instelling.profile(),
                valid_from=_ts(self.uitreikdatum),
                valid_until=_ts(self.geldig_tot) if self.geldig_tot else None,
                awarded_date=_ts(self.uitreikdatum),
                credential_subject=subject,
                credential_status=status,
                credential_schema=[
                    CredentialSchema(id=OBV3_SCHEMA_URL, type="1EdTechJsonSchemaValidator2019"),
                    CredentialSchema(id=f"{SCHEMA_BASE}{self.kind}.schema.json", type="JsonSchema"),
                ],
            ),
            **self._credential_extra(),
        )

    def to_json(self) -> dict[str, Any]:
        """The unsigned credential as a JSON object."""
        return self.to_credential().to_json()

    def _title(self) -> str:
        raise NotImplementedError

    @classmethod
    def _common(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        status = cred.credential_status
        return {
            "credential_id": cred.id,
            "instelling": Instelling.from_profile(cred.issuer),
            "student": Student.from_subject(cred.credential_subject),
            "uitreikdatum": _parse_ts(cred.awarded_date or cred.valid_from or cred.issuance_date),
            "geldig_tot": _parse_ts(cred.valid_until or cred.expiration_date),
            "credential_status": status.to_json() if isinstance(status, CredentialStatus) else None,
        }

    @classmethod
    def from_credential(cls, credential: OpenBadgeCredential | dict[str, Any]) -> Self:
        """Read a waardepapier back from its OBv3 credential (a model or its JSON)."""
        cred = (
            credential
            if isinstance(credential, OpenBadgeCredential)
            else OpenBadgeCredential.from_json(credential)
        )
        return cls.create(_lenient=True, **cls._common(cred), **cls._read(cred))

    @classmethod
    def _read(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        raise NotImplementedError


class _Mbo(Waardepapier):
    """Shared by diploma, certificaat and verklaring: enrolment facts and component results."""

    leerweg: Leerweg | None = None
    cohort: str | None = Field(None, description="year the student started (drives the model)")
    startdatum: date | None = None
    einddatum: date | None = None
    uitslagdatum: date | None = Field(None, description="date of the examencommissie's decision")
    resultaten: list[Onderdeel] = Field(default_factory=list)

    @field_validator("leerweg", mode="before")
    @classmethod
    def _leerweg(cls, v: Any) -> Any:
        if isinstance(v, str):
            norm = v.strip()
            if norm.upper() in ("BOL", "BBL"):
                return norm.upper()
            if norm.lower() == "derde leerweg":
                return "derde leerweg"
            raise ValueError("leerweg must be BOL, BBL or derde leerweg")
        return v

    @field_validator("cohort")
    @classmethod
    def _cohort(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"(19|20)\d{2}", v):
            raise ValueError("cohort must be a year like 2023")
        return v

    @model_validator(mode="after")
    def _names(self) -> _Mbo:
        if not self.student.naam:
            raise ValueError("student naam is required on an mbo waardepapier")
        if self.startdatum and self.einddatum and self.einddatum < self.startdatum:
            raise ValueError("einddatum lies before startdatum")
        return self

    def _subject_extra(self) -> dict[str, Any]:
        return _drop_none(
            leerweg=self.leerweg,
            cohort=self.cohort,
            uitslagdatum=self.uitslagdatum.isoformat() if self.uitslagdatum else None,
        )

    def _subject_dates(self) -> dict[str, Any]:
        return _drop_none(
            activity_start_date=_ts(self.startdatum) if self.startdatum else None,
            activity_end_date=_ts(self.einddatum) if self.einddatum else None,
        )

    def _achievement_base(self) -> str:
        raise NotImplementedError

    def _results(self) -> list[Result]:
        return [o.result(self._achievement_base()) for o in self._all_onderdelen()]

    def _all_onderdelen(self) -> list[Onderdeel]:
        return list(self.resultaten)

    def _result_descriptions(self) -> list[ResultDescription] | None:
        rds = [o.result_description(self._achievement_base()) for o in self._all_onderdelen()]
        return rds or None

    @classmethod
    def _read_enrolment(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        subject = cred.credential_subject
        extra = subject.model_extra or {}
        return {
            "leerweg": extra.get("leerweg"),
            "cohort": extra.get("cohort"),
            "uitslagdatum": extra.get("uitslagdatum"),
            "startdatum": _parse_day(subject.activity_start_date),
            "einddatum": _parse_day(subject.activity_end_date),
            "resultaten": Onderdeel.read(subject.achievement, subject.result or []),
        }


def _opleiding_from(ach: Achievement) -> Opleiding:
    extra = ach.model_extra or {}
    niveau = extra.get("niveau")
    eqf = _level_of(ach, _EQF_TYPES)
    return Opleiding.create(
        naam=ach.name,
        crebo=extra.get("crebo") or ach.human_code or "",
        niveau=niveau,
        kwalificatiedossier=extra.get("kwalificatiedossier"),
        eqf=eqf if eqf is not None and eqf != niveau else None,
        achievement_id=None if ach.id == f"urn:mbo-vc:crebo:{extra.get('crebo')}" else ach.id,
    )


class MboDiploma(_Mbo):
    """Mbo-diploma: the whole qualification achieved (achievementType ``Diploma``)."""

    kind: ClassVar[str] = "mbo-diploma"
    achievement_type: ClassVar[str] = "Diploma"

    opleiding: Opleiding

    def _title(self) -> str:
        return f"Mbo-diploma {self.opleiding.naam}"

    def _achievement_base(self) -> str:
        return self.opleiding.uri

    def _achievement(self) -> Achievement:
        op = self.opleiding
        return Achievement(
            id=op.uri,
            type=["Achievement", "MboAchievement"],
            achievement_type=self.achievement_type,
            name=op.naam,
            description=f"Mbo-diploma niveau {op.niveau}, {op.naam} (crebo {op.crebo})",
            criteria=Criteria(
                narrative="Het examen, bedoeld in artikel 7.4.2 van de Wet educatie en "
                "beroepsonderwijs, met goed gevolg afgelegd."
            ),
            human_code=op.crebo,
            in_language="nl",
            alignment=_level_alignments(op.niveau, op.eqf or op.niveau),
            **_drop_none(result_description=self._result_descriptions()),
            **_drop_none(
                crebo=op.crebo, niveau=op.niveau, kwalificatiedossier=op.kwalificatiedossier
            ),
        )

    @classmethod
    def _read(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        return {"opleiding": _opleiding_from(cred.achievement), **cls._read_enrolment(cred)}


class MboCertificaat(_Mbo):
    """Mbo-certificaat: a keuzedeel or beroepsgericht onderdeel achieved (``Certificate``)."""

    kind: ClassVar[str] = "mbo-certificaat"
    achievement_type: ClassVar[str] = "Certificate"

    onderdeel_naam: str = Field(min_length=1)
    keuzedeel_code: str | None = None
    crebo: str | None = Field(None, description="crebo code of a certificeerbare eenheid")
    kwalificatie_crebo: str | None = Field(None, description="crebo of the parent qualification")
    niveau: int | None = None
    achievement_id: str | None = None

    @field_validator("keuzedeel_code")
    @classmethod
    def _kd(cls, v: str | None) -> str | None:
        if v is not None and not _KEUZEDEEL.match(v):
            raise ValueError("keuzedeel code must be K followed by 4 digits (e.g. K0125)")
        return v

    @field_validator("crebo", "kwalificatie_crebo")
    @classmethod
    def _crebo(cls, v: str | None) -> str | None:
        if v is not None and not _CREBO.match(v):
            raise ValueError("crebo must be 5 digits")
        return v

    @field_validator("niveau")
    @classmethod
    def _niveau(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 4:
            raise ValueError("niveau must be 1-4 (mbo 1 entree … mbo 4)")
        return v

    @model_validator(mode="after")
    def _code(self) -> MboCertificaat:
        if (self.keuzedeel_code is None) == (self.crebo is None):
            raise ValueError("an mbo-certificaat needs either a keuzedeel code or a crebo code")
        return self

    @property
    def code(self) -> str:
        """The keuzedeel or crebo code."""
        return self.keuzedeel_code or self.crebo or ""

    def _title(self) -> str:
        return f"Mbo-certificaat {self.onderdeel_naam}"

    def _achievement_base(self) -> str:
        if self.achievement_id:
            return self.achievement_id
        kind = "keuzedeel" if self.keuzedeel_code else "crebo"
        return f"urn:mbo-vc:{kind}:{self.code}"

    def _achievement(self) -> Achievement:
        what = "keuzedeel" if self.keuzedeel_code else "beroepsgericht onderdeel"
        return Achievement(
            id=self._achievement_base(),
            type=["Achievement", "MboAchievement"],
            achievement_type=self.achievement_type,
            name=self.onderdeel_naam,
            description=f"Mbo-certificaat voor {what} {self.onderdeel_naam} ({self.code})",
            criteria=Criteria(narrative=f"Het {what} is met goed gevolg geëxamineerd."),
            human_code=self.code,
            in_language="nl",
            **_drop_none(alignment=_level_alignments(self.niveau, self.niveau) or None),
            **_drop_none(result_description=self._result_descriptions()),
            **_drop_none(
                keuzedeelCode=self.keuzedeel_code,
                crebo=self.crebo,
                kwalificatieCrebo=self.kwalificatie_crebo,
                niveau=self.niveau,
            ),
        )

    @classmethod
    def _read(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        ach = cred.achievement
        extra = ach.model_extra or {}
        kind = "keuzedeel" if extra.get("keuzedeelCode") else "crebo"
        code = extra.get("keuzedeelCode") or extra.get("crebo")
        return {
            "onderdeel_naam": ach.name,
            "keuzedeel_code": extra.get("keuzedeelCode"),
            "crebo": extra.get("crebo"),
            "kwalificatie_crebo": extra.get("kwalificatieCrebo"),
            "niveau": extra.get("niveau"),
            "achievement_id": None if ach.id == f"urn:mbo-vc:{kind}:{code}" else ach.id,
            **cls._read_enrolment(cred),
        }


class Praktijkverklaring(_Model):
    """The praktijkverklaring: which werkprocessen the student can perform, in the judgement of
    the praktijkopleider at the leerbedrijf. Recorded by the school; a signed endorsement by the
    leerbedrijf (an OBv3 EndorsementCredential) may be attached.
    """

    leerbedrijf: str = Field(min_length=1)
    praktijkopleider: str | None = None
    bpv_periode: str | None = Field(None, description="e.g. 2025-09 t/m 2026-06")
    oordeel: str | None = Field(None, description="narrative of the praktijkopleider")
    werkprocessen: list[Onderdeel] = Field(default_factory=list)
    endorsement: dict[str, Any] | None = Field(
        None, description="signed EndorsementCredential by the leerbedrijf (optional)"
    )

    @field_validator("werkprocessen")
    @classmethod
    def _wp(cls, v: list[Onderdeel]) -> list[Onderdeel]:
        if any(o.soort != "werkproces" for o in v):
            raise ValueError("a praktijkverklaring lists werkprocessen only")
        return v

    @field_validator("endorsement")
    @classmethod
    def _endorsement(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None:
            EndorsementCredential.from_json(v)
        return v

    def evidence(self) -> Evidence:
        """The OBv3 Evidence entry for the praktijkverklaring."""
        return Evidence(
            genre="Praktijkverklaring",
            name=f"Praktijkverklaring {self.leerbedrijf}",
            **_drop_none(narrative=self.oordeel),
            **_drop_none(
                leerbedrijf=self.leerbedrijf,
                praktijkopleider=self.praktijkopleider,
                bpvPeriode=self.bpv_periode,
            ),
        )


class MboVerklaring(_Mbo):
    """Mbo-verklaring: the achieved parts for a student leaving without diploma or certificaat
    (achievementType ``ext:MboVerklaring``), with an optional praktijkverklaring.
    """

    kind: ClassVar[str] = "mbo-verklaring"
    achievement_type: ClassVar[str] = "ext:MboVerklaring"

    opleiding: Opleiding
    praktijkverklaring: Praktijkverklaring | None = None
    ook_niet_behaald: bool = Field(
        False, description="the student asked to list parts not (yet) passed too"
    )

    @model_validator(mode="after")
    def _passed_only(self) -> MboVerklaring:
        if not self.ook_niet_behaald and any(not o.behaald for o in self.resultaten):
            raise ValueError(
                "an mbo-verklaring lists only passed parts unless the student asked otherwise "
                "(ook_niet_behaald)"
            )
        return self

    def _title(self) -> str:
        return f"Mbo-verklaring {self.opleiding.naam}"

    def _achievement_base(self) -> str:
        return f"urn:mbo-vc:verklaring:{self.opleiding.crebo}"

    def _all_onderdelen(self) -> list[Onderdeel]:
        wp = self.praktijkverklaring.werkprocessen if self.praktijkverklaring else []
        return [*self.resultaten, *wp]

    def _achievement(self) -> Achievement:
        op = self.opleiding
        return Achievement(
            id=self._achievement_base(),
            type=["Achievement", "MboAchievement"],
            achievement_type=self.achievement_type,
            name=f"Mbo-verklaring {op.naam}",
            description=f"Behaalde onderdelen van {op.naam} (crebo {op.crebo}, niveau {op.niveau})"
            + (" en praktijkverklaring" if self.praktijkverklaring else ""),
            criteria=Criteria(
                narrative="Uitgereikt bij uitstroom zonder diploma of certificaat "
                "(Regeling modellen mbo, bijlagen 9 en 10)."
            ),
            human_code=op.crebo,
            in_language="nl",
            alignment=_level_alignments(op.niveau, op.eqf or op.niveau),
            **_drop_none(result_description=self._result_descriptions()),
            **_drop_none(
                crebo=op.crebo,
                niveau=op.niveau,
                kwalificatiedossier=op.kwalificatiedossier,
            ),
        )

    def _credential_extra(self) -> dict[str, Any]:
        pv = self.praktijkverklaring
        if pv is None:
            return {}
        out: dict[str, Any] = {"evidence": [pv.evidence()]}
        if pv.endorsement is not None:
            out["endorsement"] = [EndorsementCredential.from_json(pv.endorsement)]
        return out

    @classmethod
    def _read(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        ach = cred.achievement
        extra = ach.model_extra or {}
        enrol = cls._read_enrolment(cred)
        onderdelen = enrol.pop("resultaten")
        resultaten = [o for o in onderdelen if o.soort != "werkproces"]
        werkprocessen = [o for o in onderdelen if o.soort == "werkproces"]
        pv = None
        for ev in as_list(cred.evidence):
            if isinstance(ev, Evidence) and ev.genre == "Praktijkverklaring":
                ex = ev.model_extra or {}
                pv = Praktijkverklaring.create(
                    leerbedrijf=ex.get("leerbedrijf") or (ev.name or ""),
                    praktijkopleider=ex.get("praktijkopleider"),
                    bpv_periode=ex.get("bpvPeriode"),
                    oordeel=ev.narrative,
                    werkprocessen=werkprocessen,
                    endorsement=cred.endorsement[0].to_json() if cred.endorsement else None,
                )
                break
        op_name = ach.name.removeprefix("Mbo-verklaring ")
        eqf = _level_of(ach, _EQF_TYPES)
        opleiding = Opleiding.create(
            naam=op_name,
            crebo=extra.get("crebo") or ach.human_code or "",
            niveau=extra.get("niveau"),
            kwalificatiedossier=extra.get("kwalificatiedossier"),
            eqf=eqf if eqf is not None and eqf != extra.get("niveau") else None,
        )
        return {
            "opleiding": opleiding,
            "praktijkverklaring": pv,
            "ook_niet_behaald": any(not o.behaald for o in resultaten),
            "resultaten": resultaten,
            **enrol,
        }


class Kwaliteitskader(_Model):
    """The quality framework a microcredential is issued under."""

    naam: str = Field(min_length=1)
    url: str
    beschrijving: str | None = None

    def alignment(self) -> Alignment:
        """As an OBv3 Alignment (``targetType: ext:QualityAssurance``, as in the educredential
        examples)."""
        return Alignment(
            target_type="ext:QualityAssurance",
            target_name=self.naam,
            target_url=self.url,
            **_drop_none(target_description=self.beschrijving),
        )


_QA_TYPES = ("ext:QualityAssurance", "ext:QualityAssuranceFramework")


class Microcredential(Waardepapier):
    """Microcredential (achievementType ``MicroCredential``), in the Edubadges/educredential
    model so that Edubadges-issued badges parse into the same class (names in docs/mbo-model.md).
    """

    kind: ClassVar[str] = "microcredential"
    achievement_type: ClassVar[str] = "MicroCredential"

    achievement_id: str
    titel: str = Field(min_length=1)
    beschrijving: str = Field(min_length=1)
    criteria: str = Field(min_length=1, description="criteria narrative")
    afbeelding: str | None = Field(None, description="image URL or data: URI")
    studielast_uren: int | None = Field(None, description="study load in hours (SBU)")
    ects: float | int | None = None
    tijdsinvestering_uren: int | None = Field(None, description="timeInvestment (hours)")
    taal: str | None = Field("nl-NL", description="language of instruction (BCP 47)")
    leeruitkomsten: list[str] = Field(default_factory=list)
    toetsvorm: str | None = Field(None, description=f"assessmentType: {TOETSVORMEN}")
    identiteit_gecontroleerd: bool | None = None
    supervisie: str | None = Field(None, description=f"supervisionType: {SUPERVISIES}")
    deelname: str | None = Field(None, description=f"participationType: {DEELNAMES}")
    kwaliteitskader: Kwaliteitskader | None = None
    programma_id: int | str | None = Field(None, description="educationProgramIdentifier")
    eqf: int | None = None
    nlqf: int | None = None
    result_descriptions: list[ResultDescription] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    extra_alignments: list[Alignment] = Field(default_factory=list)

    @field_validator("eqf", "nlqf")
    @classmethod
    def _level(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 8:
            raise ValueError("eqf/nlqf level must be 1-8")
        return v

    @field_validator("studielast_uren", "tijdsinvestering_uren")
    @classmethod
    def _hours(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("study load must be a positive number of hours")
        return v

    @field_validator("toetsvorm", "supervisie", "deelname")
    @classmethod
    def _vocab(cls, v: str | None, info: ValidationInfo) -> str | None:
        allowed = {"toetsvorm": TOETSVORMEN, "supervisie": SUPERVISIES, "deelname": DEELNAMES}
        if v is not None and not _lenient(info) and v not in allowed[str(info.field_name)]:
            choices = ", ".join(allowed[str(info.field_name)])
            raise ValueError(f"{info.field_name} must be one of: {choices}")
        return v

    @field_validator("taal")
    @classmethod
    def _taal(cls, v: str | None, info: ValidationInfo) -> str | None:
        if (
            v is not None
            and not _lenient(info)
            and not re.fullmatch(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?", v)
        ):
            raise ValueError("taal must be a language code like nl-NL or en")
        return v

    @field_validator("achievement_id")
    @classmethod
    def _aid(cls, v: str) -> str:
        if not _IRI.match(v):
            raise ValueError("achievement_id must be an absolute URI")
        return v

    @model_validator(mode="after")
    def _who(self) -> Microcredential:
        if not self.student.identity_objects() and self.student.id is None:
            raise ValueError("the learner needs a DID, a name or another identifier")
        return self

    def _contexts(self) -> list[str]:
        # mbo_vc's own valid definition of the educredential terms: educredential.json as
        # published is refused by every JSON-LD 1.1 processor (docs/mbo-model.md, issue 20)
        return [VC_V2, OB_CONTEXT, OB_EXTENSIONS_CONTEXT, MBO_EDUBADGES_CONTEXT, MBO_CONTEXT]

    def _title(self) -> str:
        return self.titel

    def _achievement(self) -> Achievement:
        alignment = [
            *_level_alignments(self.nlqf, self.eqf),
            *([self.kwaliteitskader.alignment()] if self.kwaliteitskader else []),
            *self.extra_alignments,
        ]
        image = Image(id=self.afbeelding) if self.afbeelding else None
        return Achievement(
            id=self.achievement_id,
            type=["Achievement", "EducredentialAchievement"],
            achievement_type=self.achievement_type,
            name=self.titel,
            description=self.beschrijving,
            criteria=Criteria(narrative=self.criteria),
            **_drop_none(
                image=image,
                in_language=self.taal,
                alignment=alignment or None,
                result_description=list(self.result_descriptions) or None,
            ),
            **_drop_none(
                SBU=self.studielast_uren,
                ECTS=self.ects,
                timeInvestment=self.tijdsinvestering_uren,
                assessmentType=self.toetsvorm,
                identityChecked=self.identiteit_gecontroleerd,
                supervisionType=self.supervisie,
                participationType=self.deelname,
                educationProgramIdentifier=self.programma_id,
                leeruitkomst=list(self.leeruitkomsten) or None,
            ),
        )

    def _results(self) -> list[Result]:
        return list(self.results)

    @classmethod
    def _read(cls, cred: OpenBadgeCredential) -> dict[str, Any]:
        ach = cred.achievement
        ex = ach.model_extra or {}
        qa = None
        rest = []
        for al in ach.alignment or []:
            if al.target_type in ("ext:NLQF", *_EQF_TYPES):
                continue
            if qa is None and al.target_type in _QA_TYPES:
                qa = Kwaliteitskader.create(
                    naam=al.target_name, url=al.target_url, beschrijving=al.target_description
                )
            else:
                rest.append(al)
        image = ach.image
        pid = ex.get("educationProgramIdentifier")
        return {
            "achievement_id": ach.id,
            "titel": ach.name,
            "beschrijving": ach.description or ach.name,
            "criteria": ach.criteria.narrative or "",
            "afbeelding": image.id if isinstance(image, Image) else image,
            "studielast_uren": ex.get("SBU"),
            "ects": ex.get("ECTS"),
            "tijdsinvestering_uren": ex.get("timeInvestment"),
            "taal": ach.in_language,
            "leeruitkomsten": ex.get("leeruitkomst") or [],
            "toetsvorm": ex.get("assessmentType"),
            "identiteit_gecontroleerd": ex.get("identityChecked"),
            "supervisie": ex.get("supervisionType"),
            "deelname": ex.get("participationType"),
            "kwaliteitskader": qa,
            "programma_id": pid if isinstance(pid, int | str) else None,
            "eqf": _level_of(ach, _EQF_TYPES),
            "nlqf": _level_of(ach, ("ext:NLQF",)),
            "result_descriptions": list(ach.result_description or []),
            "results": list(cred.credential_subject.result or []),
            "extra_alignments": rest,
        }


_DISPLAY = {
    "MboDiploma": "mbo-diploma",
    "MboCertificaat": "mbo-certificaat",
    "MboVerklaring": "mbo-verklaring",
    "Microcredential": "microcredential",
}

WAARDEPAPIEREN: dict[str, type[Waardepapier]] = {
    cls.kind: cls for cls in (MboDiploma, MboCertificaat, MboVerklaring, Microcredential)
}


def waardepapier_from_credential(credential: OpenBadgeCredential | dict[str, Any]) -> Waardepapier:
    """Pick the mbo class from the achievementType (Diploma, Certificate, ext:MboVerklaring,
    MicroCredential; an Edubadges badge without one counts as a microcredential) and read it."""
    cred = (
        credential
        if isinstance(credential, OpenBadgeCredential)
        else OpenBadgeCredential.from_json(credential)
    )
    atype = cred.achievement.achievement_type
    for cls in WAARDEPAPIEREN.values():
        if cls.achievement_type == atype:
            return cls.from_credential(cred)
    return Microcredential.from_credential(cred)
