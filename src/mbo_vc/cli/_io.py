"""What every ``mbo-vc`` command shares: bounded input, output, the network switch, the
resolver, loader and status options, and printing a verification result."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from mbo_vc.did import DidResolver
from mbo_vc.did.documents import load_pinned_dir
from mbo_vc.display import shown, shown_lines
from mbo_vc.errors import InputError, LimitExceededError, UsageError, redact
from mbo_vc.json_input import parse_json, read_bounded
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.keys import Signer, open_signer
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.status import DirectoryFetcher, HttpFetcher, StatusChecker
from mbo_vc.timestamps import parse_timestamp
from mbo_vc.verification.status import StatusCheckers

__all__ = [
    "EXIT_NOT_VERIFIED",
    "EXIT_OK",
    "EXIT_USAGE",
    "KEY_HELP",
    "Progress",
    "add_context_argument",
    "add_jobs_argument",
    "add_network_arguments",
    "check_jobs",
    "load_key",
    "load_signing_key",
    "loader_from_args",
    "parse_now",
    "print_result",
    "read_document",
    "read_input",
    "resolver_from_args",
    "status_dir",
    "status_from_args",
    "write_json",
    "write_output",
]

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


def read_input(path: str) -> bytes:
    """Read a file (or stdin for ``-``) without ever holding more than the size limit."""
    try:
        if path == "-":
            return read_bounded(sys.stdin.buffer)
        with open(path, "rb") as fh:
            return read_bounded(fh)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None


def read_document(path: str) -> dict[str, Any]:
    """A JSON document from ``path``; anything that is not one is a usage error (exit 2)."""
    data = read_input(path)
    try:
        return parse_json(data)
    except LimitExceededError:
        raise
    except InputError as exc:
        raise UsageError(f"{path}: {exc.message}") from None


KEY_HELP = (
    "key file (from 'mbo-vc key generate'), a key in an HSM: an RFC 7512 URI "
    "'pkcs11:token=…;object=…?pin-source=FILE&module-path=MODULE' (mbo-vc[pkcs11]), or a key "
    "in AWS KMS: 'aws-kms:KEY-ARN' or 'aws-kms:alias/NAME?region=REGION' (mbo-vc[kms])"
)
"""The help text of every ``--key`` that signs."""


def load_key(ref: str) -> Signer:
    """The signer ``--key`` names: a key file, Ed25519 or P-256/P-384 (bounded read; a clear
    error, never its content), a ``pkcs11:`` URI (an HSM; the PIN never in a message) or an
    ``aws-kms:`` reference (AWS KMS), by :func:`mbo_vc.keys.open_signer`."""
    return open_signer(ref)


def load_signing_key(path: str, option: str = "--key") -> Signer:
    """The signer ``--key`` names (:func:`load_key`), one that can sign: a key file that holds
    only a public key is a usage error (exit 2), before anything is read or written."""
    key = load_key(path)
    if not key.has_private:
        raise UsageError(f"{option} {path} holds only a public key: signing needs the private "
                         "key (a file from 'mbo-vc key generate')")  # fmt: skip
    return key


def write_output(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out`` (stdout when None or ``-``)."""
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


