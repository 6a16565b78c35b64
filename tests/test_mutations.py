"""Mutation corpus: every single-field mutation of a signed credential is rejected, unless it is
semantically neutral (and then it must still verify)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.mbo.schema import mbo_json_schema
from mbo_vc.mbo.signers import issue
from tests.fixtures import example_diploma, example_waardepapieren
from tests.mutations import mutations

jsonschema = pytest.importorskip("jsonschema")

KEY = Ed25519Key.from_seed(bytes.fromhex("41" * 32))
NOW = "2030-01-01T00:00:00Z"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"

# Mutations that leave the signed data unchanged: a repeated `type` or `@context` entry (RDF is a
# set, so the same triples), a node with an id given twice (JSON-LD merges it into the same node:
# the verified view reads it once), the same proof twice (it counts once, with a warning), and —
# for eddsa-jcs-2022 — dropping the proof's copy of @context, which the algorithm then takes from
# the document itself (the same bytes are hashed).
NEUTRAL = {
    "eddsa-rdfc-2022": {
        "add @context[+]", "add type[+]", "add issuer/type[+]", "add credentialSubject/type[+]",
        "add credentialSubject/achievement/type[+]", "duplicate issuer", "duplicate proof",
    },
    "eddsa-jcs-2022": {"delete proof/@context", "duplicate proof"},
    "Ed25519Signature2020": {
        "add @context[+]", "add type[+]", "add issuer/type[+]", "add credentialSubject/type[+]",
        "add credentialSubject/achievement/type[+]", "duplicate issuer", "duplicate proof",
    },
}  # fmt: skip


def _signed(suite: str) -> dict[str, Any]:
    doc = example_diploma(KEY.did)
    if suite == "Ed25519Signature2020":
        doc["@context"].append(ED25519_2020)
    return sign(doc, KEY, cryptosuite=suite, created="2026-07-01T00:00:00Z")


@pytest.mark.parametrize("suite", list(NEUTRAL))
def test_every_single_field_mutation(suite: str) -> None:
    signed = _signed(suite)
    assert verify(signed, now=NOW).verified
    accepted, count = set(), 0
    for description, mutated in mutations(signed):
        count += 1
        result = verify(mutated, now=NOW)
        assert result.problems or result.verified
        if result.verified:
            accepted.add(description)
    assert count > 150
    assert accepted == NEUTRAL[suite], sorted(accepted ^ NEUTRAL[suite])


@pytest.mark.parametrize("suite", list(NEUTRAL))
def test_equivalent_forms_still_verify(suite: str) -> None:
    signed = _signed(suite)
    # key order and whitespace
    text = json.dumps(signed, sort_keys=True, indent=3)
    assert verify(text, now=NOW).verified
    if suite == "eddsa-jcs-2022":
        return  # JCS signs the JSON itself: only key order and whitespace are neutral
    # a one-element array for a single value, and an issuer object for an issuer URL
    alt = copy.deepcopy(signed)
    alt["credentialSubject"]["achievement"]["criteria"] = [alt["credentialSubject"]["achievement"][
        "criteria"]]  # fmt: skip
    alt["credentialSubject"]["type"] = "AchievementSubject"
    assert verify(alt, now=NOW).verified


# The mbo types: the same neutral classes, plus numbers that their context types as
# xsd:integer, for which 3 and "3" are the same RDF literal (an equivalent JSON-LD form).
# (educationProgramIdentifier is not coerced by https://w3id.org/mbo-vc/edubadges/v1, unlike
# educredential.json's `xsd:number`: 1001 and "1001" are different literals, so that change is
# refused.)
EC = Ed25519Key.from_seed(bytes.fromhex("42" * 32))
TYPED_NUMBERS = {
    "credentialSubject/achievement/niveau",
    "credentialSubject/achievement/SBU",
}


def _no_blank_nodes(value: Any) -> bool:
    if isinstance(value, list):
        return all(_no_blank_nodes(v) for v in value)
    if isinstance(value, dict):
        return "id" in value and all(_no_blank_nodes(v) for v in value.values())
    return True


def _same_node_again(doc: dict[str, Any], label: str, *, appended: bool) -> bool:
    """True when the mutation gives a node with an id (and no blank node inside) a second time,
    or a proof a second time: the same RDF (JSON-LD merges the node, and flattens a list inside
    a list), or a duplicate proof that counts once."""
    parts = [int(p) if p.isdigit() else p for p in label.split("/")]
    parent: Any = doc
    for part in parts[:-1]:
        parent = parent[part]
    value = parent[parts[-1]]
    if appended:
        if not isinstance(value, list) or not value:
            return False
        value = value[0]
    elif isinstance(parent, list) and parts[0] == "proof":
        return False  # JSON-LD flattens [[x, x], …], but a proof list must hold proof objects
    if not isinstance(value, dict):
        return False
    return "proofValue" in value or _no_blank_nodes(value)


def _neutral(description: str, doc: dict[str, Any]) -> bool:
    if description == "add @context[+]" or re.fullmatch(r"add (\S+/)?type\[\+\]", description):
        return True
    dup = re.fullmatch(r"duplicate (\S+)|add (\S+)\[\+\]", description)
    if dup and _same_node_again(doc, dup.group(1) or dup.group(2), appended=bool(dup.group(2))):
        return True
    m = re.fullmatch(r"change (\S+) -> '\d+'", description)
    return bool(m and m.group(1) in TYPED_NUMBERS)


@pytest.mark.parametrize(
    "kind", ["mbo-diploma", "mbo-certificaat", "mbo-verklaring", "microcredential"]
)
def test_every_single_field_mutation_of_the_mbo_types(kind: str) -> None:
    paper = example_waardepapieren(KEY.did)[kind]
    ec = EC if kind in ("mbo-diploma", "mbo-certificaat") else None  # both signers, chained
    signed = issue(paper, KEY, examencommissie=ec, created="2026-07-01T00:00:00Z")
    assert verify(signed, now=NOW).verified
    schema = jsonschema.Draft202012Validator(mbo_json_schema(kind))
    count, wrong, schema_only = 0, [], 0
    for description, mutated in mutations(signed):
        count += 1
        result = verify(mutated, now=NOW)
        neutral = _neutral(description, signed)
        if result.verified != neutral:
            # the same RDF in another JSON spelling that the credential's own JSON Schema (a
            # JSON-level contract it names in credentialSchema) forbids: refused for that only,
            # and the independent jsonschema package agrees
            if neutral and set(result.codes) == {"schema_invalid"}:
                assert not schema.is_valid(mutated), description
                schema_only += 1
                continue
            wrong.append(description)
    assert count > 400
    assert wrong == []
    assert schema_only < 12
