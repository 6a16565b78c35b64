"""The sentences of the verification report, in Dutch and English, for people who are not experts.

One sentence per check (when it passed, when it failed) and per common problem code; a code
without its own sentence falls back to its check's sentence, with the technical message beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mbo_vc.errors import CODES

__all__ = ["CHECK_NAMES", "CHECK_TEXTS", "CODE_TEXTS", "Text", "code_text"]


@dataclass(frozen=True)
class Text:
    """One sentence in Dutch (``nl``) and English (``en``)."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        """The sentence in ``lang`` (``nl`` or ``en``)."""
        return self.nl if lang == "nl" else self.en

    def to_json(self) -> dict[str, str]:
        """JSON form: ``{"nl": …, "en": …}``."""
        return {"nl": self.nl, "en": self.en}


CHECK_NAMES: dict[str, Text] = {
    "structure": Text("Opbouw", "Structure"),
    "proofs": Text("Digitale handtekening", "Digital signature"),
    "issuer_authorization": Text("Sleutel van de uitgever", "Issuer's key"),
    "validity_period": Text("Geldigheid", "Validity period"),
    "status": Text("Intrekking", "Revocation status"),
    "credential_schema": Text("Gegevensformaat", "Data format"),
    "policy": Text("Eisen van de controleur", "Verifier's requirements"),
    "signers": Text("Ondertekenaars", "Signers"),
    "required_types": Text("Soort document", "Kind of document"),
    "embedded_credentials": Text("Ingesloten documenten", "Embedded documents"),
    "jose_header": Text("JWT-kop", "JWT header"),
}

# (pass, fail) per check
CHECK_TEXTS: dict[str, tuple[Text, Text]] = {
    "structure": (
        Text("Het document is opgebouwd zoals de standaard voorschrijft.",
             "The document is built the way the standard requires."),
        Text("Het document is niet opgebouwd zoals de standaard voorschrijft.",
             "The document is not built the way the standard requires."),
    ),
    "proofs": (
        Text("De digitale handtekening klopt: niemand heeft de inhoud na ondertekening veranderd.",
             "The digital signature is valid: nobody changed the content after it was signed."),
        Text("De digitale handtekening klopt niet: de inhoud is mogelijk veranderd of vervalst.",
             "The digital signature is not valid: the content may have been changed or forged."),
    ),
    "issuer_authorization": (
        Text("De handtekening is gezet met een sleutel die bij de uitgever hoort.",
             "The signature was made with a key that belongs to the issuer."),
        Text("De handtekening is niet gezet met een sleutel van de uitgever.",
             "The signature was not made with a key of the issuer."),
    ),
    "validity_period": (
        Text("Het document is nu geldig (niet verlopen, niet van een datum in de toekomst).",
             "The document is valid now (not expired, not dated in the future)."),
        Text("Het document is nu niet geldig: verlopen of nog niet ingegaan.",
             "The document is not valid now: it has expired or is not valid yet."),
    ),
    "status": (
        Text("De school heeft het document niet ingetrokken of geschorst (gecontroleerd).",
             "The school has not revoked or suspended the document (checked)."),
        Text("Het document is ingetrokken of geschorst, of dat kon niet worden nagegaan.",
             "The document is revoked or suspended, or this could not be checked."),
    ),
    "credential_schema": (
        Text("De gegevens hebben het formaat dat het document opgeeft.",
             "The data has the format the document declares."),
        Text("De gegevens hebben niet het formaat dat het document opgeeft.",
             "The data does not have the format the document declares."),
    ),
    "policy": (
        Text("Het document voldoet aan de eisen van de controleur.",
             "The document meets the verifier's requirements."),
        Text("Het document voldoet niet aan de eisen van de controleur.",
             "The document does not meet the verifier's requirements."),
    ),
    "signers": (
        Text("Alle vereiste ondertekenaars (zoals examencommissie en bevoegd gezag) hebben "
             "geldig ondertekend.",
             "Every required signer (such as examencommissie and bevoegd gezag) signed validly."),
        Text("Een vereiste ondertekenaar (examencommissie of bevoegd gezag) ontbreekt.",
             "A required signer (examencommissie or bevoegd gezag) is missing."),
    ),
    "required_types": (
        Text("Het is het soort document dat de controleur vraagt.",
             "It is the kind of document the verifier asks for."),
        Text("Het is niet het soort document dat de controleur vraagt.",
             "It is not the kind of document the verifier asks for."),
    ),
    "embedded_credentials": (
        Text("Elk ingesloten document is zelf ook gecontroleerd en in orde.",
             "Every embedded document was checked too and is in order."),
        Text("Een ingesloten document is niet in orde.",
             "An embedded document is not in order."),
    ),
    "jose_header": (
        Text("De kop van de JWT is in orde.", "The JWT header is in order."),
        Text("De kop van de JWT is niet in orde.", "The JWT header is not in order."),
    ),
}  # fmt: skip

CODE_TEXTS: dict[str, Text] = {
    "invalid_signature": Text(
        "De handtekening past niet bij de inhoud: iemand heeft het document veranderd.",
        "The signature does not match the content: someone changed the document."),
    "no_proof": Text("Het document is niet ondertekend.", "The document is not signed."),
    "expired": Text("Het document is verlopen.", "The document has expired."),
    "not_yet_valid": Text("Het document is nog niet geldig (datum in de toekomst).",
                          "The document is not valid yet (dated in the future)."),
    "revoked": Text("De school heeft dit document ingetrokken.",
                    "The school has revoked this document."),
    "suspended": Text("De school heeft dit document (tijdelijk) geschorst.",
                      "The school has suspended this document."),
    "status_unavailable": Text(
        "Of het document is ingetrokken kon niet worden nagegaan; daarom is het niet "
        "goedgekeurd.",
        "Whether the document was revoked could not be checked, so it is not accepted."),
    "status_not_checked": Text(
        "Intrekking is bewust niet gecontroleerd (op verzoek van de controleur).",
        "Revocation was deliberately not checked (at the verifier's request)."),
    "issuer_identifier_mismatch": Text(
        "De uitgever noemt zich met een andere BRIN of OIN dan de vertrouwenslijst.",
        "The issuer gives itself another BRIN or OIN than the trust list does."),
    "untrusted_issuer": Text("De uitgever staat niet op de lijst van vertrouwde uitgevers.",
                             "The issuer is not on the list of trusted issuers."),
    "missing_signer": Text("Een vereiste ondertekenaar heeft niet (geldig) ondertekend.",
                           "A required signer did not sign (validly)."),
    "proof_chain_broken": Text(
        "De handtekening van het bevoegd gezag sluit niet aan op die van de examencommissie.",
        "The bevoegd gezag's signature does not build on the examencommissie's."),
    "vm_not_authorized": Text("De sleutel hoort niet bij de uitgever.",
                              "The key does not belong to the issuer."),
    "vm_unresolvable": Text("De sleutel van de ondertekenaar kon niet worden opgezocht.",
                            "The signer's key could not be looked up."),
    "dropped_term": Text("Het document bevat gegevens die niet onder de handtekening vallen.",
                         "The document holds data that the signature does not cover."),
    "schema_not_checked": Text(
        "Het gegevensformaat is niet gecontroleerd (het schema is niet meegeleverd).",
        "The data format was not checked (the schema is not shipped with mbo_vc)."),
    "schema_invalid": Text("Een gegeven heeft niet het voorgeschreven formaat.",
                           "A field does not have the prescribed format."),
    "unknown_context": Text("Het document gebruikt een onbekende woordenlijst (context).",
                            "The document uses an unknown vocabulary (context)."),
    "high_s_signature": Text("De handtekening is geldig maar ongebruikelijk gecodeerd.",
                             "The signature is valid but unusually encoded."),
    "duplicate_proof": Text("Dezelfde handtekening staat er twee keer in; hij telt één keer.",
                            "The same signature appears twice; it counts once."),
    "embedded_credential_invalid": Text("Een ingesloten document is niet in orde.",
                                        "An embedded document is not in order."),
}  # fmt: skip


def code_text(code: str) -> Text:
    """The people's sentence for a problem or warning code (its meaning, if it has none)."""
    found = CODE_TEXTS.get(code)
    if found is not None:
        return found
    meaning = CODES.get(code, code)
    return Text(f"Technische melding: {meaning}.", f"Technical finding: {meaning}.")
