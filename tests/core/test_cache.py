"""Self-healing compile cache (issue #20): corrupt generated modules and Numba cache files are
rebuilt with a warning; an unusable cache directory falls back to an in-memory compile."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from attractor.core import cache as C

SRC = str(Path(__file__).resolve().parents[2] / "src")

# A small map: building it and calling step/jacobian compiles only `f` and `jac` (fast).
STEP_SCRIPT = """
import warnings
warnings.simplefilter("always")
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem
spec = SymbolicSpec("CacheProbe", "map", ("x", "y"), ("a",), ("1 - a*x**2 + y", "0.3*x"))
s = SymbolicSystem(spec, {"a": 1.4}, x0=[0.1, 0.1])
print("STEP", *s.step([0.1, 0.1]), s.jacobian([0.1, 0.1])[0, 0])
"""
# The full contract: simulate with the compiled driver.
TRAJ_SCRIPT = STEP_SCRIPT + """
tr = s.trajectory(20)
print("TRAJ", *tr.x[-1])
"""
EXPECTED_STEP = "STEP 1.086 0.03 -0.28"


def _run(script: str, cache: Path | str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ATTRACTOR_CACHE_DIR=str(cache), PYTHONPATH=SRC, OMP_NUM_THREADS="1",
               NUMBA_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)


def _ok(proc: subprocess.CompletedProcess, line: str = EXPECTED_STEP) -> None:
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = [ln for ln in proc.stdout.splitlines() if ln.startswith(line.split()[0])]
    assert got, proc.stdout
    a = [float(v) for v in got[0].split()[1:]]
    b = [float(v) for v in line.split()[1:]]
    assert a == pytest.approx(b, abs=1e-12)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("warm") / "cache"
    _ok(_run(STEP_SCRIPT, root))
    return root


def _copy(warm: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "cache"
    shutil.copytree(warm, dst)
    return dst


def _one(root: Path, pattern: str) -> Path:
    files = sorted((root / "compiled").rglob(pattern))
    assert files, f"no {pattern} under {root}"
    return files[0]


@pytest.mark.parametrize("pattern, how, recheck", [
    ("*.f-*.nbi", "truncate", True), ("sys_*.py", "truncate", False),
    pytest.param("*.jac-*.nbc", "empty", False, marks=pytest.mark.slow)])
def test_corrupt_cache_file_is_rebuilt_with_warning(warm_cache, tmp_path, pattern, how, recheck):
    root = _copy(warm_cache, tmp_path)
    victim = _one(root, pattern)
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 3] if how == "truncate" else b"")
    proc = _run(STEP_SCRIPT, root)
    _ok(proc)
    assert "CacheWarning" in proc.stderr
    if not recheck:
        return
    # healed: the next run is silent and uses the rebuilt files
    proc2 = _run(STEP_SCRIPT, root)
    _ok(proc2)
    assert "CacheWarning" not in proc2.stderr


def test_cache_dir_is_a_file_falls_back_to_memory(tmp_path):
    target = tmp_path / "not_a_dir"
    target.write_text("x")
    proc = _run(STEP_SCRIPT, target)
    _ok(proc)
    assert proc.stderr.count("compiling in memory") == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_dir_falls_back_to_memory_subprocess(tmp_path):
    root = tmp_path / "ro"
    (root / "compiled").mkdir(parents=True)
    os.chmod(root / "compiled", 0o555)
    try:
        proc = _run(STEP_SCRIPT, root)
    finally:
        os.chmod(root / "compiled", 0o755)
    _ok(proc)
    assert "compiling in memory" in proc.stderr


def test_read_only_cache_dir_falls_back_to_memory(tmp_path, monkeypatch):
    """In-process: a directory that refuses writes (probe patched, since tests may run as root) gives one
    warning and a working in-memory compile that writes nothing."""
    from attractor.core.symbolic import SymbolicSpec
    from attractor.core.system import SymbolicSystem

    root = tmp_path / "ro"
    (root / "compiled").mkdir(parents=True)
    monkeypatch.setenv("ATTRACTOR_CACHE_DIR", str(root))
    monkeypatch.setattr(C, "_writable", lambda path: False)
    monkeypatch.setattr(C, "_WARNED", set())
    spec = SymbolicSpec("CacheProbeRO", "map", ("x",), ("a",), ("a*x*(1 - x) + 0*x",))
    with pytest.warns(C.CacheWarning, match="compiling in memory"):
        s = SymbolicSystem(spec, {"a": 3.9}, x0=[0.3])
        assert s.step([0.5])[0] == pytest.approx(3.9 * 0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("error", C.CacheWarning)
        C.cache_dir()  # warned once only
    assert list((root / "compiled").iterdir()) == []


# ---------------------------------------------------------------------- validators (no compilation)
def test_pickle_stream_validator(tmp_path):
    good_nbi = pickle.dumps("0.60.0") + pickle.dumps((("stamp", 1), {"k": "f.1.nbc"}))
    good_nbc = pickle.dumps(("payload", b"\x00" * 1000))
    cases = {"a.f-1.py311.nbi": (good_nbi, True), "b.f-1.py311.nbi": (good_nbi[:-7], False),
             "c.f-1.py311.nbi": (pickle.dumps("0.60.0"), False), "d.f-1.py311.1.nbc": (good_nbc, True),
             "e.f-1.py311.1.nbc": (b"", False), "f.f-1.py311.1.nbc": (good_nbc[: len(good_nbc) // 2], False),
             "g.f-1.py311.1.nbc": (good_nbc + b"junk", False)}
    for name, (data, ok) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        assert C._numba_file_ok(p) is ok, name


def test_stamped_module_detects_truncation(tmp_path):
    p = tmp_path / "sys_x.py"
    p.write_text(C._stamp("x = 1\ny = 2\n"))
    assert C._check_stamped(p) is None
    p.write_text(p.read_text()[:-3])
    assert "checksum" in C._check_stamped(p)
    p.write_text("x = 1\n")
    assert "header" in C._check_stamped(p)


def test_validate_numba_files_removes_the_whole_function(tmp_path):
    d = tmp_path / "__pycache__"
    d.mkdir()
    mod = tmp_path / "sys_k.py"
    mod.write_text("")
    (d / "sys_k.f-3.py311.nbi").write_bytes(pickle.dumps("v") + pickle.dumps(("s", {})))
    (d / "sys_k.f-3.py311.1.nbc").write_bytes(b"")
    (d / "sys_k.g-9.py311.nbi").write_bytes(pickle.dumps("v") + pickle.dumps(("s", {})))
    bad = C.validate_numba_files(mod)
    assert [p.name for p in bad] == ["sys_k.f-3.py311.1.nbc"]
    assert sorted(p.name for p in d.iterdir()) == ["sys_k.g-9.py311.nbi"]


def test_cache_cli_info_and_clear(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from attractor.cli import app

    comp = tmp_path / "compiled"
    (comp / "__pycache__").mkdir(parents=True)
    (comp / "sys_abc.py").write_text(C._stamp("x = 1\n"))
    (comp / "__pycache__" / "sys_abc.f-1.py311.nbi").write_bytes(b"trunc")
    (comp / "unrelated.txt").write_text("keep me")
    monkeypatch.setenv("ATTRACTOR_CACHE_DIR", str(tmp_path))
    runner = CliRunner()
    res = runner.invoke(app, ["cache", "info"])
    assert res.exit_code == 0, res.output
    assert "modules:         1" in res.output and "corrupt entries: 1" in res.output
    res = runner.invoke(app, ["cache", "clear"])
    assert res.exit_code == 0 and "removed 2 file(s)" in res.output
    assert sorted(p.name for p in comp.iterdir()) == ["unrelated.txt"]


# ---------------------------------------------------------------------- full contract (slow)
@pytest.mark.slow
@pytest.mark.parametrize("pattern, how", [("*.iterate-*.nbi", "truncate"), ("*.iterate-*.nbi", "empty"),
                                          ("*.iterate-*.nbc", "truncate"), ("*.iterate-*.nbc", "empty"),
                                          ("sys_*.py", "truncate"), ("sys_*.py", "empty")])
def test_corrupt_driver_cache_then_simulate(tmp_path_factory, tmp_path, pattern, how):
    warm = tmp_path_factory.getbasetemp() / "warm_traj" / "cache"
    if not warm.exists():
        _ok(_run(TRAJ_SCRIPT, warm))
    root = _copy(warm, tmp_path)
    victim = _one(root, pattern)
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2] if how == "truncate" else b"")
    proc = _run(TRAJ_SCRIPT, root)
    _ok(proc)
    assert "TRAJ" in proc.stdout and "CacheWarning" in proc.stderr


def test_failing_cache_load_is_a_miss(tmp_path):
    """If Numba's load of an entry raises (damaged after validation), the entry is removed and compiled."""
    from types import ModuleType, SimpleNamespace

    idx = tmp_path / "sys_k.f-3.py311.nbi"
    dat = tmp_path / "sys_k.f-3.py311.1.nbc"
    idx.write_bytes(b"x")
    dat.write_bytes(b"y")

    def load_overload(sig, ctx):
        raise pickle.UnpicklingError("pickle data was truncated")

    cache = SimpleNamespace(load_overload=load_overload, _cache_file=SimpleNamespace(_index_path=str(idx)))
    mod = ModuleType("fake")
    mod.f = SimpleNamespace(_cache=cache)
    C._guard_dispatchers(mod)
    with pytest.warns(C.CacheWarning, match="UnpicklingError"):
        assert mod.f._cache.load_overload("sig", None) is None
    assert not idx.exists() and not dat.exists()


@pytest.mark.slow
def test_entry_damaged_after_validation_is_recompiled(warm_cache, tmp_path):
    """End to end: the module is loaded (its files validated), then the Numba entry of ``f`` is truncated
    before the first call; the call still succeeds (cache miss + recompile) with a warning."""
    root = _copy(warm_cache, tmp_path)
    script = STEP_SCRIPT.replace('print("STEP"', '''import pathlib
s.compiled  # load + validate
for p in pathlib.Path(r"%s").rglob("*.f-*.nbc"):
    p.write_bytes(p.read_bytes()[:50])
print("STEP"''' % str(root))
    proc = _run(script, root)
    _ok(proc)
    assert "could not be loaded" in proc.stderr
