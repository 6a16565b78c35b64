"""Where entity statements come from: a folder (offline) or HTTPS (:class:`mbo_vc.net.HttpsClient`).

A source only hands over statement JWTs; it vouches for nothing. Every statement it returns is
decoded and verified by the trust chain (:mod:`mbo_vc.federation.chain`), so a source that
returns a wrong, stale or forged statement makes the chain fail, never succeed.

- :class:`FolderSource` reads a folder of ``*.jwt`` files, indexed by the ``iss`` and ``sub``
  inside each (the file names do not matter; :func:`write_statements` names them
  ``<iss>~<sub>.jwt``, URL-encoded).
- :class:`HttpsSource` fetches an entity configuration from
  ``<entity id>/.well-known/openid-federation`` (§9) and a subordinate statement from the
  superior's ``federation_fetch_endpoint`` with ``?sub=`` (§8.1), with the one bounded HTTPS
  client that did:web and status lists use (timeouts, size cap, no private addresses).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import quote

from mbo_vc.errors import FederationError, FederationUnavailableError, MboVcError, NetworkError
from mbo_vc.federation.statements import EntityStatement, check_entity_id
from mbo_vc.jws import decode_jwt
from mbo_vc.limits import DEFAULT_LIMITS

if TYPE_CHECKING:  # (start-up time: the network stack only when statements are fetched)
    from mbo_vc.net import HttpsClient

__all__ = [
    "ENTITY_STATEMENT_MEDIA_TYPE",
    "FolderSource",
    "HttpsSource",
    "StatementSource",
    "write_statements",
]

ENTITY_STATEMENT_MEDIA_TYPE = "application/entity-statement+jwt"
"""The content type of a fetched entity statement (§9.2, §8.1.2)."""
WELL_KNOWN = "/.well-known/openid-federation"
MAX_FILES = 2000
"""A federation folder holds at most this many statements (a safety limit)."""


@runtime_checkable
class StatementSource(Protocol):
    """Hands over entity statement JWTs (unverified) by entity identifier."""

    def entity_configuration(self, entity_id: str) -> str:
        """The entity configuration JWT of ``entity_id``, or
        :class:`~mbo_vc.errors.FederationUnavailableError`."""
        ...

    def subordinate_statement(self, superior: EntityStatement, sub: str) -> str:
        """The statement ``superior`` (its verified entity configuration) makes about ``sub``,
        or :class:`~mbo_vc.errors.FederationUnavailableError`."""
        ...


def _file_name(iss: str, sub: str) -> str:
    return quote(iss, safe="") + "~" + quote(sub, safe="") + ".jwt"


def write_statements(folder: str | os.PathLike[str], statements: Iterable[str]) -> list[Path]:
    """Write statement JWTs into ``folder`` as ``<iss>~<sub>.jwt`` (for :class:`FolderSource`)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for token in statements:
        _, claims = decode_jwt(token)
        path = target / _file_name(str(claims.get("iss")), str(claims.get("sub")))
        path.write_text(token.strip() + "\n", encoding="ascii")
        out.append(path)
    return out


