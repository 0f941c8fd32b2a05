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


#: plan.json versions this planner reads (``Plan.schema_version``)
SCHEMA_VERSIONS = (1,)
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
    version = data.get("schema_version", 1)
    if version not in SCHEMA_VERSIONS:
        known = ", ".join(str(v) for v in SCHEMA_VERSIONS)
        raise InvalidInput(
            [
                Problem(
                    shown,
                    None,
                    "schema_version",
                    f"不认识的 schema_version {version!r}(本版本只读 {known}):请用写它的版本",
                    f"unknown schema_version {version!r} (this planner reads {known}): "
                    "use the version that wrote it",
                )
            ]
        )
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
