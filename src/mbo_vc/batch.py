"""Batches: verify, sign and issue many documents on any :class:`concurrent.futures.Executor`.

:func:`verify_many`, :func:`sign_many` and :func:`issue_many` take any iterable (a list, a
generator of documents, of :class:`pathlib.Path` objects, of waardepapieren) and yield one result
per item, lazily and in input order, with a bounded amount of work in flight: the input is read
in chunks, at most ``window`` chunks run at a time, so memory stays flat however long the input
is. Each item's failure is that item's result; a batch never stops for a bad item.

The executor is a process pool of ``os.cpu_count()`` workers by default (``jobs`` sets its size;
``jobs=1`` runs in this process), or any executor the caller gives: a ``ThreadPoolExecutor``, a
``ProcessPoolExecutor``, or a distributed engine's, such as Dask's ``Client.get_executor()``.
Keys and options travel once per worker to a pool mbo_vc starts (its initializer), and with each
chunk, never with each item, to a caller's executor. See docs/batches.md.
"""

from __future__ import annotations

import gc
import inspect
import multiprocessing
import os
import pickle
import threading
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from mbo_vc.errors import MboVcError, UsageError, error_class_for
from mbo_vc.json_input import parse_json, read_file_bounded
from mbo_vc.keys import (
    EcKey,
    Ed25519Key,
    ExternalSigner,
    Signer,
    key_from_multibase,
    open_signer,
)
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.proofs import suite_named
from mbo_vc.result import Problem, VerificationResult
from mbo_vc.signing import default_cryptosuite, sign
from mbo_vc.verifier import verify

if TYPE_CHECKING:
    from mbo_vc.mbo.model import Waardepapier

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "SignResult",
    "issue_many",
    "sign_many",
    "verify_many",
]

DEFAULT_CHUNK_SIZE = 16
"""Items per task. Measured on 2 cores (bench/bench_batch.py, docs/batches.md): from 16 on the
per-task cost is below 1% of the work; larger chunks only add read-ahead memory."""

Setup = Callable[[], Mapping[str, Any]]
"""A picklable callable a worker calls once to build options that cannot travel (a
``StatusChecker``, a did:web ``DidResolver``, a ``DocumentLoader`` with extra contexts)."""

_R = TypeVar("_R")


@dataclass(frozen=True)
class SignResult:
    """One item of :func:`sign_many` or :func:`issue_many`: the signed document, or the problem
    that kept it from being signed (the code is the one :func:`mbo_vc.sign` would have raised).
    """

    index: int
    """The item's position in the input (0-based)."""
    document: dict[str, Any] | None = None
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """True when the item was signed."""
        return self.problem is None and self.document is not None

    def unwrap(self) -> dict[str, Any]:
        """The signed document; raises the item's typed error (the
        :class:`~mbo_vc.errors.MboVcError` subclass of its code) when it was not signed."""
        if self.document is not None and self.problem is None:
            return self.document
        problem = self.problem or Problem("internal_error", "no document and no problem")
        raise error_class_for(problem.code)(problem.message)


# --- keys on their way to a worker -----------------------------------------------------------


class _SealedKey:
    """A signing key on its way to a worker: its secret Multikey, or only its key file's path
    or ``pkcs11:`` URI, or how to open its HSM/KMS signer again; its controller and
    verification method. Never shown: ``repr`` names the method only.

    The key classes refuse to be pickled on purpose; a batch is the one place that sends a key
    to another process, so it does so explicitly, here, and only to the workers of the batch.
    A key in an HSM never travels: each worker opens its own session to it.
    """

    __slots__ = ("_controller", "_method", "_path", "_reopen", "_secret")

    def __init__(
        self,
        secret: str | None,
        path: str | None,
        controller: str,
        method: str,
        reopen: Callable[[], Signer] | None = None,
    ) -> None:
        self._secret, self._path, self._reopen = secret, path, reopen
        self._controller, self._method = controller, method

    @classmethod
    def of(cls, key: Signer | str | os.PathLike[str]) -> _SealedKey:
        """Seal ``key`` (a key object, an HSM/KMS signer that can be opened again, or the path
        of a key file or a ``pkcs11:`` URI each worker opens itself)."""
        if isinstance(key, str | os.PathLike):
            loaded = open_signer(key)  # here too: a bad key fails the call, not every item
            _require_private(loaded)
            sealed = cls(None, os.fspath(key), loaded.controller, loaded.verification_method)
            if isinstance(loaded, ExternalSigner):
                _close(loaded)
            return sealed
        if isinstance(key, ExternalSigner) and key.reopener() is not None:
            return cls(None, None, key.controller, key.verification_method, key.reopener())
        if not isinstance(key, Ed25519Key | EcKey):
            raise UsageError(
                f"a {type(key).__name__} cannot be sent to worker processes: pass an "
                "Ed25519Key or EcKey, the path of a key file or a pkcs11: URI, or use a "
                "ThreadPoolExecutor"
            )
        _require_private(key)
        sealed = cls(key.secret_key_multibase(), None, key.controller, key.verification_method)
        if sealed.open() != key or sealed.open().verification_method != key.verification_method:
            raise UsageError("this key's verification method cannot be carried to a worker")
        return sealed

    def open(self) -> Signer:
        """The key again (in the worker)."""
        key: Signer
        if self._reopen is not None:
            key = self._reopen()
        elif self._path is not None:
            key = open_signer(self._path)
        else:
            key = key_from_multibase(self._secret or "")
        if (key.controller, key.verification_method) != (self._controller, self._method):
            key = key.with_controller(self._controller, self._method)
        return key

    def __getstate__(self) -> tuple[Any, ...]:
        return self._secret, self._path, self._controller, self._method, self._reopen

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._secret, self._path, self._controller, self._method, self._reopen = state

    def __repr__(self) -> str:
        return f"<sealed key {self._method}>"

    __str__ = __repr__


