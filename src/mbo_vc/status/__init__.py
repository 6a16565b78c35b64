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
from mbo_vc.status.registry import (
    ListInfo,
    SqliteStatusStore,
    StatusEvent,
    StatusRegistry,
    StatusStore,
)

__all__ = [
    "MIN_ENTRIES",
    "Bitstring",
    "DirectoryFetcher",
    "HttpFetcher",
    "ListInfo",
    "MappingFetcher",
    "SqliteStatusStore",
    "StatusChecker",
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