def write_json(doc: Any, out: str | None) -> None:
    """Write ``doc`` as indented JSON to ``out`` (stdout when None or ``-``); C1 and bidi
    characters as ``\\uXXXX`` escapes (the same JSON value, mbo_vc.display)."""
    write_output(shown_lines(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n", out)


class Progress:
    """A one-line progress bar, drawn only when ``stream`` is a terminal; on anything else
    (a file, a pipe, a CI log) only the notes appear, as plain lines without control
    characters."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width, self.done = max(total, 1), stream, width, 0
        # the bar's own carriage returns go past the command line's SafeStream (mbo_vc.display)
        self.bar: TextIO = getattr(stream, "raw", stream)
        isatty = getattr(stream, "isatty", None)
        self.tty = bool(isatty()) if callable(isatty) else False

    def step(self) -> None:
        """Advance by one and redraw (on a terminal)."""
        self.done += 1
        if not self.tty:
            return
        filled = self.width * min(self.done, self.total) // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.bar.write(f"\r[{bar}] {self.done}/{self.total}")
        if self.done >= self.total:
            self.bar.write("\n")
        self.bar.flush()

    def clear(self) -> None:
        """Wipe the bar (on a terminal), so that a line can be printed in its place."""
        if self.tty:
            self.bar.write("\r" + " " * (self.width + 24) + "\r")
            self.bar.flush()

    def note(self, text: str) -> None:
        """Print a message (above the bar, on a terminal)."""
        self.clear()
        self.stream.write(shown(text) + "\n")
        self.stream.flush()


def add_jobs_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--jobs N``: how many worker processes share the work (mbo_vc.batch)."""
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help=f"{what} on N worker processes (default 1: in this process)",
    )


def check_jobs(jobs: int) -> int:
    """``--jobs`` must be at least 1 (a usage error otherwise)."""
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return jobs


def add_context_argument(parser: argparse.ArgumentParser) -> None:
    """``--context URL=FILE`` (repeatable): an extra JSON-LD context for this run."""
    parser.add_argument("--context", action="append", metavar="URL=FILE",
                        help="register an extra JSON-LD context for this run")  # fmt: skip


def loader_from_args(args: argparse.Namespace) -> DocumentLoader:
    """The loader for ``--context URL=FILE`` options (the default loader when there are none)."""
    context_args = getattr(args, "context", None)
    if not context_args:
        return default_loader()
    extra: dict[str, bytes] = {}
    for item in context_args:
        url, sep, file = item.partition("=")
        if not sep or not url or not file:
            raise UsageError(f"--context takes URL=FILE, got {item!r}")
        extra[url] = read_input(file)
    return DocumentLoader(extra=extra)


def add_network_arguments(parser: argparse.ArgumentParser, *, status: bool = False) -> None:
    """``--online`` (the one switch for all network use), ``--pinned-dir``, ``--ca-bundle``,
    ``--timeout``, ``--allow-private``; with ``status``, also ``--status-dir``/``--no-status``."""
    parser.add_argument(
        "--online",
        "--web",
        dest="online",
        action="store_true",
        help="allow network use: did:web documents and status lists over HTTPS (with "
        "timeouts, size limits and no private addresses)",
    )
    parser.add_argument("--pinned-dir", metavar="DIR", help="folder of pinned DID documents")
    parser.add_argument("--ca-bundle", metavar="PEM", help="trust these CAs (with --online)")
    parser.add_argument("--timeout", type=float, default=5.0, help="network timeout (seconds)")
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="let --online contact private/loopback addresses (testing only)",
    )
    if status:
        parser.add_argument(
            "--status-dir",
            metavar="DIR",
            help="check credentialStatus against the status lists in DIR",
        )
        parser.add_argument(
            "--no-status",
            action="store_true",
            help="do not check credentialStatus (reported as a warning)",
        )


def _network_options(args: argparse.Namespace) -> dict[str, Any]:
    if not getattr(args, "online", False):
        if getattr(args, "ca_bundle", None) or getattr(args, "allow_private", False):
            raise UsageError("--ca-bundle and --allow-private only apply with --online")
        return {}
    timeout = getattr(args, "timeout", 5.0)
    if not timeout > 0:
        raise UsageError("--timeout must be positive")
    return {"ca_bundle": args.ca_bundle, "timeout": timeout, "allow_private": args.allow_private}


def resolver_from_args(args: argparse.Namespace) -> DidResolver:
    """The resolver the network options ask for (offline unless ``--online``)."""
    pinned = getattr(args, "pinned_dir", None)
    documents = load_pinned_dir(pinned) if pinned else None
    options = _network_options(args)
    if not options:
        return DidResolver(documents=documents)
    timeout = options["timeout"]
    return DidResolver.with_web(
        documents=documents,
        ca_bundle=options["ca_bundle"],
        connect_timeout=timeout,
        read_timeout=timeout,
        total_timeout=2 * timeout,
        allow_private=options["allow_private"],
    )


def status_from_args(
    args: argparse.Namespace, loader: DocumentLoader, resolver: DidResolver
) -> StatusCheckers | None:
    """The status checkers ``--status-dir`` (a folder) or ``--online`` (HTTPS) ask for."""
    if getattr(args, "no_status", False):
        if getattr(args, "status_dir", None):
            raise UsageError("--no-status and --status-dir do not go together")
        return None
    options = _network_options(args)
    folder = getattr(args, "status_dir", None)
    fetcher: DirectoryFetcher | HttpFetcher
    if folder:
        fetcher = DirectoryFetcher(status_dir(folder))
    elif options:
        fetcher = HttpFetcher(
            timeout=options["timeout"],
            ca_bundle=options["ca_bundle"],
            allow_private=options["allow_private"],
        )
    else:
        return None
    from mbo_vc.status.token_checker import TokenStatusListChecker

    # one fetcher for both mechanisms: credentialStatus (Bitstring) and an SD-JWT VC's
    # status.status_list (IETF Token Status List)
    return StatusCheckers(
        StatusChecker(fetcher, loader=loader, resolver=resolver),
        TokenStatusListChecker(fetcher, resolver=resolver),
    )