def _close(signer: Any) -> None:
    close = getattr(signer, "close", None)
    if callable(close):
        close()


def _load(key: Signer | str | os.PathLike[str]) -> Signer:
    return open_signer(key) if isinstance(key, str | os.PathLike) else key


def _require_private(key: Signer) -> None:
    if not key.has_private:
        raise UsageError("this key holds only a public key and cannot sign")


# --- the job: what every worker needs, sent once ----------------------------------------------


@dataclass(frozen=True)
class _Job:
    """One batch: what to do, with which options and keys (sealed when crossing processes)."""

    token: str
    kind: str
    options: dict[str, Any]
    setup: Setup | None
    keys: tuple[Any, ...]


@dataclass(frozen=True)
class _Ready:
    """A job as a worker holds it: setup done, keys opened (or the problem that stopped it)."""

    kind: str
    options: dict[str, Any]
    keys: tuple[Any, ...]
    error: Problem | None = None


_OPTION_NAMES = {
    "verify": frozenset(inspect.signature(verify).parameters) - {"document"},
    "sign": frozenset(inspect.signature(sign).parameters) - {"document", "key"},
    "issue": frozenset({"created", "loader"}),
}

_READY: OrderedDict[str, _Ready] = OrderedDict()
_READY_LOCK = threading.Lock()
_READY_MAX = 2
"""A worker of a caller's executor keeps the jobs of its last two batches (keys included)."""


def _check_options(kind: str, options: Mapping[str, Any]) -> None:
    unknown = sorted(set(options) - _OPTION_NAMES[kind])
    if unknown:
        raise UsageError(f"unknown option(s) for a {kind} batch: {', '.join(unknown)[:200]}")


def _prepare(job: _Job) -> _Ready:
    """Run the job's setup and open its keys; never raises (a failure fails every item)."""
    try:
        options = dict(job.options)
        if job.setup is not None:
            extra = job.setup()
            if not isinstance(extra, Mapping):
                raise UsageError("a batch's setup must return a mapping of options")
            _check_options(job.kind, extra)
            options.update(extra)
        keys = tuple(k.open() if isinstance(k, _SealedKey) else k for k in job.keys)
        return _Ready(job.kind, options, keys)
    except MboVcError as exc:
        return _Ready(job.kind, {}, (), Problem(exc.code, f"batch worker setup: {exc.message}"))
    except Exception as exc:  # the caller's setup: its failure is every item's result
        problem = Problem(
            "batch_worker_failed", f"batch worker setup failed: {type(exc).__name__}: {exc}"
        )
        return _Ready(job.kind, {}, (), problem)


_OWN_WORKER = {"freeze": False}
"""Set in the workers of a pool mbo_vc starts (processes it owns): after their first chunk the
long-lived objects (processed contexts, caches) are moved out of the cyclic collector's reach
with :func:`gc.freeze`; full collections over them were half of a verification's time. A caller's
executor (Dask, a pool of its own) is never touched."""


def _install(job: _Job) -> None:
    """The initializer of a pool mbo_vc starts: the job, once per worker."""
    with _READY_LOCK:
        _READY[job.token] = _prepare(job)
    _OWN_WORKER["freeze"] = True


