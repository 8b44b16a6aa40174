"""Built clean rules kept on disk between runs, so a crawl's workers start without building them.

``load_rules`` spends most of its time parsing, analysing (first characters,
screens) and compiling a few hundred regexes, the same ones every run. Given a
directory (``CLEAN_RULES_CACHE_DIR``), it keeps what it built in a file named by
a *key*: the SHA-256 of this format's version, the Python version, the source of
the modules that build and read rules (every ``crawler/cleaning/*.py`` and
``crawler/rulefiles.py``), the arguments of the load and the name and bytes of
every rule file, in order. A run with the same key reads the file instead of
building; any change to a rule file or to that code is a new key, built again.

Regexes are kept as their source (``Compiled``, rules.py) and compiled when a
rule first needs them: a one-page crawl compiles only what its page asks for.
The screens' hyperscan database goes in compiled (``RuleSet.screens``,
serialised by ``screen.Screens``), as compiling it is most of a cleaner's build.
A file that cannot be built (a broken rule) is never written, so each load
that reads one was checked in full when it was built.

One process builds at a time (``building``: a lock on ``.lock`` in the
directory): a crawl's workers starting together with no file for their key
build it once, the others waiting to read it, not each building it.

Safe against races and damage: a file is written whole under a temporary name,
then renamed (two processes building the same key write the same content, and
a reader sees one or the other, never half); it opens with a digest of the key
and the pickled rules, checked before they are unpickled: a truncated or
damaged file, or one renamed to another key, is ignored and rebuilt. Anything
that fails in reading or writing (no directory, no space, no permission) makes
the load build as if there were no cache. The newest ``KEEP`` files are kept,
older keys removed when a new one is written.

The files are pickles: the directory must be writable only by the user running
the crawl (like ``~/.cache``, the default).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: each process builds on its own
    fcntl = None

logger = logging.getLogger(__name__)

FORMAT = b"crawler clean rules 1\n"
KEEP = 8  # cache files kept: a few rule sets (CLEAN_RULES, the default rules, tests) in turn
# (package, file or every *.py; metatalk.txt: the register-only note rules are screened by its strongest keys)
_CODE = (("crawler.cleaning", None), ("crawler.cleaning", "metatalk.txt"), ("crawler", "rulefiles.py"))
SUFFIX = ".rules"
LOCK_WAIT = 120.0  # seconds a process waits for another's build before building on its own


def _code_digest() -> bytes:
    digest = hashlib.sha256()
    for package, name in _CODE:
        folder = resources.files(package)
        files = [folder / name] if name else sorted((f for f in folder.iterdir() if f.name.endswith(".py")),
                                                     key=lambda f: f.name)
        for f in files:
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.digest()


def key(files, disabled, withhold) -> str | None:
    """The key of a load of ``files`` (in order) with these arguments; None
    when a file or the code cannot be read (the load then builds, uncached)."""
    digest = hashlib.sha256(FORMAT + sys.version.encode() + b"\0")
    try:
        digest.update(_code_digest())
        digest.update(json.dumps([sorted(disabled), withhold], sort_keys=True, default=sorted).encode())
        for f in files:
            data = f.read_bytes()
            digest.update(f"{f}\0{len(data)}\0".encode() + data)
    except (OSError, TypeError, ValueError):
        return None
    return digest.hexdigest()


def _seal(cache_key: str, payload: bytes) -> bytes:
    return hashlib.sha256(cache_key.encode() + b"\0" + payload).digest()


def read(directory, cache_key: str, kind: type):
    """The ``kind`` object kept under ``cache_key``, or None (missing, damaged, another kind)."""
    path = Path(directory) / f"{cache_key}{SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, seal, payload = data[:len(FORMAT)], data[len(FORMAT):len(FORMAT) + 32], data[len(FORMAT) + 32:]
    if head != FORMAT or seal != _seal(cache_key, payload):
        logger.warning("Clean rules cache: %s is damaged; the rules are built again", path)
        return None
    try:
        value = pickle.loads(payload)
    except Exception as exc:  # sealed yet unreadable: classes changed without a change of code read here
        logger.warning("Clean rules cache: %s could not be read (%s); the rules are built again", path, exc)
        return None
    if not isinstance(value, kind):
        return None
    try:
        os.utime(path)  # kept among the newest (``KEEP``)
    except OSError:
        pass
    return value


def write(directory, cache_key: str, value) -> None:
    """Keep ``value`` under ``cache_key``; a failure is logged and otherwise ignored."""
    directory = Path(directory)
    payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{cache_key}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(FORMAT + _seal(cache_key, payload) + payload)
        os.replace(tmp, directory / f"{cache_key}{SUFFIX}")
        tmp = None
        _prune(directory)
    except OSError as exc:
        logger.warning("Clean rules cache: could not write in %s (%s); the next run builds the rules again",
                       directory, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


@contextlib.contextmanager
def building(directory):
    """Held while this process builds: another process building waits (up to
    ``LOCK_WAIT`` s), then reads what it wrote. Without a lock (no directory,
    not POSIX) the block runs at once."""
    handle = None
    if fcntl is not None:
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            handle = open(Path(directory) / ".lock", "ab")  # noqa: SIM115 - closed below
        except OSError:
            handle = None
    try:
        if handle is not None:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        logger.warning("Clean rules cache: another process held %s for %g s; building anyway",
                                       directory, LOCK_WAIT)
                        break
                    time.sleep(0.01)
                except OSError:  # a file system without locks
                    break
        yield
    finally:
        if handle is not None:
            handle.close()  # releases the lock


def _prune(directory: Path) -> None:
    """Remove all but the ``KEEP`` newest cache files (another process may remove them first)."""
    found = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True)[KEEP:]:
        try:
            path.unlink()
        except OSError:
            pass
