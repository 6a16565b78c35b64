"""Open Badges 3.0 classes (1EdTech OBv3, context-3.0.3), as typed pydantic models.

Member names, required members and enumerations follow ``ob_v3p0_achievementcredential_schema``.
Every class keeps members it does not declare (extensions such as Edubadges' ``ECTS``), so any
conforming credential parses and re-serialises without loss.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from mbo_vc import vocab
from mbo_vc.models.base import DateTimeStr, Number, OBModel, TypeValue, as_list
from mbo_vc.models.vc import VerifiableCredential

__all__ = [
    "ACHIEVEMENT_TYPES",
    "ALIGNMENT_TARGET_TYPES",
    "IDENTIFIER_TYPES",
    "OB_CONTEXT",
    "OB_EXTENSIONS_CONTEXT",
    "RESULT_STATUSES",
    "RESULT_TYPES",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "OpenBadgeCredential",
    "Profile",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
]

OB_CONTEXT = vocab.OB_CONTEXT
OB_EXTENSIONS_CONTEXT = vocab.OB_EXTENSIONS_CONTEXT
_OB_CONTEXT_RE = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"
)
_EXT = re.compile(r"(ext:)[a-z|A-Z|0-9|.|-|_]+")  # the schema's own pattern (unanchored)

ACHIEVEMENT_TYPES = frozenset(
    """Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award Badge
    BachelorDegree Certificate CertificateOfCompletion Certification CommunityService Competency
    Course CoCurricular Degree Diploma DoctoralDegree Fieldwork GeneralEducationDevelopment
    JourneymanCertificate LearningProgram License Membership ProfessionalDoctorate
    QualityAssuranceCredential MasterCertificate MasterDegree MicroCredential ResearchDoctorate
    SecondarySchoolDiploma""".split()
)
IDENTIFIER_TYPES = frozenset(
    """name sourcedId systemId productId userName accountId emailAddress nationalIdentityNumber
    isbn issn lisSourcedId oneRosterSourcedId sisSourcedId ltiContextId ltiDeploymentId ltiToolId
    ltiPlatformId ltiUserId identifier""".split()
)
_LEGACY_IDENTITY_TYPES = frozenset({"email"})
"""Read (never written): ``email`` appears in 1EdTech's own VC 1.1-era fixture complete_v1."""
ALIGNMENT_TARGET_TYPES = frozenset(
    "ceasn:Competency ceterms:Credential CFItem CFRubric CFRubricCriterion "
    "CFRubricCriterionLevel CTDL".split()
)
RESULT_TYPES = frozenset(
    """GradePointAverage LetterGrade Percent PerformanceLevel PredictedScore RawScore Result
    RubricCriterion RubricCriterionLevel RubricScore ScaledScore Status""".split()
)
RESULT_STATUSES = frozenset(
    "Completed Enrolled Failed InProgress OnHold Provisional Withdrew".split()
)


def _enum_ext(value: str | None, allowed: frozenset[str], what: str) -> str | None:
    if value is None or value in allowed or _EXT.search(value):
        return value
    raise ValueError(f"{what} {value!r} is neither an OBv3 value nor an 'ext:' extension")


def _require_type(types: list[str], wanted: str, what: str) -> None:
    if wanted not in types:
        raise ValueError(f"{what} type must include {wanted!r}")


class Image(OBModel):
    """``Image``: an image's URL (or data: URI) and caption."""

    id: str
    type: TypeValue = "Image"
    caption: str | None = None


class Criteria(OBModel):
    """``Criteria``: what a learner must do to earn the achievement."""

    _always_set = ()

    id: str | None = None
    narrative: str | None = None


class IdentifierEntry(OBModel):
    """``IdentifierEntry``: another identifier of a profile or achievement (e.g. ``ext:BRIN``)."""

    type: TypeValue = "IdentifierEntry"
    identifier: str
    identifier_type: str

    @field_validator("identifier_type")
    @classmethod
    def _check_type(cls, v: str) -> str | None:
        return _enum_ext(v, IDENTIFIER_TYPES, "identifierType")


class GeoCoordinates(OBModel):
    """``GeoCoordinates``."""

    type: TypeValue = "GeoCoordinates"
    latitude: Number
    longitude: Number


