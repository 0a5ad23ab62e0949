"""Safe outputs: never onto an input or an unrelated file; atomic writes; clear errors."""
import json
import os

import pytest

from attractor.core.errors import ValidationError
from attractor.core.output import atomic_write_bytes, atomic_write_text, looks_like_output, safe_output_path

REPORT = '<!DOCTYPE html>\n<html><head><meta name="generator" content="attractor"></head><body></body></html>\n'


def test_refuses_inputs_by_any_spelling(tmp_path, monkeypatch):
    data = tmp_path / "data.csv"
    data.write_text("t,x\n0,1\n")
    monkeypatch.chdir(tmp_path)
    for spelling in (data, "data.csv", "./data.csv", tmp_path / "sub" / ".." / "data.csv"):
        with pytest.raises(ValidationError, match="onto the input file"):
            safe_output_path(spelling, "html", inputs=[data], force=True)   # not even with force
    os.symlink(data, tmp_path / "link.csv")
    with pytest.raises(ValidationError, match="onto the input file"):
        safe_output_path(tmp_path / "link.csv", "json", inputs=[data], force=True)
    assert data.read_text() == "t,x\n0,1\n"


def test_refuses_unrelated_files_unless_forced(tmp_path):
    csv, txt = tmp_path / "victim.csv", tmp_path / "important.txt"
    csv.write_text("a,b\n1,2\n")
    txt.write_text("my notes")
    for p in (csv, txt):
        for kind in ("html", "json"):
            with pytest.raises(ValidationError, match="refusing to overwrite .* --force"):
                safe_output_path(p, kind)
        assert safe_output_path(p, "html", force=True) == p
    html_like = tmp_path / "other.html"
    html_like.write_text("not html at all")          # right suffix, wrong content
    with pytest.raises(ValidationError, match="not an HTML report"):
        safe_output_path(html_like, "html")
    with pytest.raises(ValidationError, match="is a directory"):
        safe_output_path(tmp_path, "html", force=True)


def test_accepts_earlier_outputs_of_the_same_kind(tmp_path):
    (tmp_path / "r.out").write_text(REPORT)           # ours, whatever the suffix
    (tmp_path / "page.htm").write_text("<html><body>x</body></html>")
    (tmp_path / "s.json").write_text(json.dumps({"a": 1}))
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "res.csv").write_text("task,system,model,variant,noise,metric,value,params\n")
    (tmp_path / "traj.csv").write_text("t,x,y\n0,1,2\n")
    assert safe_output_path(tmp_path / "r.out", "html") and safe_output_path(tmp_path / "page.htm", "html")
    assert safe_output_path(tmp_path / "s.json", "json") and safe_output_path(tmp_path / "empty.csv", "json")
    assert safe_output_path(tmp_path / "res.csv", "bench") and safe_output_path(tmp_path / "traj.csv", "trajectory")
    assert not looks_like_output(tmp_path / "traj.csv", "bench")
    assert not looks_like_output(tmp_path / "res.csv", "trajectory")
    assert not looks_like_output(tmp_path / "s.json", "html")


def test_parent_directories(tmp_path):
    p = safe_output_path(tmp_path / "a" / "b" / "r.html", "html")
    assert p.parent.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError, match="is a file, not a directory"):
        safe_output_path(tmp_path / "file" / "r.html", "html")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only directories")
def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(ValidationError, match="not writable"):
            safe_output_path(ro / "r.html", "html")
        with pytest.raises(ValidationError, match="cannot"):
            safe_output_path(ro / "sub" / "r.html", "html")
    finally:
        ro.chmod(0o700)


def test_atomic_write_replaces_whole_and_leaves_no_temp(tmp_path):
    p = tmp_path / "d" / "out.json"
    atomic_write_text(p, '{"a": 1}')
    atomic_write_bytes(p, b'{"b": 2}')
    assert json.loads(p.read_text()) == {"b": 2}
    assert sorted(os.listdir(p.parent)) == ["out.json"]
    assert (p.stat().st_mode & 0o777) == (0o666 & ~_umask())


def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "out.txt"
    p.write_text("old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ValidationError, match="No space left"):
        atomic_write_text(p, "new")
    assert p.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def test_unwritable_directory_is_reported_even_when_root(tmp_path, monkeypatch):
    # root ignores permission bits, so the check is exercised through os.access
    (tmp_path / "ro").mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p).endswith("ro") else real(p, mode, **k))
    with pytest.raises(ValidationError, match="directory .*ro' is not writable"):
        safe_output_path(tmp_path / "ro" / "r.html", "html")
