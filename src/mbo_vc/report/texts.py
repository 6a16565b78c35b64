"""The sentences of the verification report, in Dutch and English, for people who are not experts.

One sentence per check (when it passed, when it failed) and per common problem code; a code
without its own sentence gets a general one (the code itself and the technical message stand in
the report's technical part). :data:`ADVICE` is what a developer can do about a code: it appears
only in the technical part. A report is in one language: every sentence exists in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from mbo_vc.errors import CODES

__all__ = [
    "ADVICE",
    "CHECK_FALLBACK",
    "CHECK_NAMES",
    "CHECK_TEXTS",
    "CODE_TEXTS",
    "Text",
    "code_text",
]


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
    "validity_period": Text("Looptijd", "Expiry and start date"),
    "status": Text("Intrekking", "Revocation status"),
    "credential_schema": Text("Gegevensformaat", "Data format"),
    "policy": Text("Eisen van de controleur", "Verifier's requirements"),
    "signers": Text("Ondertekenaars", "Signers"),
    "required_types": Text("Soort document", "Kind of document"),
    "embedded_credentials": Text("Ingesloten documenten", "Embedded documents"),
    "jose_header": Text("JWT-kop", "JWT header"),
    "mbo_rules": Text("Regels voor mbo-waardepapieren", "Rules for mbo waardepapieren"),
    "trust_list": Text("Vertrouwenslijst", "Trust list"),
    "holder_binding": Text("Houder", "Holder"),
    "key_binding": Text("Binding aan de wallet", "Binding to the wallet"),
    "disclosures": Text("Getoonde gegevens", "Disclosed data"),
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
             "The digital signature verifies: nobody changed the content after it was signed."),
        Text("De digitale handtekening klopt niet: de inhoud is mogelijk veranderd of vervalst.",
             "The digital signature does not verify: the content may have been changed or "
             "forged."),
    ),
    "issuer_authorization": (
        Text("De handtekening is gezet met een sleutel die bij de uitgever hoort.",
             "The signature was made with a key that belongs to the issuer."),
        Text("De handtekening is niet gezet met een sleutel van de uitgever.",
             "The signature was not made with a key of the issuer."),
    ),
    "validity_period": (
        Text("Niet verlopen en al ingegaan (de data in het document passen bij vandaag).",
             "Not expired and already in effect (the document's dates fit today)."),
        Text("Het document is verlopen of nog niet ingegaan.",
             "The document has expired or is not in effect yet."),
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
             "ondertekend, en hun handtekeningen kloppen.",
             "Every required signer (such as examencommissie and bevoegd gezag) signed, and "
             "their signatures verify."),
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
        Text("Elk ingesloten document is zelf ook gecontroleerd, zonder fouten.",
             "Every embedded document was checked too, without errors."),
        Text("Een ingesloten document heeft een fout.",
             "An embedded document has an error."),
    ),
    "jose_header": (
        Text("De kop van de JWT klopt.", "The JWT header is correct."),
        Text("De kop van de JWT klopt niet.", "The JWT header is not correct."),
    ),
    "mbo_rules": (
        Text("Het voldoet aan de regels voor mbo-waardepapieren (ondertekenaars, crebo en "
             "niveau, gegevensformaat).",
             "It meets the rules for mbo waardepapieren (signers, crebo and level, data "
             "format)."),
        Text("Het voldoet niet aan de regels voor mbo-waardepapieren.",
             "It does not meet the rules for mbo waardepapieren."),
    ),
    "trust_list": (
        Text("De uitgever staat op de vertrouwenslijst, voor dit soort waardepapier.",
             "The issuer is on the trust list, for this kind of waardepapier."),
        Text("De uitgever staat niet (voor dit soort waardepapier) op de vertrouwenslijst.",
             "The issuer is not on the trust list (for this kind of waardepapier)."),
    ),
    "holder_binding": (
        Text("Wie het document toont, is degene over wie het gaat.",
             "Whoever shows the document is the person it is about."),
        Text("Wie het document toont, is niet degene over wie het gaat.",
             "Whoever shows the document is not the person it is about."),
    ),
    "disclosures": (
        Text("Elk getoond gegeven hoort bij wat de uitgever ondertekende.",
             "Every disclosed item belongs to what the issuer signed."),
        Text("Een getoond gegeven hoort niet bij wat de uitgever ondertekende.",
             "A disclosed item does not belong to what the issuer signed."),
    ),
    "key_binding": (
        Text("Het document is getoond vanuit de wallet van de houder, voor deze controle.",
             "The document was shown from the holder's wallet, for this check."),
        Text("Het is niet aangetoond dat het document vanuit de wallet van de houder komt.",
             "It was not shown that the document comes from the holder's wallet."),
    ),
}  # fmt: skip

CHECK_FALLBACK = (
    Text("Gecontroleerd, zonder fouten.", "Checked, without errors."),
    Text("Bij deze controle is een fout gevonden.", "This check found an error."),
)
"""The sentences of a check without its own (a check added after these texts)."""

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
    "missing_signer": Text("Een vereiste ondertekenaar heeft niet ondertekend, of de "
                           "handtekening klopt niet.",
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
    "high_s_signature": Text("De handtekening klopt, maar is ongebruikelijk gecodeerd.",
                             "The signature verifies, but is unusually encoded."),
    "duplicate_proof": Text("Dezelfde handtekening staat er twee keer in; hij telt één keer.",
                            "The same signature appears twice; it counts once."),
    "embedded_credential_invalid": Text("Een ingesloten document heeft een fout.",
                                        "An embedded document has an error."),
    "malformed_document": Text("Het bestand is geen leesbaar document.",
                               "The file is not a readable document."),
    "limit_exceeded": Text("Het document is te groot of te ingewikkeld om veilig te controleren.",
                           "The document is too large or too complex to check safely."),
    "invalid_field": Text("Een gegeven in het document heeft niet de voorgeschreven vorm.",
                          "A field in the document does not have the prescribed form."),
    "issuer_not_on_trust_list": Text(
        "De uitgever staat niet op de vertrouwenslijst van de controleur.",
        "The issuer is not on the verifier's trust list."),
    "type_not_allowed_for_issuer": Text(
        "Volgens de vertrouwenslijst mag deze uitgever dit soort waardepapier niet uitgeven.",
        "According to the trust list this issuer may not issue this kind of waardepapier."),
    "trust_list_invalid": Text("De vertrouwenslijst kon niet worden gebruikt.",
                               "The trust list could not be used."),
    "mbo_rules_not_checked": Text(
        "De regels voor mbo-waardepapieren zijn bewust niet gecontroleerd (op verzoek van de "
        "controleur).",
        "The rules for mbo waardepapieren were deliberately not checked (at the verifier's "
        "request)."),
    "status_policy_relaxed": Text(
        "De statuslijst is aanvaard met een versoepelde regel van de controleur.",
        "The status list was accepted under a relaxed rule of the verifier."),
    "related_resource_not_checked": Text(
        "Een bijlage waarnaar het document verwijst, is niet gecontroleerd.",
        "An attachment the document refers to was not checked."),
    "unsupported_cryptosuite": Text(
        "De handtekening gebruikt een methode die niet wordt ondersteund of aanvaard.",
        "The signature uses a method that is not supported or not accepted."),
    "malformed_proof": Text("De handtekening is onvolledig of beschadigd.",
                            "The signature is incomplete or damaged."),
    "unsupported_did_method": Text(
        "De sleutel van de ondertekenaar kon niet worden opgezocht (onbekende soort adres).",
        "The signer's key could not be looked up (an unknown kind of address)."),
    "did_resolution_failed": Text("De sleutel van de ondertekenaar kon niet worden opgezocht.",
                                  "The signer's key could not be looked up."),
    "status_list_invalid": Text(
        "De statuslijst van de school is onbruikbaar; of het document is ingetrokken, is niet "
        "na te gaan.",
        "The school's status list is unusable; whether the document was revoked cannot be "
        "checked."),
    "status_list_issuer_mismatch": Text(
        "De statuslijst is niet van de school die het document uitgaf.",
        "The status list is not from the school that issued the document."),
    "holder_mismatch": Text("Wie het document toont, is niet degene over wie het gaat.",
                            "Whoever shows the document is not the person it is about."),
    "kb_jwt_missing": Text("Het is niet aangetoond dat het document uit de wallet van de houder "
                           "komt.",
                           "It was not shown that the document comes from the holder's wallet."),
    "kb_jwt_nonce_mismatch": Text("Het document is eerder getoond en nu opnieuw afgespeeld.",
                                  "The document was shown before and is now replayed."),
    "kb_jwt_aud_mismatch": Text("Het document is voor een andere controleur getoond.",
                                "The document was shown for another verifier."),
    "key_binding_not_checked": Text(
        "Of het document uit de wallet van de houder komt, is niet gecontroleerd.",
        "Whether the document comes from the holder's wallet was not checked."),
    "proof_not_yet_valid": Text("De handtekening draagt een datum in de toekomst.",
                                "The signature is dated in the future."),
    "sd_jwt_vc_invalid": Text("Het document is niet opgebouwd zoals de standaard voorschrijft.",
                              "The document is not built the way the standard requires."),
    "issuer_key_unresolved": Text("De sleutel van de uitgever kon niet worden gevonden.",
                                  "The issuer's key could not be found."),
    "certificate_chain_untrusted": Text(
        "Het certificaat van de uitgever is niet door een vertrouwde partij uitgegeven.",
        "The issuer's certificate was not issued by a trusted party."),
}  # fmt: skip

ADVICE: dict[str, Text] = {
    "status_unavailable": Text(
        "geef een statusbron mee: mbo-vc verify --status-dir MAP of --online; in Python "
        "verify(..., status=StatusChecker(DirectoryFetcher(MAP))). Alleen bewust overslaan: "
        "--no-status (check_status=False).",
        "pass a status source: mbo-vc verify --status-dir DIR or --online; in Python "
        "verify(..., status=StatusChecker(DirectoryFetcher(DIR))). Skip it only on purpose: "
        "--no-status (check_status=False)."),
    "status_not_checked": Text(
        "intrekking is overgeslagen (--no-status, check_status=False): laat dat weg en geef "
        "--status-dir MAP of --online mee.",
        "revocation was skipped (--no-status, check_status=False): leave it out and pass "
        "--status-dir DIR or --online."),
    "mbo_rules_not_checked": Text("laat --no-mbo-rules weg om de mbo-regels toe te passen.",
                                  "leave out --no-mbo-rules to apply the mbo rules."),
    "unknown_context": Text("registreer de context: mbo-vc verify --context URL=BESTAND "
                            "(DocumentLoader(extra=...)); contexts worden nooit opgehaald.",
                            "register the context: mbo-vc verify --context URL=FILE "
                            "(DocumentLoader(extra=...)); contexts are never fetched."),
    "vm_unresolvable": Text("geef het DID-document mee (--pinned-dir MAP) of sta did:web toe "
                            "(--online).",
                            "pass the DID document (--pinned-dir DIR) or allow did:web "
                            "(--online)."),
    "unsupported_did_method": Text("did:web vraagt --online (of --pinned-dir MAP).",
                                   "did:web needs --online (or --pinned-dir DIR)."),
    "missing_signer": Text("noem de examencommissie: --require-signer examencommissie=DID.",
                           "name the examencommissie: --require-signer examencommissie=DID."),
    "untrusted_issuer": Text("voeg de uitgever toe met --trusted-issuer DID, of gebruik een "
                             "vertrouwenslijst (--trust-list, --trust-anchor).",
                             "add the issuer with --trusted-issuer DID, or use a trust list "
                             "(--trust-list, --trust-anchor)."),
    "kb_jwt_missing": Text("vraag de houder om een presentatie met key binding voor --aud en "
                           "--nonce.",
                           "ask the holder for a presentation with key binding for --aud and "
                           "--nonce."),
    "key_binding_not_checked": Text("geef --aud en --nonce mee om de key binding te "
                                    "controleren.",
                                    "pass --aud and --nonce to check the key binding."),
}  # fmt: skip
"""What a developer can do about a code (the report's technical part only)."""


def code_text(code: str) -> Text:
    """The people's sentence for a problem or warning code (a general one, in the same
    language, when it has none of its own: the code stands in the technical part)."""
    found = CODE_TEXTS.get(code)
    if found is not None:
        return found
    if CODES.get(code, "").startswith("(warning)"):
        return Text("Een opmerking bij de controle (de technische gegevens noemen haar).",
                    "A remark on the check (the technical details name it).")  # fmt: skip
    return Text("Er is een technisch probleem met dit document gevonden (de technische "
                "gegevens noemen het).",
                "A technical problem was found with this document (the technical details "
                "name it).")  # fmt: skip
