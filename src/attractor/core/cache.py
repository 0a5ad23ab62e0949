"""The self-healing on-disk cache of generated, Numba-compiled system modules.

Layout (root ``$ATTRACTOR_CACHE_DIR``, default ``~/.cache/attractor``)::

    <root>/compiled/<prefix>_<key>.py          generated module (first line: sha256 of the rest)
    <root>/compiled/<prefix>_<key>.py.lock     file lock taken while writing/repairing it
    <root>/compiled/__pycache__/<prefix>_<key>.<function>-<line>.py311.nbi / .<n>.nbc
                                               Numba's own index and data files (``cache=True``)

Every load is validated before anything is executed or handed to Numba:

* the generated module must carry the SHA-256 of its body in its first line; a
  truncated or edited file is rewritten (with a :class:`CacheWarning`), and a module
  that still fails to import is regenerated once;
* each Numba index (``.nbi``) and data (``.nbc``) file of the module is checked to be
  complete pickle streams (opcode walk with :mod:`pickletools`, nothing is
  unpickled); a truncated or empty one is deleted with its siblings so Numba
  recompiles that function instead of failing (``UnpicklingError``/``EOFError`` on
  every later run, or a hard abort); should loading an entry still raise, it is
  treated as a cache miss (files removed, function recompiled, warning);
* when the cache directory cannot be used (not writable, or ``ATTRACTOR_CACHE_DIR``
  names a file) the module is compiled in memory (``cache=False``) and a warning is
  given once per process.

Writes take a file lock (``fcntl.flock``, else an ``O_CREAT | O_EXCL`` lock file) and
are atomic (temporary file + :func:`os.replace`), so concurrent processes never see a
partial module. ``attractor cache info`` / ``attractor cache clear`` inspect and empty
the cache (:func:`cache_info`, :func:`clear_cache`).
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import linecache
import os
import pickletools
import shutil
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable, Iterator

__all__ = ["CacheWarning", "cache_root", "cache_dir", "load_generated_module", "validate_numba_files",
           "cache_info", "clear_cache", "CacheInfo"]

_HEADER = "# attractor-generated sha256="
_LOCK = threading.Lock()
_MODULES: dict[str, ModuleType] = {}
_WARNED: set[str] = set()
_PREFIXES = ("sys_", "dde_")


class CacheWarning(RuntimeWarning):
    """The compile cache was repaired or could not be used (results are unaffected)."""


def _warn_once(tag: str, message: str) -> None:
    if tag in _WARNED:
        return
    _WARNED.add(tag)
    warnings.warn(message, CacheWarning, stacklevel=4)


def _warn(message: str) -> None:
    warnings.warn(message, CacheWarning, stacklevel=4)


# ---------------------------------------------------------------------- location
def cache_root() -> Path:
    """``$ATTRACTOR_CACHE_DIR`` or ``~/.cache/attractor`` (not created)."""
    root = os.environ.get("ATTRACTOR_CACHE_DIR")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "attractor"


def _writable(path: Path) -> bool:
    """True if files can be created in ``path`` (checked by creating and removing one)."""
    if not os.access(path, os.W_OK | os.X_OK):
        return False
    try:
        fd, probe = _mkstemp(path, ".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError:
        return False
    return True


def _mkstemp(directory: Path, suffix: str) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=str(directory))


def cache_dir() -> Path | None:
    """Directory of generated, compiled modules (created on demand), or None if unusable.

    None means the cache cannot be used (the path is a file, or not writable): modules
    are then compiled in memory, and a :class:`CacheWarning` says so once per process.
    """
    root = cache_root()
    path = root / "compiled"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _warn_once(f"dir:{path}", f"the compile cache {path} cannot be created ({exc.__class__.__name__}: {exc}); "
                   "compiling in memory for this process (slower start-up). Set ATTRACTOR_CACHE_DIR to a "
                   "writable directory.")
        return None
    if not path.is_dir() or not _writable(path):
        _warn_once(f"dir:{path}", f"the compile cache {path} is not a writable directory; compiling in memory "
                   "for this process (slower start-up). Set ATTRACTOR_CACHE_DIR to a writable directory.")
        return None
    pyc = path / "__pycache__"
    if pyc.exists() and not (pyc.is_dir() and _writable(pyc)):
        _warn_once(f"dir:{pyc}", f"Numba's cache {pyc} is not a writable directory; compiling in memory for "
                   "this process. Run `attractor cache clear` or fix its permissions.")
        return None
    return path


# ---------------------------------------------------------------------- locking and atomic writes
@contextlib.contextmanager
def _file_lock(target: Path, timeout: float = 120.0) -> Iterator[None]:
    """Exclusive inter-process lock on ``<target>.lock``."""
    lock = target.with_name(target.name + ".lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        fcntl = None
    if fcntl is not None:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    start = time.monotonic()  # pragma: no cover - non-POSIX fallback
    while True:  # pragma: no cover
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            os.close(fd)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > timeout:  # stale lock of a dead process
                    lock.unlink()
                    continue
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"could not lock {lock} within {timeout:g} s") from None
            time.sleep(0.05)
    try:  # pragma: no cover
        yield
    finally:  # pragma: no cover
        with contextlib.suppress(OSError):
            lock.unlink()


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = _mkstemp(path.parent, ".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------- generated source
def _stamp(source: str) -> str:
    """The module text written to disk: a hash line, then ``source``."""
    return f"{_HEADER}{hashlib.sha256(source.encode()).hexdigest()}\n{source}"


def _check_stamped(path: Path) -> str | None:
    """None if ``path`` is a complete generated module; else why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return f"unreadable ({exc.__class__.__name__})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    first, sep, body = text.partition("\n")
    if not first.startswith(_HEADER) or not sep:
        return "missing its integrity header"
    if hashlib.sha256(body.encode()).hexdigest() != first[len(_HEADER):].strip():
        return "truncated or modified (checksum mismatch)"
    return None


