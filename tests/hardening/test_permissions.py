"""Issue 11, item 2: outputs holding children's data are owner-only whatever the
umask, and say 机密 / confidential where a person reads them."""

from __future__ import annotations

import json
import os
import stat

import openpyxl
from hardening.events import EXPO, planner


def modes(folder):
    found = {".": stat.S_IMODE(os.stat(folder).st_mode)}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_every_output_is_owner_only_under_umask_022(tmp_path):
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    own = out / "notes.txt"  # the organiser's own file keeps its mode
    own.write_text("mine", encoding="utf-8")
    os.chmod(own, 0o644)

    code, _, err = planner("plan", str(EXPO), "--out", str(out), umask=0o022)
    assert code == 0, err
    code, _, err = planner(
        "export", str(out / "plan.json"), "--out", str(tmp_path / "again"), umask=0o022
    )
    assert code == 0, err
    code, _, err = planner(
        "rematch", str(out / "plan.json"), "--absent", "V01", "--out", str(tmp_path / "re"),
        umask=0o022,
    )  # fmt: skip
    assert code == 0, err

    for folder in (out, tmp_path / "again", tmp_path / "re"):
        found = modes(folder)
        assert len(found) > 5
        for rel, mode in found.items():
            if rel == "notes.txt":
                assert mode == 0o644
            elif (folder / rel).is_dir():
                assert mode == 0o700, (folder, rel, oct(mode))
            else:
                assert mode == 0o600, (folder, rel, oct(mode))
    assert (out / "invites").is_dir() and (out / "print" / "roster.html").is_file()


def test_plan_json_and_organiser_files_say_confidential(tmp_path):
    out = tmp_path / "out"
    code, _, err = planner("plan", str(EXPO), "--out", str(out), "--lang", "en")
    assert code == 0, err
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert "机密" in data["confidential"] and "confidential" in data["confidential"]
    assert next(iter(data)) == "confidential"  # the first thing a reader sees
    report = (out / "report.html").read_text(encoding="utf-8")
    header = report[report.index("<header>") : report.index("</header>")]
    assert "CONFIDENTIAL" in header
    book = openpyxl.load_workbook(out / "plan.xlsx")
    first = book.worksheets[0]
    assert "confidential" in str(first["A2"].value).lower()
    assert "机密 / confidential" in first.oddHeader.right.text
    # and plan.json with its marker is read back by export
    code, _, err = planner("export", str(out / "plan.json"), "--out", str(tmp_path / "again"))
    assert code == 0, err
