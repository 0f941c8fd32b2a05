"""Atomic file writes: a reader never sees half a file (temp file + rename)."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from pydantic import ValidationError

from planner.errors import InvalidInput, Problem
from planner.model import Plan


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


def write_plan(plan: Plan, out_dir: Path) -> Path:
    """Write ``out_dir/plan.json`` atomically and return its path."""
    return write_text(Path(out_dir) / "plan.json", plan.to_json())


def read_plan(path: Path) -> Plan:
    """Read a plan.json written by :func:`write_plan`.

    Raises :class:`planner.errors.InvalidInput` when the file is missing or
    is not a plan, naming the file (and line, for JSON syntax errors).
    """

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(
            [Problem(str(path), None, None, "文件不存在", "file not found")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            [Problem(str(path), None, None, f"无法读取:{exc}", f"cannot read: {exc}")]
        ) from None
    try:
        return Plan.model_validate_json(text)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            problems.append(
                Problem(
                    str(path),
                    None,
                    loc,
                    f"不是有效的 plan.json:{err['msg']}",
                    f"not a valid plan.json: {err['msg']}",
                )
            )
        raise InvalidInput(problems) from None