def _ready_for(ref: _Job | str) -> _Ready:
    token = ref if isinstance(ref, str) else ref.token
    with _READY_LOCK:
        ready = _READY.get(token)
        if ready is not None:
            _READY.move_to_end(token)
            return ready
    if isinstance(ref, str):
        problem = Problem("batch_worker_failed", "this worker was not set up for the batch")
        return _Ready("", {}, (), problem)
    ready = _prepare(ref)
    with _READY_LOCK:
        _READY[token] = ready
        while len(_READY) > _READY_MAX:
            _READY.popitem(last=False)
    return ready


def _forget(token: str) -> None:
    with _READY_LOCK:
        _READY.pop(token, None)


# --- one item --------------------------------------------------------------------------------


def _limits(options: Mapping[str, Any]) -> Limits:
    limits = options.get("limits")
    return limits if isinstance(limits, Limits) else DEFAULT_LIMITS


def _read(path: os.PathLike[str], options: Mapping[str, Any]) -> bytes:
    """A file's bytes, bounded as ``mbo-vc verify`` bounds them: a baked image may be larger
    than a document (``verify`` takes the credential out and bounds that)."""
    limits = _limits(options)
    most = max(limits.max_document_bytes, limits.max_image_bytes)
    return read_file_bounded(path, max_bytes=most, what="document")


def _failed_verification(problem: Problem, *, not_a_document: bool = False) -> VerificationResult:
    result = VerificationResult(not_a_document=not_a_document)
    result.problems.append(problem)
    return result


def _verify_one(ready: _Ready, index: int, item: Any) -> VerificationResult:
    if ready.error is not None:
        return _failed_verification(ready.error)
    if isinstance(item, os.PathLike):
        try:
            item = _read(item, ready.options)
        except MboVcError as exc:
            return _failed_verification(
                Problem(exc.code, exc.message), not_a_document=exc.code == "malformed_document"
            )
    return verify(item, **ready.options)


def _signed(index: int, work: Callable[[], dict[str, Any]], what: str) -> SignResult:
    try:
        return SignResult(index, work())
    except MboVcError as exc:
        return SignResult(index, problem=Problem(exc.code, exc.message))
    except RecursionError:
        return SignResult(index, problem=Problem("limit_exceeded", "the document is too deep"))
    except Exception as exc:  # defence in depth: one item's bug is that item's result
        message = f"unexpected {type(exc).__name__} while {what}"
        return SignResult(index, problem=Problem("internal_error", message))


def _sign_one(ready: _Ready, index: int, item: Any) -> SignResult:
    if ready.error is not None:
        return SignResult(index, problem=ready.error)

    def work() -> dict[str, Any]:
        doc = parse_json(_read(item, ready.options)) if isinstance(item, os.PathLike) else item
        return sign(doc, ready.keys[0], **ready.options)

    return _signed(index, work, "signing")


def _issue_one(ready: _Ready, index: int, item: Any) -> SignResult:
    if ready.error is not None:
        return SignResult(index, problem=ready.error)
    # Imported here, not at the top: the mbo models (pydantic) are only loaded by batches
    # that issue waardepapieren, so that ``import mbo_vc`` stays light.
    from mbo_vc.mbo.signers import issue

    def work() -> dict[str, Any]:
        return issue(item, ready.keys[0], examencommissie=ready.keys[1], **ready.options)

    return _signed(index, work, "issuing")


_ONE: dict[str, Callable[[_Ready, int, Any], Any]] = {
    "verify": _verify_one,
    "sign": _sign_one,
    "issue": _issue_one,
}


def _run_chunk(ref: _Job | str, chunk: list[tuple[int, Any]]) -> list[Any]:
    """One task: a chunk of (index, item) pairs, in order (runs in the worker)."""
    ready = _ready_for(ref)
    kind = ready.kind or (ref.kind if isinstance(ref, _Job) else "verify")
    one = _ONE[kind]
    results = [one(ready, index, item) for index, item in chunk]
    if _OWN_WORKER["freeze"]:
        _OWN_WORKER["freeze"] = False
        gc.freeze()  # (once, warm: see _OWN_WORKER)
    return results


def _failed_item(kind: str, index: int, problem: Problem) -> Any:
    if kind == "verify":
        return _failed_verification(problem)
    return SignResult(index, problem=problem)


# --- the stream ------------------------------------------------------------------------------


