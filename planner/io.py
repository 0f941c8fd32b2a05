"""Atomic file writes: a reader never sees half a file (temp file + rename)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.errors import InvalidInput, Problem
from planner.model import SCHEMA_VERSION, Plan


def write_bytes(path: Path, data: bytes, *, private: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically, creating parent folders.

    ``private`` files (children's personal data) are readable by their owner
    only (0600), and folders this call creates are 0700.
    """
    path = Path(path)
    path.parent.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_text(path: Path, text: str, *, encoding: str = "utf-8", private: bool = False) -> Path:
    return write_bytes(path, text.encode(encoding), private=private)


#: Fixed times inside .xlsx files, so the same content gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOC_TIME = "2000-01-01T00:00:00Z"
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def stable_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx (a zip) with fixed entry times and document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>" + DOC_TIME.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


#: A cell starting with one of these is run as a formula by Excel, WPS or
#: LibreOffice (OWASP, "CSV Injection"): = + - @, tab and carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def csv_cell(value: object) -> str:
    """One CSV cell as text that no spreadsheet program runs as a formula.

    A cell starting with a formula prefix gets a leading ``'`` (OWASP's
    advice: Excel and WPS show the rest as typed); a plain number such as
    ``-12.50`` stays a number.

    >>> csv_cell("=1+2"), csv_cell("+86 138"), csv_cell("-12.50"), csv_cell("-1+2")
    ("'=1+2", "'+86 138", '-12.50', "'-1+2")
    >>> csv_cell(None), csv_cell(-3), csv_cell("王小明")
    ('', '-3', '王小明')
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Every CSV the tool writes: UTF-8 with a BOM and CRLF line ends (Excel and
    WPS open it right), each cell through :func:`csv_cell`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_value(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write a value into a worksheet cell: text always as text, never a formula.

    openpyxl turns any string starting with ``=`` into a formula; a name such
    as ``=HYPERLINK(...)`` must stay the name. Characters a workbook cannot
    hold (control characters) become U+FFFD instead of failing the write.
    Numbers stay numbers. Returns the cell.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def xlsx_formula(sheet: Any, row: int, column: int, formula: str) -> Any:
    """Write one of the tool's own formulas (``=SUM(...)``) into a cell; returns the cell."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    return cell


def write_plan(plan: Plan, out_dir: Path) -> Path:
    """Write ``out_dir/plan.json`` atomically and return its path."""
    return write_text(Path(out_dir) / "plan.json", plan.to_json())


#: bytes of a plan.json at most (a county's plan is a few MB)
MAX_PLAN_BYTES = 64 * 1024 * 1024