class Address(OBModel):
    """``Address``."""

    type: TypeValue = Field(default_factory=lambda: ["Address"])
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None


class Profile(OBModel):
    """``Profile``: an issuer, creator or other party (person or organisation)."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: str | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None
    image: Image | str | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: list[IdentifierEntry] | None = None
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Profile:
        _require_type(self.types, "Profile", "Profile")
        return self

    def identifier_of(self, identifier_type: str) -> str | None:
        """The first ``otherIdentifier`` of ``identifier_type`` (e.g. ``ext:BRIN``)."""
        for entry in self.other_identifier or []:
            if entry.identifier_type == identifier_type:
                return entry.identifier
        return None


class Alignment(OBModel):
    """``Alignment``: a link to a framework node (EQF/NLQF level, competency …)."""

    type: TypeValue = Field(default_factory=lambda: ["Alignment"])
    target_code: str | None = None
    target_description: str | None = None
    target_name: str
    target_framework: str | None = None
    target_type: str | None = None
    target_url: str

    @field_validator("target_type")
    @classmethod
    def _check_type(cls, v: str | None) -> str | None:
        return _enum_ext(v, ALIGNMENT_TARGET_TYPES, "targetType")


class RubricCriterionLevel(OBModel):
    """``RubricCriterionLevel``."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["RubricCriterionLevel"])
    alignment: list[Alignment] | None = None
    description: str | None = None
    level: str | None = None
    name: str
    points: str | None = None


class ResultDescription(OBModel):
    """``ResultDescription``: a result the achievement can have (grade scale, status …)."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["ResultDescription"])
    alignment: list[Alignment] | None = None
    allowed_value: list[str] | None = None
    name: str
    required_level: str | None = None
    required_value: str | None = None
    result_type: str
    rubric_criterion_level: list[RubricCriterionLevel] | None = None
    value_max: str | None = None
    value_min: str | None = None

    @field_validator("result_type")
    @classmethod
    def _check_type(cls, v: str) -> str | None:
        return _enum_ext(v, RESULT_TYPES, "resultType")


class Related(OBModel):
    """``Related``: another version of the achievement (e.g. in another language)."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["Related"])
    in_language: str | None = None
    version: str | None = None


class Achievement(OBModel):
    """``Achievement``: what was accomplished (a qualification, keuzedeel, microcredential …)."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["Achievement"])
    alignment: list[Alignment] | None = None
    achievement_type: str | None = None
    creator: Profile | None = None
    credits_available: Number | None = None
    criteria: Criteria
    description: str | None = None
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | str | None = None
    in_language: str | None = None
    name: str
    other_identifier: list[IdentifierEntry] | None = None
    related: list[Related] | None = None
    result_description: list[ResultDescription] | None = None
    specialization: str | None = None
    tag: list[str] | None = None
    version: str | None = None

    @field_validator("achievement_type")
    @classmethod
    def _check_type(cls, v: str | None) -> str | None:
        return _enum_ext(v, ACHIEVEMENT_TYPES, "achievementType")

    @model_validator(mode="after")
    def _check(self) -> Achievement:
        _require_type(self.types, "Achievement", "Achievement")
        return self


class IdentityObject(OBModel):
    """``IdentityObject``: one (usually hashed) identifier of the learner."""

    type: TypeValue = "IdentityObject"
    hashed: bool
    identity_hash: str
    identity_type: str
    salt: str | None = None

    @field_validator("identity_type")
    @classmethod
    def _check_type(cls, v: str) -> str | None:
        return _enum_ext(v, IDENTIFIER_TYPES | _LEGACY_IDENTITY_TYPES, "identityType")


class Result(OBModel):
    """``Result``: the learner's result for one ResultDescription."""

    type: TypeValue = Field(default_factory=lambda: ["Result"])
    achieved_level: str | None = None
    alignment: list[Alignment] | None = None
    result_description: str | None = None
    status: str | None = None
    value: str | None = None

    @field_validator("status")
    @classmethod
    def _check_status(cls, v: str | None) -> str | None:
        if v is not None and v not in RESULT_STATUSES:
            raise ValueError(f"status {v!r} is not one of {', '.join(sorted(RESULT_STATUSES))}")
        return v