def _start_method() -> str:
    """``forkserver`` where the platform has it (safe with threads, unlike ``fork``; workers
    fork from a server that has mbo_vc imported, so they start fast), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def _own_pool(workers: int, job: _Job) -> ProcessPoolExecutor:
    ctx = multiprocessing.get_context(_start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["mbo_vc.batch"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_install, initargs=(job,)
    )


def _check_transport(job: _Job, executor: Executor | None) -> None:
    """Refuse, up front, options that cannot reach a worker process (with the way out)."""
    dumps: Callable[[Any], bytes] = pickle.dumps
    if executor is not None and not isinstance(executor, ProcessPoolExecutor):
        try:  # distributed engines (Dask) send with cloudpickle, which carries more
            import cloudpickle

            dumps = cloudpickle.dumps
        except ImportError:
            pass
    try:
        dumps(job)
    except Exception as exc:
        raise UsageError(
            f"the batch's options cannot be sent to worker processes ({type(exc).__name__}: "
            f"{str(exc)[:120]}); build them in each worker with setup=…, or use a "
            "ThreadPoolExecutor"
        ) from None


def _check_sizes(jobs: int | None, chunk_size: int, window: int | None) -> None:
    for name, value in (("jobs", jobs), ("chunk_size", chunk_size), ("window", window)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise UsageError(f"{name} must be a whole number")
        if value is not None and value < 1:
            raise UsageError(f"{name} must be at least 1")


def _stream(
    kind: str,
    items: Iterable[Any],
    *,
    options: dict[str, Any],
    setup: Setup | None,
    keys: tuple[Any, ...],
    executor: Executor | None,
    jobs: int | None,
    chunk_size: int,
    window: int | None,
) -> Iterator[Any]:
    """Check the arguments now (raising typed errors), then return the lazy stream."""
    _check_sizes(jobs, chunk_size, window)
    if executor is not None and not isinstance(executor, Executor):
        raise UsageError("executor must be a concurrent.futures.Executor")
    if executor is not None and jobs is not None:
        raise UsageError("jobs sizes the pool mbo_vc starts; with your own executor, omit it")
    if setup is not None and not callable(setup):
        raise UsageError("setup must be a callable returning a mapping of options")
    _check_options(kind, options)
    if not isinstance(items, Iterable) or isinstance(items, str | bytes | Mapping):
        raise UsageError("the items of a batch must be an iterable of documents")
    workers = jobs or (os.cpu_count() or 1)
    inline = executor is None and workers == 1
    in_process = inline or isinstance(executor, ThreadPoolExecutor)
    sealed = tuple(_opened(k) for k in keys) if in_process else tuple(_seal(k) for k in keys)
    job = _Job(uuid.uuid4().hex, kind, dict(options), setup, sealed)
    if not in_process:
        _check_transport(job, executor)
    if window is None:
        size = getattr(executor, "_max_workers", None) if executor is not None else workers
        window = 2 * (size if isinstance(size, int) and size > 0 else os.cpu_count() or 1)
    chunks = _chunks(items, chunk_size)
    if inline:
        return _inline(job, chunks)
    return _pooled(job, chunks, executor, workers, window)


def _opened(key: Any) -> Any:
    """A key for signing in this process: a key file's path or a signer reference is opened
    once, here (a bad or public-only key fails the call, not every item)."""
    if isinstance(key, str | os.PathLike):
        loaded = open_signer(key)
        _require_private(loaded)
        return loaded
    return key


def _seal(key: Any) -> Any:
    return None if key is None else _SealedKey.of(key)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[tuple[int, Any]]]:
    it = enumerate(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _inline(job: _Job, chunks: Iterator[list[tuple[int, Any]]]) -> Iterator[Any]:
    try:
        for chunk in chunks:
            yield from _run_chunk(job, chunk)
    finally:
        _forget(job.token)


def _pooled(
    job: _Job,
    chunks: Iterator[list[tuple[int, Any]]],
    executor: Executor | None,
    workers: int,
    window: int,
) -> Iterator[Any]:
    own = executor is None
    pool: Executor = _own_pool(workers, job) if executor is None else executor
    ref: _Job | str = job.token if own else job
    pending: deque[tuple[Future[list[Any]], list[int]]] = deque()

    def submit() -> bool:
        chunk = next(chunks, None)
        if chunk is None:
            return False
        indices = [index for index, _ in chunk]
        try:
            future = pool.submit(_run_chunk, ref, chunk)
        except Exception as exc:  # a broken or closed executor: these items fail, typed
            future = Future()
            future.set_exception(exc)
        pending.append((future, indices))
        return True

    try:
        while len(pending) < window and submit():
            pass
        while pending:
            future, indices = pending.popleft()
            submit()  # keep the workers busy while this chunk's results are handed out
            try:
                results = future.result()
            except Exception as exc:
                problem = Problem(
                    "batch_worker_failed",
                    f"the worker handling items {indices[0]}-{indices[-1]} failed "
                    f"({type(exc).__name__}: {str(exc)[:200]}); this item was not processed",
                )
                results = [_failed_item(job.kind, i, problem) for i in indices]
            yield from results
    finally:
        for future, _ in pending:
            future.cancel()
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
        _forget(job.token)


# --- the three entry points --------------------------------------------------------------------


def verify_many(
    documents: Iterable[Mapping[str, Any] | str | bytes | os.PathLike[str]],
    *,
    executor: Executor | None = None,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    window: int | None = None,
    setup: Setup | None = None,
    **options: Any,
) -> Iterator[VerificationResult]:
    """Verify many credentials; yields one :class:`~mbo_vc.VerificationResult` per item, in
    input order, as :func:`mbo_vc.verify` would return it.

    An item is what ``verify`` takes (a JSON object, JSON text, a JWT, bytes) or a
    :class:`os.PathLike` (read by the worker, within ``limits``; a baked PNG/SVG too).
    ``options`` are ``verify``'s keyword options (``now``, ``policy``, ``check_status``,
    ``limits``, ``mbo_rules``, …); each worker verifies with :func:`mbo_vc.verify` itself, so
    a waardepapier gets the mbo rules.
    Options that cannot be pickled (a ``StatusChecker``, a did:web resolver, a loader with extra
    contexts) are built in each worker by ``setup``, a picklable callable returning them. Never
    raises for a bad item; raises :class:`~mbo_vc.errors.UsageError` for arguments that do not
    fit.
    """
    return _stream("verify", documents, options=options, setup=setup, keys=(),
                   executor=executor, jobs=jobs, chunk_size=chunk_size, window=window)  # fmt: skip


def sign_many(
    documents: Iterable[Mapping[str, Any] | os.PathLike[str]],
    key: Signer | str | os.PathLike[str],
    *,
    executor: Executor | None = None,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    window: int | None = None,
    setup: Setup | None = None,
    **options: Any,
) -> Iterator[SignResult]:
    """Sign many documents with ``key``; yields one :class:`SignResult` per item, in input
    order (``result.document`` as :func:`mbo_vc.sign` returns it, or ``result.problem``).

    ``key`` is a :class:`~mbo_vc.keys.Signer` (a key object, or an HSM signer each worker opens
    again) or the path of a key file or a ``pkcs11:`` URI (each worker then opens it itself, and
    only the reference travels). An item is a JSON object or a :class:`os.PathLike` of one.
    ``options`` are ``sign``'s keyword options (``cryptosuite``, ``created``, …). A bad item is
    that item's result; ``result.unwrap()`` raises its typed error. Raises at once only for
    arguments that do not fit (a public key, an unknown cryptosuite or option).
    """
    checked = _load(key)
    _require_private(checked)
    suite_named(options.get("cryptosuite") or default_cryptosuite(checked))
    if checked is not key:
        _close(checked)
    return _stream("sign", documents, options=options, setup=setup, keys=(key,),
                   executor=executor, jobs=jobs, chunk_size=chunk_size, window=window)  # fmt: skip


def issue_many(
    waardepapieren: Iterable[Waardepapier | Mapping[str, Any]],
    bevoegd_gezag: Signer | str | os.PathLike[str],
    *,
    examencommissie: Signer | str | os.PathLike[str] | None = None,
    created: Any = None,
    executor: Executor | None = None,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    window: int | None = None,
    setup: Setup | None = None,
) -> Iterator[SignResult]:
    """Issue many waardepapieren (:func:`mbo_vc.mbo.issue`: the examencommissie's proof first
    when given, then the bevoegd gezag's, chained); yields one :class:`SignResult` per item, in
    input order. Keys as in :func:`sign_many`; ``setup`` may return a ``loader``."""
    for key in (bevoegd_gezag, examencommissie):
        if key is not None:
            checked = _load(key)
            _require_private(checked)
            if checked is not key:
                _close(checked)
    options = {} if created is None else {"created": created}
    return _stream("issue", waardepapieren, options=options, setup=setup,
                   keys=(bevoegd_gezag, examencommissie), executor=executor, jobs=jobs,
                   chunk_size=chunk_size, window=window)  # fmt: skip