def read_plan(path: Path, *, check: bool = True) -> Plan:
    """Read a plan.json written by :func:`write_plan`, and trust it no further
    than it proves: its schema version is one this planner knows, it validates
    against the Plan model, it carries its event settings, every id it names
    is a person on its lists, and it keeps every hard rule (the plan checker,
    :func:`planner.check.check_plan`). A hand-edited plan.json that breaks any
    of these is refused, so `export` and `rematch` never render it.

    ``check=False`` reads the schema only (for a test's hand-built plan).
    Raises :class:`planner.errors.InvalidInput` naming the file, the key and
    the broken rule.
    """
    from pydantic_core import from_json

    path = Path(path)
    shown = str(path)
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        shown,
                        None,
                        None,
                        f"文件超过 {MAX_PLAN_BYTES // 1024 // 1024} MB,不是本工具写的 plan.json",
                        f"the file is above {MAX_PLAN_BYTES // 1024 // 1024} MB: "
                        "not a plan.json this tool wrote",
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem(shown, None, None, "文件不存在", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            [Problem(shown, None, None, f"无法读取:{exc}", f"cannot read: {exc}")]
        ) from None
    try:
        data = from_json(text)
    except ValueError as exc:
        line = _json_line(text, str(exc))
        raise InvalidInput(
            [Problem(shown, line, None, f"不是有效的 JSON:{exc}", f"not valid JSON: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            [
                Problem(
                    shown,
                    None,
                    None,
                    "不是 plan.json(应是一个对象)",
                    "not a plan.json (not an object)",
                )
            ]
        )
    version_problem = _schema_problem(data.get("schema_version", 1), shown)
    if version_problem is not None:
        raise InvalidInput([version_problem])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            problems.append(
                Problem(
                    shown,
                    None,
                    loc,
                    f"不是有效的 plan.json:{err['msg']}",
                    f"not a valid plan.json: {err['msg']}",
                )
            )
        raise InvalidInput(problems) from None
    problems = _untrusted(plan, shown) if check else []
    if problems:
        raise InvalidInput(problems)
    return plan


def _schema_problem(version: object, shown: str) -> Problem | None:
    """plan.json schemas 1 to :data:`SCHEMA_VERSION` are read (older ones upgraded
    by the Plan model); a higher one was written by a newer planner."""
    if isinstance(version, int) and not isinstance(version, bool):
        if 1 <= version <= SCHEMA_VERSION:
            return None
        if version > SCHEMA_VERSION:
            return Problem(
                shown,
                None,
                "schema_version",
                f"由更新版本的 planner 写成(schema {version});本版本最多读 schema "
                f"{SCHEMA_VERSION}:请升级 planner",
                f"written by a newer planner (schema {version}); this planner reads up "
                f"to {SCHEMA_VERSION} — upgrade",
            )
    return Problem(
        shown,
        None,
        "schema_version",
        f"不认识的 schema_version {version!r}(本版本读 1 到 {SCHEMA_VERSION})",
        f"unknown schema_version {version!r} (this planner reads 1 to {SCHEMA_VERSION})",
    )


def _json_line(text: str, message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match[1]) if match else None


def _untrusted(plan: Plan, shown: str) -> list[Problem]:
    """What a plan.json must prove beyond its schema: settings, known ids, the hard rules."""
    if plan.settings is None:
        return [
            Problem(
                shown,
                None,
                "settings",
                "plan.json 缺少 settings(活动设置):请用 planner plan 重新生成",
                "plan.json has no settings (the event's settings): write it again with planner plan",
            )
        ]
    problems = _dangling_ids(plan, shown)
    if problems:
        return problems
    from planner.check import check_plan
    from planner.pipeline import STAGES

    try:
        event = plan.event_model()
    except ValidationError as exc:
        return [
            Problem(
                shown, None, "settings", f"settings 不成立:{e['msg']}", f"bad settings: {e['msg']}"
            )
            for e in exc.errors()
        ]
    out = []
    stages = {stage.name for stage in STAGES if stage.applies_to(event)}
    for violation in check_plan(event, plan, stages=stages):
        zh, _, en = violation.message.partition(" / ")
        out.append(
            Problem(
                shown,
                None,
                violation.rule,
                f"方案违反硬性规则「{violation.rule}」:{zh}",
                f"the plan breaks the hard rule {violation.rule!r}: {en or zh}",
            )
        )
    return out


def _dangling_ids(plan: Plan, shown: str) -> list[Problem]:
    """Every id the plan names is a person (or place) on its own lists."""
    volunteers = {v.id for v in plan.people.volunteers}
    children = {c.id for c in plan.people.children}
    named: list[tuple[str, str, set[str]]] = []
    named += [("volunteers_selected", v, volunteers) for v in plan.volunteers_selected]
    named += [("volunteers_rejected", r.volunteer_id, volunteers) for r in plan.volunteers_rejected]
    for i, pair in enumerate(plan.pairs):
        named.append((f"pairs.{i}.volunteer_id", pair.volunteer_id, volunteers))
        named += [(f"pairs.{i}.child_ids", c, children) for c in pair.child_ids]
    for i, group in enumerate(plan.groups):
        named += [(f"groups.{i}.volunteer_ids", v, volunteers) for v in group.volunteer_ids]
        named += [(f"groups.{i}.child_ids", c, children) for c in group.child_ids]
    for i, bus in enumerate(plan.buses):
        for j, leg in enumerate(bus.legs):
            at = f"buses.{i}.legs.{j}"
            named += [(f"{at}.volunteer_ids", v, volunteers) for v in leg.volunteer_ids]
            named += [(f"{at}.child_ids", c, children) for c in leg.child_ids]
            for k, stop in enumerate(leg.stops):
                named += [(f"{at}.stops.{k}.child_ids", c, children) for c in stop.child_ids]
    out = []
    for key, pid, known in named:
        if pid not in known:
            who_zh, who_en = ("儿童", "child") if known is children else ("志愿者", "volunteer")
            out.append(
                Problem(
                    shown,
                    None,
                    key,
                    f"{who_zh} {pid} 不在 plan.json 的人员名单里",
                    f"{who_en} {pid} is not on the plan.json's own lists",
                )
            )
    return out


# -- the output folder: built beside, swapped in whole ----------------------------------

#: The list of files a run wrote, kept in the output folder: a later run deletes
#: only these, never a file the organiser put there.
MANIFEST = ".planner-manifest.json"
_STAGING = ".planner-tmp-"  # .<out>.planner-tmp-<pid>-<random>: a run's new folder
_RETIRED = ".planner-old-"  # .<out>.planner-old-<pid>-<random>: the old folder, mid-swap


class OutputFolder:
    """Build a command's whole output in a sibling folder, then swap it in.

    >>> with OutputFolder(Path("out"), inputs=[Path("event")]) as stage:  # doctest: +SKIP
    ...     write_text(stage.folder / "plan.json", text)

    ``stage.folder`` is a new folder beside ``out`` (same file system,
    owner-only, named ``.out.planner-tmp-<pid>-…`` so it is recognisable).
    When the block ends normally the folder replaces ``out`` in one rename
    (an atomic exchange on Linux): files the organiser keeps in ``out``, and
    input files, are carried over; files an earlier run wrote (listed in
    ``out/.planner-manifest.json``) and not written again are dropped. Every
    file written is 0600 and every folder 0700 (children's data), whatever
    the umask. When the block fails or is interrupted, ``out`` is left
    exactly as it was and the new folder is removed; folders left by a
    killed run are removed by the next run.

    ``inputs`` are the files the command read, and folders it read from: an
    output that would replace such a file (or a file directly in such a
    folder), unless an earlier run wrote it, is refused with
    :class:`InvalidInput` (exit 3) and nothing changes. A file the command
    read is never deleted, even if an earlier run wrote it (``export
    out/plan.json --out out`` keeps plan.json). ``replaces`` are inputs the
    command means to replace (``rematch out/plan.json --out out`` writes the
    new plan over the one it read, even in a folder without a manifest).
    """

    def __init__(
        self, out: Path, *, inputs: Iterable[Path] = (), replaces: Iterable[Path] = ()
    ) -> None:
        self.requested = Path(out)
        self.out = Path(os.path.abspath(out))
        if self.out.is_symlink():
            self.out = self.out.resolve()
        self.inputs = [Path(p).resolve() for p in inputs]
        self.replaces = {Path(p).resolve() for p in replaces}
        self.folder = self.out  # the staging folder, once entered

    def __enter__(self) -> OutputFolder:
        if self.out.exists() and not self.out.is_dir():
            raise InvalidInput([_out_problem(self.requested, "不是文件夹", "is not a folder")])
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            clean_stale(self.out)
            self.folder = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}{_STAGING}{os.getpid()}-", dir=parent)
            )
        except OSError as exc:
            raise InvalidInput(
                [_out_problem(self.requested, f"无法写入:{exc.strerror}", f"cannot write: {exc}")]
            ) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, value: object, tb: object) -> None:
        if kind is not None:
            _remove_tree(self.folder)
            if isinstance(value, OSError):  # name the file where the user will look for it
                value.filename = self._shown(value.filename)
                value.filename2 = self._shown(value.filename2)
            return
        try:
            self._commit()
        except BaseException:
            _remove_tree(self.folder)
            raise

    def _shown(self, name: object) -> object:
        """A path inside the staging folder as it will be once swapped in."""
        if not isinstance(name, str | os.PathLike):
            return name
        try:
            return str(self.requested / Path(name).relative_to(self.folder))
        except ValueError:
            return name

    def final(self, paths: Iterable[Path]) -> list[Path]:
        """Where files written into the staging folder are once swapped in."""
        return [self.requested / Path(p).relative_to(self.folder) for p in paths]

    def _commit(self) -> None:
        new = _files_under(self.folder)
        old_manifest = read_manifest(self.out)
        old = _files_under(self.out) if self.out.is_dir() else set()
        old.discard(MANIFEST)
        clash = sorted(
            rel
            for rel in new & old
            if rel not in old_manifest
            and self._is_input(self.out / rel)
            and (self.out / rel).resolve() not in self.replaces
        )
        if clash:
            raise InvalidInput(
                [
                    _out_problem(
                        self.out / rel,
                        "输出会覆盖这个输入文件:请换一个 --out 文件夹",
                        "an output would overwrite this input file: choose another --out folder",
                    )
                    for rel in clash
                ]
            )
        # ours: owner-only, whatever the umask (carried files keep their own modes)
        for root, dirs, files in os.walk(self.folder):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
            for name in files:
                os.chmod(os.path.join(root, name), 0o600)
        keep = sorted(
            rel for rel in old - new if rel not in old_manifest or self._is_input(self.out / rel)
        )
        for rel in keep:
            _carry(self.out / rel, self.folder / rel)
        _carry_empty_dirs(self.out, self.folder)
        listed = sorted(new | {rel for rel in keep if rel in old_manifest})
        write_text(self.folder / MANIFEST, _manifest_text(listed), private=True)
        with _interrupts_deferred():
            _swap(self.folder, self.out)

    def _is_input(self, path: Path) -> bool:
        """A file the command read, or a file directly in a folder it read from."""
        real = path.resolve()
        return real in self.inputs or real.parent in self.inputs

    def _was_read(self, path: Path) -> bool:
        return path.resolve() in self.inputs


