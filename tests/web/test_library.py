"""The library's cached listing follows its folders: a scenario added, changed or removed is seen at once
(a request costs one stat per folder, not a scan; see accord.web.library.Library._listing_now)."""

from __future__ import annotations

import os

import pytest

from .conftest import linear_yaml


def test_the_cached_listing_follows_the_folder(tmp_path):
    from accord.web import Settings
    from accord.web.library import Library, UnknownId

    (tmp_path / "one.yaml").write_text(linear_yaml(2, 3, "One"))
    lib = Library(Settings(library=(tmp_path,)))
    assert [e.id for e in lib.entries()] == ["one"]
    assert lib.scenario("one")[1].space.size == 9
    (tmp_path / "two.yaml").write_text(linear_yaml(2, 4, "Two"))
    (tmp_path / "t.csv").write_text("actor,position,capability,salience\n")
    assert [e.id for e in lib.entries()] == ["one", "two"]
    assert [e.id for e in lib.entries("table")] == ["t"]
    assert lib.scenario("two")[1].space.size == 16
    # A file changed in place (the folder's mtime stays): its cached scenario is made again.
    p = tmp_path / "one.yaml"
    st = p.stat()
    p.write_text(linear_yaml(3, 3, "One, bigger"))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert lib.scenario("one")[1].space.size == 27
    (tmp_path / "two.yaml").unlink()
    assert [e.id for e in lib.entries()] == ["one"]
    with pytest.raises(UnknownId):
        lib.get("two")


def test_peek_gives_a_cached_value_only_while_it_is_current(tmp_path):
    from accord.web import Settings
    from accord.web.library import Library

    p = tmp_path / "one.yaml"
    p.write_text(linear_yaml(2, 3, "One"))
    lib = Library(Settings(library=(tmp_path,)))
    assert lib.peek("one", "info") is None and lib.peek("nobody", "info") is None
    e, sc = lib.scenario("one")
    made = lib.cached(e, "info", lambda: {"outcomes": sc.space.size})
    assert lib.peek("one", "info") is made
    st = p.stat()
    p.write_text(linear_yaml(3, 3, "One, bigger"))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert lib.peek("one", "info") is None  # the file changed: the request goes to the worker pool again
