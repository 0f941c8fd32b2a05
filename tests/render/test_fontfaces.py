"""One face cut out of a font collection (``planner.render.fontfaces``): Typst reads it
as that face alone, prints with it exactly as with the collection, and the planner
hands Typst only the faces it uses."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from planner.render.fontfaces import cache_folder, one_face
from planner.render.typeset import font_files

typst = pytest.importorskip("typst")


def noto_face(family: str = "Noto Sans CJK SC") -> tuple[str, int]:
    """A collection on this machine holding ``family``, and the face's index."""
    if shutil.which("fc-list") is None:
        pytest.skip("no fontconfig")
    listed = subprocess.run(
        ["fc-list", "-f", "%{file}\t%{index}\t%{family}\n"], capture_output=True, text=True
    ).stdout
    for line in listed.splitlines():
        path, index, names = line.split("\t")
        if path.endswith(".ttc") and family in names.split(","):
            return path, int(index)
    pytest.skip(f"no font collection holds {family} here (.ci/run installs fonts-noto-cjk)")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def families_in(file: str, folder: Path) -> list[str]:
    folder.mkdir()
    os.symlink(file, folder / Path(file).name)
    return sorted(typst.Fonts(False, False, [str(folder)]).families())


PAGE = '#set text(font: "Noto Sans CJK SC")\n#sys.inputs.data\n#strong(sys.inputs.data)\n'


def test_a_face_cut_out_is_that_face_alone_and_prints_the_same(tmp_path: Path) -> None:
    path, index = noto_face()
    face = one_face(path, index)
    assert Path(face).parent == cache_folder() and face.endswith(".otf")
    assert families_in(face, tmp_path / "one") == ["Noto Sans CJK SC"]
    assert len(families_in(path, tmp_path / "all")) > 1  # the collection holds others
    (tmp_path / "page.typ").write_text(PAGE, encoding="utf-8")
    printed = [
        typst.Compiler(
            root=str(tmp_path), font_paths=[str(folder)], ignore_system_fonts=True
        ).compile(input=str(tmp_path / "page.typ"), sys_inputs={"data": "留守儿童关爱 Expo 2026"})
        for folder in (tmp_path / "one", tmp_path / "all")
    ]
    assert printed[0] == printed[1]


def test_a_face_is_cut_once_and_again_when_its_font_changes(tmp_path: Path) -> None:
    path, index = noto_face()
    copy = tmp_path / "collection.ttc"
    shutil.copyfile(path, copy)
    first = one_face(str(copy), index)
    made = os.stat(first).st_mtime_ns
    assert one_face(str(copy), index) == first and os.stat(first).st_mtime_ns == made
    os.utime(copy, ns=(made + 10**9, made + 10**9))  # the font package upgraded
    second = one_face(str(copy), index)
    assert second != first and Path(second).is_file() and not Path(first).exists()


def test_what_is_no_collection_is_used_as_it_is(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ttf"
    plain.write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 60)
    assert one_face(str(plain), 0) == str(plain)
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"ttcf\x00\x01\x00\x00\x00\x00\x00\x02\x00\x00\x00\x10")  # cut short
    assert one_face(str(broken), 1) == str(broken)
    path, _ = noto_face()
    assert one_face(path, 99) == path  # no such face
    assert not any(cache_folder().glob("*.otf"))


def test_typst_is_given_the_faces_the_pages_use() -> None:
    noto_face()
    files = font_files()
    assert files is not None and files
    assert not [f for f in files if f.endswith(".ttc") and "NotoSansCJK" in f]
    cut = [f for f in files if Path(f).parent == cache_folder()]
    assert len(cut) == 2  # regular and bold
