"""Bitstring Status List v1.0: revocation and suspension of credentials.

- :mod:`~mbo_vc.status.codec`: the bitstring, ``encodedList``, entries and list credentials;
- :mod:`~mbo_vc.status.registry`: the issuer side (SQLite by default) that allocates indexes,
  records revoke / suspend / unsuspend and publishes signed status list credentials;
- :mod:`~mbo_vc.status.checker`: the verifier side, hooked into ``mbo_vc.verify(status=...)``.

Typical verifier use::

    from mbo_vc import verify
    from mbo_vc.status import DirectoryFetcher, StatusChecker
    result = verify(credential, status=StatusChecker(DirectoryFetcher("status-lists/")))
"""

from typing import TYPE_CHECKING, Any

from mbo_vc.status.checker import (
    DirectoryFetcher,
    HttpFetcher,
    MappingFetcher,
    StatusChecker,
    StatusListFetcher,
    StatusResult,
)
from mbo_vc.status.codec import (
    MIN_ENTRIES,
    Bitstring,
    StatusEntry,
    StatusList,
    StatusMessage,
    decode_list,
    encode_list,
    parse_status_entry,
    parse_status_list_credential,
)
from mbo_vc.verification.status import StatusCheckers

if TYPE_CHECKING:
    from mbo_vc.status.registry import (
        ListInfo,
        SqliteStatusStore,
        StatusEvent,
        StatusRegistry,
        StatusStore,
    )

_REGISTRY_NAMES = frozenset(
    {"ListInfo", "SqliteStatusStore", "StatusEvent", "StatusRegistry", "StatusStore"}
)


def __getattr__(name: str) -> Any:
    # the issuer side (SQLite) is imported on first use: a verifier never loads it
    if name in _REGISTRY_NAMES:
        from mbo_vc.status import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'mbo_vc.status' has no attribute {name!r}")


__all__ = [
    "MIN_ENTRIES",
    "Bitstring",
    "DirectoryFetcher",
    "HttpFetcher",
    "ListInfo",
    "MappingFetcher",
    "SqliteStatusStore",
    "StatusChecker",
    "StatusCheckers",
    "StatusEntry",
    "StatusEvent",
    "StatusList",
    "StatusListFetcher",
    "StatusMessage",
    "StatusRegistry",
    "StatusResult",
    "StatusStore",
    "decode_list",
    "encode_list",
    "parse_status_entry",
    "parse_status_list_credential",
]
