"""Safe changes to files: atomic writes that keep file modes, a case-folder lock, and multi-file transactions.

Three tools, used by every writer of a case folder (today ``dialoguelab review``; the case loader may call
:func:`recover` before reading):

* :func:`atomic_write` writes one file through a temporary file in the same folder (flushed and fsynced)
  and :func:`os.replace`. An existing file keeps its permission bits; a new file gets the process umask's
  default (``0o666 & ~umask``, e.g. 644), not the owner-only 600 that :func:`tempfile.mkstemp` gives.
* :func:`case_lock` takes an exclusive :func:`fcntl.flock` lock on ``<case>/.dialoguelab.lock``. A second
  writer waits up to ``timeout`` seconds (default :data:`DEFAULT_LOCK_TIMEOUT`, or the environment
  variable ``DIALOGUELAB_LOCK_TIMEOUT``), then gets a :class:`CaseBusyError` naming the holder. The kernel
  releases the lock when its holder exits, even when it is killed, so a crash never leaves a stale lock.
* :func:`commit_files` replaces several files of a case folder all or nothing, with a journal, and
  :func:`recover` finishes (rolls forward) or undoes (rolls back) a transaction that a crash interrupted.

The transaction protocol (the caller holds the lock):

1. every new file is written, fsynced and given its final mode inside ``<case>/.dialoguelab-txn/``;
2. the journal ``.dialoguelab-txn/.journal.json`` (each target, its staged file and the SHA-256 of its new
   content) is written beside it and renamed into place: this rename is the *commit point*;
3. the staged files are renamed over their targets in the journal's order, then the journal and the
   folder are removed.

A crash before the commit point leaves the old files untouched and a staging folder without a journal:
recovery deletes it (roll back). A crash after it leaves a journal whose staged files are all on disk:
recovery renames the remaining ones (roll forward). Either way the folder ends exactly as it was before
or exactly as the transaction meant it to be. Names under the staging folder start with a dot, so the
case loader's content hash and file globs never see them.

Notes
-----
Locking uses :func:`fcntl.flock` (POSIX). It is advisory: it protects writers that use it (every
dialoguelab command), not edits made with a text editor meanwhile. On network file systems flock may be
emulated or absent; keep case folders on a local disk when several processes write to them.
"""

from __future__ import annotations

__all__ = [
    "LOCK_FILE",
    "TXN_DIR",
    "DEFAULT_LOCK_TIMEOUT",
    "CaseBusyError",
    "RecoveryError",
    "atomic_write",
    "default_file_mode",
    "lock_timeout",
    "case_lock",
    "commit_files",
    "recover",
    "recover_locked",
]

import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from dialoguelab.errors import CaseError, DialoguelabError, InvalidParameterError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".dialoguelab.lock"
TXN_DIR = ".dialoguelab-txn"
JOURNAL = ".journal.json"
JOURNAL_FORMAT = "dialoguelab-txn/1"
#: Seconds a writer waits for another one to finish with the same case folder.
DEFAULT_LOCK_TIMEOUT = 30.0
LOCK_TIMEOUT_ENV = "DIALOGUELAB_LOCK_TIMEOUT"

#: Fault injection for tests: called with the name of each step of :func:`commit_files` (``"stage
#: events/ingested.yaml"``, ``"commit"``, ``"replace sources.yaml"``, …). Raising from it, or killing the
#: process, simulates a crash at that point. None in normal use.
FAULT_HOOK: Callable[[str], None] | None = None


class CaseBusyError(DialoguelabError):
    """Another process holds the case folder's lock for longer than this one may wait."""


class RecoveryError(CaseError):
    """An interrupted transaction cannot be finished (its staged files are gone and a target changed)."""


def _step(name: str) -> None:
    if FAULT_HOOK is not None:
        FAULT_HOOK(name)


# ------------------------------------------------------------------------------------ single files


def default_file_mode() -> int:
    """The mode a new file gets from this process's umask (``0o666 & ~umask``).

    Read from ``/proc/self/status`` where available, so that the umask is never changed to read it.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux: set and restore at once
    os.umask(mask)  # pragma: no cover
    return 0o666 & ~mask  # pragma: no cover


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - a platform without directory fds
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - some file systems refuse fsync on a directory
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes, mode: int | None) -> None:
    """Create ``path`` (which must not exist), write ``data``, fsync; ``mode`` or the umask's default."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        if mode is not None:
            os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)