def _out_problem(path: Path, zh: str, en: str) -> Problem:
    return Problem(str(path), None, "--out", zh, en)


def _manifest_text(files: list[str]) -> str:
    import json

    body = {"written_by": "planner", "files": files}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def read_manifest(out: Path) -> set[str]:
    """The files an earlier run wrote into ``out`` (empty when it has no manifest)."""
    import json

    try:
        data = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    if not isinstance(files, list):
        return set()
    return {f for f in files if isinstance(f, str) and ".." not in Path(f).parts}


def _files_under(folder: Path) -> set[str]:
    """Every file (and symlink) below ``folder``, as relative POSIX paths."""
    found: set[str] = set()
    for root, dirs, files in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        for name in files:
            found.add((rel_root / name).as_posix())
        for name in dirs:  # a link to a folder is carried as a link, not walked
            if os.path.islink(os.path.join(root, name)):
                found.add((rel_root / name).as_posix())
    return found


def _carry(source: Path, target: Path) -> None:
    """Put the old folder's file at the same place in the new one (a hard link: same bytes)."""
    _make_parents(source.parent, target.parent)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        import shutil

        shutil.copy2(source, target, follow_symlinks=False)


def _make_parents(source_dir: Path, target_dir: Path) -> None:
    """Create ``target_dir`` (and its parents) with the modes of the old folder's."""
    if target_dir.is_dir():
        return
    _make_parents(source_dir.parent, target_dir.parent)
    target_dir.mkdir()
    with contextlib.suppress(OSError):
        os.chmod(target_dir, os.stat(source_dir).st_mode & 0o7777)