class AchievementSubject(OBModel):
    """``AchievementSubject``: the learner (``id`` and/or ``identifier``) and the achievement."""

    id: str | None = None
    type: TypeValue = Field(default_factory=lambda: ["AchievementSubject"])
    activity_end_date: DateTimeStr | None = None
    activity_start_date: DateTimeStr | None = None
    credits_earned: Number | None = None
    achievement: Achievement
    identifier: list[IdentityObject] | None = None
    image: Image | str | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: list[Result] | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    @model_validator(mode="after")
    def _check(self) -> AchievementSubject:
        _require_type(self.types, "AchievementSubject", "credentialSubject")
        if self.id is None and not self.identifier:
            raise ValueError("credentialSubject needs an id or at least one identifier")
        return self


class Evidence(OBModel):
    """``Evidence``: what supports the award (a praktijkverklaring, a portfolio item …)."""

    id: str | None = None
    type: TypeValue = Field(default_factory=lambda: ["Evidence"])
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class EndorsementSubject(OBModel):
    """``EndorsementSubject``: what is endorsed (a credential, achievement or profile id)."""

    id: str
    type: TypeValue = Field(default_factory=lambda: ["EndorsementSubject"])
    endorsement_comment: str | None = None


def _check_ob_envelope(cred: VerifiableCredential, wanted: tuple[str, ...]) -> None:
    if not any(t in cred.types for t in wanted):
        raise ValueError(f"type must include {' or '.join(repr(w) for w in wanted)}")
    ctx = as_list(cred.context)
    if not any(isinstance(c, str) and _OB_CONTEXT_RE.match(c) for c in ctx):
        raise ValueError("@context must include the Open Badges 3.0 context")
    if cred.id is None and not cred.is_v1:  # VC 1.1-era OBv3 (e.g. 1EdTech's complete_v1) omits it
        raise ValueError("an Open Badges credential needs an id")
    if cred.issuer is None:
        raise ValueError("the credential has no issuer")
    if cred.is_v1:
        if cred.issuance_date is None:
            raise ValueError("a VC 1.1 credential needs issuanceDate")
    elif cred.valid_from is None:
        raise ValueError("validFrom is required")


class EndorsementCredential(VerifiableCredential):
    """``EndorsementCredential``: a third party's claim about a credential, achievement or issuer
    (e.g. a leerbedrijf endorsing a praktijkverklaring)."""

    type: TypeValue = Field(
        default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"]
    )
    issuer: Profile | str
    credential_subject: EndorsementSubject
    awarded_date: DateTimeStr | None = None

    @model_validator(mode="after")
    def _check_ob(self) -> EndorsementCredential:
        _check_ob_envelope(self, ("EndorsementCredential",))
        return self


class OpenBadgeCredential(VerifiableCredential):
    """``OpenBadgeCredential`` (= ``AchievementCredential``): an awarded achievement."""

    type: TypeValue = Field(default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"])
    issuer: Profile | str
    credential_subject: AchievementSubject
    awarded_date: DateTimeStr | None = None
    image: Image | str | None = None
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None
    evidence: Evidence | list[Evidence] | None = None

    @model_validator(mode="after")
    def _check_ob(self) -> OpenBadgeCredential:
        _check_ob_envelope(self, ("OpenBadgeCredential", "AchievementCredential"))
        return self

    @property
    def achievement(self) -> Achievement:
        """Shortcut for ``credential_subject.achievement``."""
        return self.credential_subject.achievement


AchievementCredential = OpenBadgeCredential
"""The same class (the OBv3 context aliases AchievementCredential to OpenBadgeCredential)."""

for _model in (Profile, Achievement, EndorsementCredential, OpenBadgeCredential):
    _model.model_rebuild()


def parse_credential(data: Any) -> OpenBadgeCredential | EndorsementCredential:
    """Parse an OBv3 credential (Achievement/OpenBadge or Endorsement) from its JSON object."""
    types = as_list(data.get("type")) if isinstance(data, dict) else []
    if "EndorsementCredential" in types:
        return EndorsementCredential.from_json(data)
    return OpenBadgeCredential.from_json(data)