def _existing_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def atomic_write(path: str | Path, data: str | bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically: readers see the old or the new content, never a mix.

    Parameters
    ----------
    path : str or Path
        The file. Its folder is created if needed. A symbolic link is written through (the link stays).
    data : str or bytes
        Text is encoded as UTF-8.
    mode : int, optional
        Permission bits. Default: those of the existing file, or for a new file the umask's default
        (:func:`default_file_mode`), like ``open(path, "w")``.

    Returns
    -------
    Path
        The file written.
    """
    p = Path(path)
    if p.is_symlink():
        p = p.resolve()
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    keep = mode if mode is not None else _existing_mode(p)
    tmp = p.parent / f".{p.name}.{secrets.token_hex(6)}.tmp"
    try:
        _write_new(tmp, raw, keep)
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(p.parent)
    return p


# ------------------------------------------------------------------------------------------- lock


def lock_timeout(timeout: float | None = None) -> float:
    """The lock wait to use: ``timeout``, else ``$DIALOGUELAB_LOCK_TIMEOUT``, else :data:`DEFAULT_LOCK_TIMEOUT`.

    Raises
    ------
    InvalidParameterError
        For a negative or non-numeric value.
    """
    if timeout is None:
        raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_LOCK_TIMEOUT
        try:
            timeout = float(raw)
        except ValueError:
            raise InvalidParameterError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, got {raw!r}.") from None
    if not timeout >= 0:  # also rejects NaN
        raise InvalidParameterError(f"The lock timeout must be a number of seconds >= 0. Got {timeout} instead.")
    return float(timeout)


def _holder(fd: int) -> str:
    try:
        info = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
    except OSError:  # pragma: no cover
        return ""
    return f" ({info})" if info else ""


@contextmanager
def case_lock(root: str | Path, timeout: float | None = None, purpose: str = "write") -> Iterator[Path]:
    """Hold the exclusive lock of a case folder for the ``with`` block.

    Parameters
    ----------
    root : str or Path
        The case folder; the lock file ``.dialoguelab.lock`` is created in it (and kept: deleting a lock
        file races with other waiters).
    timeout : float, optional
        Seconds to wait for another holder; see :func:`lock_timeout`. 0 means do not wait.
    purpose : str, default="write"
        Shown to a process that finds the folder locked.

    Raises
    ------
    CaseBusyError
        When another process still holds the lock after ``timeout`` seconds.
    CaseError
        When the folder cannot hold a lock file (missing or read-only).

    Examples
    --------
    >>> import tempfile
    >>> with case_lock(tempfile.mkdtemp(), timeout=0) as folder:
    ...     pass
    """
    folder = Path(root)
    wait = lock_timeout(timeout)
    if fcntl is None:  # pragma: no cover - not POSIX
        raise CaseError("locking a case folder needs fcntl (a POSIX system).")
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise CaseError(
            f"cannot lock the case folder {folder} ({exc.strerror or exc}): it must exist and be writable "
            "to be changed."
        ) from None
    try:
        deadline = time.monotonic() + wait
        delay = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CaseBusyError(
                        f"the case folder {folder} is locked by another dialoguelab process{_holder(fd)}; "
                        f"waited {wait:g} s. Try again when it has finished, or wait longer with "
                        f"--lock-timeout SECONDS (or {LOCK_TIMEOUT_ENV})."
                    ) from None
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.2)
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {purpose}, since {stamp}\n".encode(), 0)
        try:
            yield folder
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------------- transactions


def _safe_relative(rel: str) -> Path:
    p = Path(rel)
    if p.is_absolute() or not p.parts or ".." in p.parts or p.parts[0] in (TXN_DIR, LOCK_FILE):
        raise InvalidParameterError(f"{rel!r} is not a path inside the case folder.")
    return p


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError):
        return None


def commit_files(root: str | Path, changes: Mapping[str, str | bytes]) -> None:
    """Create or replace several files of a folder all or nothing (the caller holds :func:`case_lock`).

    Parameters
    ----------
    root : str or Path
        The case folder.
    changes : mapping of str to str or bytes
        Relative path → new content, applied in this order (put files that others refer to first, so
        that even a reader that does not recover sees a consistent folder at every step). Existing files
        keep their permission bits; new files and folders get the umask's default.

    Raises
    ------
    OSError
        When staging fails (disk full, permissions): nothing was changed and the staging folder is
        removed. When a rename fails after the commit point, the journal stays and the next
        :func:`recover` finishes the transaction.

    Notes
    -----
    An interrupted transaction left by an earlier crash is recovered first. See the module notes for the
    protocol and the guarantee.
    """
    folder = Path(root)
    recover_locked(folder)
    entries = []
    for k, (rel, data) in enumerate(changes.items()):
        relp = _safe_relative(rel)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        entries.append((relp, f".{k}.stage", raw))
    if not entries:
        return
    root_dev = os.stat(folder).st_dev
    for relp, _, _ in entries:  # a rename cannot cross file systems: refuse before anything is written
        anc = folder / relp
        while not anc.exists():
            anc = anc.parent
        if os.stat(anc).st_dev != root_dev:
            raise InvalidParameterError(
                f"{relp} is on another file system than the case folder {folder}; it cannot be replaced atomically."
            )
    txn = folder / TXN_DIR
    txn.mkdir()
    try:
        _fsync_dir(folder)
        _step("begin")
        journal = []
        for relp, name, raw in entries:
            _write_new(txn / name, raw, _existing_mode(folder / relp))
            journal.append({"path": relp.as_posix(), "staged": name, "sha256": _sha(raw)})
            _step(f"stage {relp.as_posix()}")
        body = {
            "format": JOURNAL_FORMAT,
            "pid": os.getpid(),
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "files": journal,
        }
        _write_new(txn / (JOURNAL + ".tmp"), json.dumps(body, indent=1).encode("utf-8"), None)
        _step("journal written")
    except Exception:
        shutil.rmtree(txn, ignore_errors=True)  # not committed: the old files are untouched
        raise
    os.replace(txn / (JOURNAL + ".tmp"), txn / JOURNAL)
    _fsync_dir(txn)
    _step("commit")
    _roll_forward(folder, body)


def _roll_forward(folder: Path, journal: dict[str, object]) -> None:
    txn = folder / TXN_DIR
    files = journal.get("files")
    if journal.get("format") != JOURNAL_FORMAT or not isinstance(files, list):
        raise RecoveryError(
            f"{txn / JOURNAL} is not a dialoguelab journal: move {txn} away after checking the case by hand."
        )
    for entry in files:
        relp = _safe_relative(str(entry["path"]))
        staged = txn / Path(str(entry["staged"])).name
        target = folder / relp
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            _fsync_dir(target.parent)
            _step(f"replace {relp.as_posix()}")
        elif _file_sha(target) != entry["sha256"]:
            raise RecoveryError(
                f"cannot finish the interrupted change of {target}: its staged copy is gone and the file does "
                f"not hold the new content. Restore the case folder from your backup or version control, then "
                f"remove {txn}."
            )
    for leftover in txn.iterdir():  # the journal last: until it is gone, recovery can run again
        if leftover.name != JOURNAL:
            leftover.unlink()
    (txn / JOURNAL).unlink()
    _step("journal removed")
    txn.rmdir()
    _fsync_dir(folder)
    _step("done")


def recover_locked(root: str | Path) -> str | None:
    """:func:`recover` for a caller that already holds the lock."""
    folder = Path(root)
    txn = folder / TXN_DIR
    if not txn.is_dir():
        return None
    journal = txn / JOURNAL
    if journal.is_file():
        try:
            body = json.loads(journal.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            body = {}
        _roll_forward(folder, body)
        return "rolled forward"
    shutil.rmtree(txn)
    _fsync_dir(folder)
    return "rolled back"


def recover(root: str | Path, timeout: float | None = None) -> str | None:
    """Finish or undo a transaction that a crash interrupted in the case folder ``root``.

    Cheap when there is nothing to do: it only looks for the staging folder, and creates no file.
    Otherwise it takes the folder's lock (so that a transaction still running is not disturbed) and
    rolls forward (a committed journal) or back (no journal).

    Returns
    -------
    str or None
        ``"rolled forward"``, ``"rolled back"``, or None when there was nothing to recover.

    Raises
    ------
    CaseBusyError
        When the lock holder does not finish within ``timeout`` seconds.
    RecoveryError
        When a committed transaction cannot be finished.
    """
    folder = Path(root)
    if not (folder / TXN_DIR).is_dir():
        return None
    with case_lock(folder, timeout, purpose="recovery"):
        return recover_locked(folder)