def _carry_empty_dirs(old: Path, new: Path) -> None:
    """Empty folders the organiser made in the old folder stay."""
    if not old.is_dir():
        return
    for root, dirs, files in os.walk(old):
        if not dirs and not files:
            rel = Path(root).relative_to(old)
            if rel != Path("."):
                _make_parents(Path(root), new / rel)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; the old ``out`` is removed. A kill at any moment
    leaves ``out`` whole, old or new (an atomic exchange where the system has one)."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        _remove_tree(staging)  # now the old folder
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}{_RETIRED}{os.getpid()}-", dir=out.parent))
    os.rename(out, retired)  # over the empty folder just made
    os.rename(staging, out)
    _remove_tree(retired)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    import errno as errnos

    if errno in (errnos.EINVAL, errnos.ENOSYS, errnos.ENOTSUP):
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def clean_stale(out: Path) -> None:
    """Remove folders that runs killed before finishing left beside ``out``
    (their process is gone); an old folder caught mid-swap goes back in place."""
    out = Path(os.path.abspath(out))
    parent = out.parent
    if not parent.is_dir():
        return
    for kind in (_RETIRED, _STAGING):
        for path in orphaned_folders(parent, f".{out.name}{kind}"):
            if kind == _RETIRED and not out.exists():
                os.rename(path, out)
            else:
                _remove_tree(path)


def orphaned_folders(parent: Path, prefix: str) -> list[Path]:
    """The folders in ``parent`` named ``<prefix><pid>-...`` whose process is gone, sorted.

    Each run names what it leaves behind while it works (a staging folder,
    the links to the fonts Typst reads) by its process id, so a later run can
    tell the folders of killed runs from those of runs still going.
    """
    found = []
    for path in sorted(parent.glob(f"{_glob_escape(prefix)}*")):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)) and path.is_dir():
            found.append(path)
    return found


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this one always does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


class _interrupts_deferred:
    """Hold Ctrl-C (and SIGTERM) back while the swap runs. Once the new folder is
    in place Ctrl-C has nothing left to stop and is dropped (the run then ends
    as done: its output is whole); a SIGTERM, or a Ctrl-C when the swap
    failed, is delivered."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.caught: list[int] = []
        self.old: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.old[signum] = signal.signal(signum, lambda n, f: self.caught.append(n))

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        import signal

        for signum, handler in self.old.items():
            signal.signal(signum, handler)
        caught = [n for n in self.caught if kind is not None or n != signal.SIGINT]
        if caught:
            signal.raise_signal(caught[0])
