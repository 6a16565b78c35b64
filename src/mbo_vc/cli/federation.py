"""``mbo-vc verify --trust-anchor-federation ANCHOR``: OpenID Federation trust on the command line.

``ANCHOR`` is a file with the trust anchor's entity configuration (its keys are the pinned
ones) or a JSON object ``{"entity_id": …, "jwks": …}``; the statements come from
``--federation-dir DIR`` (a folder of ``*.jwt`` statements, offline) or, with ``--online``, over
HTTPS with the same bounded client as did:web (``--ca-bundle``, ``--timeout``,
``--allow-private``). ``--trust-mark TYPE`` (repeatable) requires a trust mark of that type.
See docs/trust-federation.md.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mbo_vc.cli._io import _network_options
from mbo_vc.errors import UsageError

if TYPE_CHECKING:
    from mbo_vc.federation import FederationTrust

__all__ = ["add_federation_arguments", "federation_from_args"]


def add_federation_arguments(parser: argparse.ArgumentParser) -> None:
    """``--trust-anchor-federation``, ``--federation-dir`` and ``--trust-mark``."""
    parser.add_argument(
        "--trust-anchor-federation",
        metavar="ANCHOR",
        help="OpenID Federation: the pinned trust anchor (its entity configuration JWT, or JSON "
        "with entity_id and jwks); needs --federation-dir DIR or --online",
    )
    parser.add_argument(
        "--federation-dir",
        metavar="DIR",
        help="OpenID Federation: a folder of entity statements (*.jwt), instead of fetching them",
    )
    parser.add_argument(
        "--trust-mark",
        metavar="TYPE",
        action="append",
        default=[],
        help="OpenID Federation: the issuer must carry a valid trust mark of TYPE (repeatable)",
    )


def federation_from_args(args: argparse.Namespace) -> FederationTrust | None:
    """The federation trust check the options ask for (None without an anchor)."""
    anchor_file = getattr(args, "trust_anchor_federation", None)
    folder = getattr(args, "federation_dir", None)
    marks = getattr(args, "trust_mark", None) or []
    if not anchor_file:
        if folder or marks:
            raise UsageError("--federation-dir and --trust-mark need --trust-anchor-federation")
        return None
    from mbo_vc.federation import FederationTrust, FolderSource, HttpsSource, TrustAnchor

    anchor = TrustAnchor.load(anchor_file)
    source: FolderSource | HttpsSource
    if folder:
        source = FolderSource(folder)
    else:
        options = _network_options(args)
        if not options:
            raise UsageError("--trust-anchor-federation needs --federation-dir DIR (offline) or "
                             "--online (fetch the statements over HTTPS)")  # fmt: skip
        timeout = options["timeout"]
        source = HttpsSource(
            ca_bundle=options["ca_bundle"],
            connect_timeout=timeout,
            read_timeout=timeout,
            total_timeout=2 * timeout,
            allow_private=options["allow_private"],
        )
    return FederationTrust(anchor, source, trust_marks=marks)