# ---------------------------------------------------------------------- Numba's files
def _pickle_streams_ok(data: bytes, n_streams: int) -> bool:
    """True if ``data`` is exactly ``n_streams`` complete pickle streams (nothing is unpickled)."""
    buf = io.BytesIO(data)
    for _ in range(n_streams):
        if buf.tell() >= len(data):
            return False
        try:
            for _op in pickletools.genops(buf):
                pass
        except Exception:  # noqa: BLE001 - any malformed stream counts as corrupt
            return False
    return buf.tell() == len(data)


def _numba_file_ok(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    # .nbi: a pickled version string followed by the pickled (stamp, overloads); .nbc: one pickle
    return _pickle_streams_ok(data, 2 if path.suffix == ".nbi" else 1)


def _numba_groups(directory: Path, stem: str) -> dict[str, list[Path]]:
    """Numba cache files of module ``stem`` in ``directory``, grouped by function (index base name)."""
    groups: dict[str, list[Path]] = {}
    if not directory.is_dir():
        return groups
    for p in directory.glob(f"{stem}.*"):
        if p.suffix == ".nbi":
            groups.setdefault(p.name[:-4], []).append(p)
        elif p.suffix == ".nbc":
            base = p.name[:-4].rsplit(".", 1)[0]   # <base>.<n>.nbc
            groups.setdefault(base, []).append(p)
    return groups


def _numba_dirs(module: ModuleType | None, path: Path) -> set[Path]:
    dirs = {path.parent / "__pycache__"}
    if module is not None:
        for obj in vars(module).values():
            cache = getattr(obj, "_cache", None)
            cpath = getattr(cache, "_cache_path", None)
            if cpath:
                dirs.add(Path(cpath))
    return dirs


def validate_numba_files(path: Path, module: ModuleType | None = None, *, repair: bool = True) -> list[Path]:
    """Check Numba's cache files of the generated module at ``path``; return the corrupt ones.

    A function whose index or any data file is not a complete pickle stream has all its
    files deleted (when ``repair``), so Numba recompiles it instead of failing to load it.
    """
    bad: list[Path] = []
    for d in _numba_dirs(module, path):
        for files in _numba_groups(d, path.stem).values():
            broken = [f for f in files if not _numba_file_ok(f)]
            if broken:
                bad.extend(broken)
                if repair:
                    for f in files:
                        with contextlib.suppress(OSError):
                            f.unlink()
    return bad


def _guard_dispatchers(module: ModuleType) -> None:
    """Make each cached Numba function treat a failing cache load as a miss.

    Should a cache entry still be unreadable when Numba loads it (e.g. damaged after the
    validation above by another process), its files are removed with a warning and the
    function is compiled afresh instead of the error reaching the caller.
    """
    for obj in vars(module).values():
        cache = getattr(obj, "_cache", None)
        load = getattr(cache, "load_overload", None)
        if load is None or getattr(load, "_attractor_guard", False):
            continue

        def guarded(*args, _load=load, _cache=cache, **kwargs):
            try:
                return _load(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any unreadable entry is a cache miss
                index = Path(getattr(getattr(_cache, "_cache_file", None), "_index_path", "") or "")
                removed = []
                if index.name.endswith(".nbi"):
                    base = index.name[:-4]
                    for f in [index, *index.parent.glob(f"{base}.*.nbc")]:
                        with contextlib.suppress(OSError):
                            f.unlink()
                            removed.append(f.name)
                _warn(f"a Numba cache entry could not be loaded ({exc.__class__.__name__}: {exc}); removed "
                      f"{', '.join(removed) or 'nothing'} and recompiling.")
                return None

        guarded._attractor_guard = True
        with contextlib.suppress(AttributeError, TypeError):
            cache.load_overload = guarded


# ---------------------------------------------------------------------- loading
def _exec_from_file(modname: str, path: Path) -> ModuleType:
    ispec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(ispec)
    sys.modules[modname] = mod
    try:
        ispec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return mod


def _exec_in_memory(modname: str, source: str) -> ModuleType:
    """Compile the generated source without touching the disk (Numba ``cache=False``)."""
    source = source.replace("@njit(cache=True)", "@njit(cache=False)")
    filename = f"<attractor-generated {modname}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    mod = ModuleType(modname)
    mod.__file__ = filename
    sys.modules[modname] = mod
    try:
        exec(compile(source, filename, "exec"), mod.__dict__)  # noqa: S102 - our own generated code
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return mod


def _remove_module_files(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
    for d in _numba_dirs(None, path):
        for files in _numba_groups(d, path.stem).values():
            for f in files:
                with contextlib.suppress(OSError):
                    f.unlink()


def load_generated_module(key: str, prefix: str, generate: Callable[[], str]) -> ModuleType:
    """Import the cached generated module ``<prefix>_<key>.py``, writing or repairing it as needed.

    ``generate()`` returns the module source; it runs only when the file is missing or
    corrupt. See the module docstring for the validation, locking and fallback rules.
    """
    mod = _MODULES.get(key)
    if mod is not None:
        return mod
    with _LOCK:
        mod = _MODULES.get(key)
        if mod is not None:
            return mod
        modname = f"attractor_compiled_{prefix}_{key}"
        directory = cache_dir()
        if directory is None:
            mod = _exec_in_memory(modname, generate())
        else:
            mod = _load_from_disk(directory / f"{prefix}_{key}.py", modname, generate)
        _MODULES[key] = mod
        return mod


def _load_from_disk(path: Path, modname: str, generate: Callable[[], str]) -> ModuleType:
    with _file_lock(path):
        if path.exists():
            why = _check_stamped(path)
            if why is not None:
                _warn(f"the cached module {path} is {why}; regenerating it.")
                _remove_module_files(path)
        if not path.exists():
            _atomic_write(path, _stamp(generate()))
        bad = validate_numba_files(path)
        if bad:
            _warn(f"removed {len(bad)} corrupt Numba cache file(s) of {path.name} "
                  f"({', '.join(sorted(p.name for p in bad))}); those functions are recompiled.")
        try:
            mod = _exec_from_file(modname, path)
        except Exception as exc:  # noqa: BLE001 - a broken module is regenerated once
            _warn(f"the cached module {path} failed to import ({exc.__class__.__name__}: {exc}); regenerating it.")
            _remove_module_files(path)
            _atomic_write(path, _stamp(generate()))
            mod = _exec_from_file(modname, path)
        # Numba may keep its files elsewhere (NUMBA_CACHE_DIR): check those too, before any call
        bad = validate_numba_files(path, mod)
        if bad:
            _warn(f"removed {len(bad)} corrupt Numba cache file(s) of {path.name}; those functions are recompiled.")
        _guard_dispatchers(mod)
    return mod


# ---------------------------------------------------------------------- info / clear
@dataclass(frozen=True)
class CacheInfo:
    """What the compile cache holds."""

    root: Path
    directory: Path
    usable: bool
    n_modules: int = 0
    n_numba_files: int = 0
    size_bytes: int = 0
    corrupt: tuple[str, ...] = field(default_factory=tuple)


def _our_files(directory: Path) -> list[Path]:
    out: list[Path] = []
    if not directory.is_dir():
        return out
    for p in directory.iterdir():
        if p.is_file() and (p.name.startswith(_PREFIXES) or p.name.startswith(".tmp-")):
            out.append(p)
    pyc = directory / "__pycache__"
    if pyc.is_dir():
        out += [p for p in pyc.iterdir() if p.is_file() and p.name.startswith(_PREFIXES)]
    return out


def cache_info() -> CacheInfo:
    """Summarise the cache: modules, Numba files, size and corrupt entries (nothing is changed)."""
    root = cache_root()
    directory = root / "compiled"
    usable = directory.is_dir() and _writable(directory) if directory.exists() else \
        (not root.exists() or root.is_dir())
    files = _our_files(directory) if directory.is_dir() else []
    modules = [p for p in files if p.suffix == ".py" and p.parent == directory]
    numba_files = [p for p in files if p.suffix in (".nbi", ".nbc")]
    corrupt = [p.name for p in modules if _check_stamped(p) is not None]
    corrupt += [p.name for p in numba_files if not _numba_file_ok(p)]
    size = 0
    for p in files:
        with contextlib.suppress(OSError):
            size += p.stat().st_size
    return CacheInfo(root, directory, bool(usable), len(modules), len(numba_files), size, tuple(sorted(corrupt)))


def clear_cache() -> int:
    """Delete every generated module and its Numba files; return the number of files removed."""
    directory = cache_root() / "compiled"
    n = 0
    for p in _our_files(directory):
        with contextlib.suppress(OSError):
            p.unlink()
            n += 1
    for p in directory.glob("*.lock") if directory.is_dir() else []:
        with contextlib.suppress(OSError):
            p.unlink()
    pyc = directory / "__pycache__"
    if pyc.is_dir() and not any(pyc.iterdir()):
        shutil.rmtree(pyc, ignore_errors=True)
    _MODULES.clear()
    return n


def module_file(name: str) -> str:
    """Path of the source file of module ``name`` (without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"module {name} not found")
    return spec.origin


def codegen_key(definition: tuple, modules: Iterable[str], version: str) -> str:
    """Cache key of generated code: 24 hex digits of SHA-256 over everything it depends on.

    ``definition`` is the generated system's own data (states, parameters, equations, drivers),
    ``modules`` the modules whose source shapes the generated code (the spec module, the kernel
    module, the shared code printer), ``version`` the code generator's version. The installed
    Numba version is included, since its machine code is cached beside the source.
    """
    import numba

    h = hashlib.sha256()
    h.update(version.encode())
    h.update(repr(definition).encode())
    for path in sorted({module_file(m) for m in modules}):
        h.update(Path(path).read_bytes())
    h.update(numba.__version__.encode())
    return h.hexdigest()[:24]