class FolderSource:
    """Statements from a folder of ``*.jwt`` files (read once, when first needed)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._index: dict[tuple[str, str], str] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FolderSource({str(self.folder)!r})"

    def _load(self) -> dict[tuple[str, str], str]:
        with self._lock:
            if self._index is not None:
                return self._index
            if not self.folder.is_dir():
                raise FederationUnavailableError(f"the federation folder {self.folder} is missing")
            index: dict[tuple[str, str], tuple[float, str]] = {}
            files = sorted(p for p in self.folder.iterdir() if p.suffix == ".jwt" and p.is_file())
            if len(files) > MAX_FILES:
                raise FederationUnavailableError(
                    f"the federation folder {self.folder} holds more than {MAX_FILES} statements"
                )
            for path in files:
                try:
                    if path.stat().st_size > DEFAULT_LIMITS.max_document_bytes:
                        continue
                    token = path.read_text(encoding="ascii").strip()
                    _, claims = decode_jwt(token)
                except (OSError, UnicodeDecodeError, MboVcError):
                    continue  # not a statement: the chain will miss it, and say so
                iss, sub, iat = claims.get("iss"), claims.get("sub"), claims.get("iat")
                if not isinstance(iss, str) or not isinstance(sub, str):
                    continue
                when = float(iat) if isinstance(iat, int | float) and iat is not True else 0.0
                if (iss, sub) not in index or index[(iss, sub)][0] < when:
                    index[(iss, sub)] = (when, token)  # the newest of two wins
            self._index = {k: v[1] for k, v in index.items()}
            return self._index

    def _get(self, iss: str, sub: str, what: str) -> str:
        token = self._load().get((iss, sub))
        if token is None:
            raise FederationUnavailableError(
                f"{what} is not in the federation folder {self.folder}"
            )
        return token

    def entity_configuration(self, entity_id: str) -> str:
        """The entity configuration of ``entity_id`` from the folder."""
        return self._get(entity_id, entity_id, f"the entity configuration of {entity_id[:120]}")

    def subordinate_statement(self, superior: EntityStatement, sub: str) -> str:
        """The statement of ``superior`` about ``sub`` from the folder."""
        return self._get(
            superior.sub, sub, f"the statement of {superior.sub[:120]} about {sub[:120]}"
        )


class HttpsSource:
    """Statements fetched over HTTPS with a bounded :class:`~mbo_vc.net.HttpsClient`."""

    def __init__(self, client: HttpsClient | None = None, **client_options: object) -> None:
        if client is None:
            from mbo_vc.net import HttpsClient  # (the network stack only when asked for)

            options: dict[str, object] = {"accept": ENTITY_STATEMENT_MEDIA_TYPE}
            options.update(client_options)
            client = HttpsClient(**options)  # type: ignore[arg-type]
        self.client = client

    def __repr__(self) -> str:
        return f"HttpsSource({self.client!r})"

    def _fetch(self, url: str, what: str) -> str:
        try:
            response = self.client.get(url)
        except NetworkError as exc:
            raise FederationUnavailableError(
                f"{what} could not be fetched: {exc.message}"
            ) from None
        media = (response.content_type or "").split(";")[0].strip().lower()
        if media != ENTITY_STATEMENT_MEDIA_TYPE:
            raise FederationUnavailableError(
                f"{what} ({url[:120]}) came as {media[:60] or 'no content type'}, not "
                f"{ENTITY_STATEMENT_MEDIA_TYPE}"
            )
        try:
            return response.body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise FederationUnavailableError(f"{what} ({url[:120]}) is not a JWT") from None

    def entity_configuration(self, entity_id: str) -> str:
        """GET ``<entity id>/.well-known/openid-federation``."""
        check_entity_id(entity_id, "the entity")
        url = entity_id.rstrip("/") + WELL_KNOWN
        return self._fetch(url, f"the entity configuration of {entity_id[:120]}")

    def subordinate_statement(self, superior: EntityStatement, sub: str) -> str:
        """GET the superior's ``federation_fetch_endpoint`` with ``?sub=``."""
        entity = superior.metadata.get("federation_entity", {})
        endpoint = entity.get("federation_fetch_endpoint") if isinstance(entity, dict) else None
        what = f"the statement of {superior.sub[:120]} about {sub[:120]}"
        if not isinstance(endpoint, str) or not endpoint.startswith("https://") or "#" in endpoint:
            raise FederationError(
                f"{superior.sub[:120]} publishes no https federation_fetch_endpoint, so {what} "
                "cannot be fetched"
            )
        url = endpoint + ("&" if "?" in endpoint else "?") + "sub=" + quote(sub, safe="")
        return self._fetch(url, what)