def status_dir(folder: str) -> str:
    """``--status-dir DIR``: a folder that exists (a usage error, exit 2, otherwise: a typo
    must not read as "status unavailable" for every credential)."""
    if not Path(folder).is_dir():
        raise UsageError(f"--status-dir {folder}: no such folder")
    return folder


def parse_now(value: str | None) -> str | None:
    """Check ``--now`` (a usage error, exit 2, when it is not an ISO 8601 date with timezone)."""
    if value is None:
        return None
    try:
        parse_timestamp(value, "--now")
    except InputError as exc:
        raise UsageError(exc.message) from None
    return value


def _line(problem: Any) -> str:
    where = f" [{problem.where}]" if problem.where else ""
    return f"{problem.code}{where}: {problem.message}"


def print_result(result: VerificationResult | PresentationResult, name: str, as_json: bool) -> None:
    """Print a verification result: the verdict, checks, proofs, status, problems, warnings."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    lines: list[str] = []  # collected, then written once with any secret redacted
    _print_lines(result, name, lines.append)
    # each line is one line: a newline (or any control or bidi character) inside one came from
    # the credential, and is shown as an escape (mbo_vc.display)
    sys.stdout.write(redact("\n".join(shown(line) for line in lines)) + "\n")


def _print_lines(result: VerificationResult | PresentationResult, name: str, out: Any) -> None:
    """The human lines of :func:`print_result`, one ``out(line)`` each."""
    out(f"{'verified' if result.verified else 'NOT verified'}: {name}")
    if isinstance(result, PresentationResult):
        out(f"  presentation ({result.format}) by holder {result.holder or '(not named)'}")
        out(f"  checks: {', '.join(result.checks) or '-'}")
        for proof in result.proofs:
            out(f"  proof {proof.index}: {proof.cryptosuite or proof.type} by {proof.controller}")
        for p in result.presentation_problems:
            out(f"    {_line(p)}")
        for p in result.warnings:
            out(f"    warning {_line(p)}")
        for c in result.credentials:
            state = "verified" if c.verified else "NOT verified"
            passed = ", ".join(k for k, ok in c.checks.items() if ok) or "-"
            out(f"  credential {c.index} ({c.format}) from {c.issuer}: {state}; passed: {passed}")
            for s in c.result.status:
                out(f"    status: {s.summary()}")
            for p in c.problems:
                out(f"    {_line(p)}")
            for p in c.result.warnings:
                out(f"    warning {_line(p)}")
        return
    out(f"  format: {result.format}")
    if result.trusted_issuer is not None:
        ti = result.trusted_issuer
        codes = ", ".join(f"{k} {v}" for k, v in (("BRIN", ti.brin), ("OIN", ti.oin)) if v)
        out(f"  issuer on the trust list: {ti.name or ti.id}{f' ({codes})' if codes else ''}")
    out(f"  checks: {', '.join(result.checks) or '-'}")
    for proof in result.proofs:
        purpose = f" ({proof.proof_purpose})" if proof.proof_purpose else ""
        out(f"  proof {proof.index}: {proof.cryptosuite or proof.type} by "
              f"{proof.controller}{purpose}")  # fmt: skip
    for s in result.status:
        out(f"  status: {s.summary()}")
    if result.format == "dc+sd-jwt" and result.document is not None and result.verified:
        claims = {k: v for k, v in result.document.items() if k not in ("cnf", "_sd_alg")}
        out(f"  selectively disclosed: {', '.join(result.disclosed) or '(none)'}")
        out("  claims:")
        for line in json.dumps(claims, indent=2, ensure_ascii=False).splitlines():
            out(f"    {line}")
    for p in result.problems:
        out(f"  {_line(p)}")
    for p in result.warnings:
        out(f"  warning {_line(p)}")
