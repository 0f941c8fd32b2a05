"""Render a Plan into what organisers hold: invites, paper, report, tables.

>>> from planner.render import export          # doctest: +SKIP
>>> export(plan, Path("out"))                  # doctest: +SKIP
[PosixPath('out/report.html'), ...]

Fed only by the Plan. A part the stages left empty (no pairs, no buses, no
budget) means that output is absent, never an error. Every file is written
atomically; the same plan (and ``now``) gives the same bytes, PDFs included
(dated by the plan, see :mod:`planner.render.typeset`). Who
reads which file: see :mod:`planner.render.audience`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from planner.model import Plan
from planner.render.audience import Audience, audience_of

if TYPE_CHECKING:
    from planner.render.typeset import PdfError, Typeset, Typesetter

__all__ = ["Audience", "audience_of", "export"]

#: Printed pages in the order they are written: file stem -> builder name.
PRINT_PAGES: tuple[str, ...] = (
    "roster",
    "manifests",
    "meal",
    "cards",
    "volunteer_sheets",
    "guardian_slips",
    "signin",
)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def export(
    plan: Plan,
    out: Path,
    *,
    lang: str = "zh",
    now: datetime | None = None,
    pdf: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write every output of ``plan`` into ``out`` and return the paths written.

    ``lang`` is ``"zh"`` (default) or ``"en"``. ``now`` (timezone-aware) is
    the calendar DTSTAMP and the PDFs' creation date; without it a stamp
    fixed by the plan keeps the output repeatable. ``pdf=False`` skips
    printing. ``on_note`` receives one line per thing skipped (no font for
    Chinese, a page that failed); by default the lines go to stderr.

    Typst typesets each printed page in a thread of this process as soon as
    its rows are ready (before its HTML), while the other files are written.
    """
    from contextlib import nullcontext

    from planner.render.typeset import take

    with take() if pdf else nullcontext() as typesetter:
        return _export(plan, Path(out), lang, now, on_note or _stderr, typesetter)


def _export(
    plan: Plan,
    out: Path,
    lang: str,
    now: datetime | None,
    note: Callable[[str], None],
    typesetter: Typesetter | None,
) -> list[Path]:
    # only what the printed pages need first: Typst typesets them while the calendar
    # and spreadsheet libraries load (~0.15 s) and the other files are written
    from planner.io import write_bytes, write_text
    from planner.render import paper
    from planner.render.guardians import family_notices, notices_text
    from planner.render.labels import Labels
    from planner.render.typeset import page_data
    from planner.render.view import PlanView

    t = Labels(lang)
    view = PlanView(plan, lang)
    written: list[Path] = []
    notices = family_notices(view, t)

    # the printed pages first: Typst typesets them while the other files are written
    pages = {
        "roster": (bool(view.attending_children), lambda: paper.roster_page(view, t)),
        "manifests": (bool(view.bus_legs), lambda: paper.manifests_page(view, t)),
        "meal": (bool(plan.meals), lambda: paper.meal_page(view, t)),
        "cards": (bool(plan.pairs), lambda: paper.cards_page(view, t)),
        "volunteer_sheets": (
            bool(view.selected),
            lambda: paper.volunteer_sheets_page(view, t, view.selected),
        ),
        "guardian_slips": (bool(notices), lambda: paper.guardian_slips_page(view, t, notices)),
        "signin": (
            bool(view.selected) and view.plans_a_day,
            lambda: paper.sign_in_page(view, t),
        ),
    }
    html_pages: list[Path] = []
    printing: list[Typeset] = []  # each page is typeset while the next ones are written
    created = _pdf_created(plan, now)
    for stem in PRINT_PAGES:
        present, build = pages[stem]
        html_path = out / "print" / f"{stem}.html"
        if present:
            page = build()
            if typesetter is not None:  # to Typst first: it needs neither HTML nor Jinja2
                data = page_data(view, t, page, created)
                printing.append(
                    typesetter.submit(data, page.template, html_path.with_suffix(".pdf"))
                )
            html_pages.append(write_text(html_path, paper.page_html(view, t, page)))
        else:
            html_path.unlink(missing_ok=True)
            html_path.with_suffix(".pdf").unlink(missing_ok=True)

    from planner.render import invites, tables
    from planner.render.report import report_html

    written.append(write_text(out / "report.html", report_html(view, t)))

    sheets = tables.all_tables(view, t)
    for table in sheets:
        target = out / f"{table.name}.csv"
        if table.empty:
            target.unlink(missing_ok=True)
        else:
            written.append(tables.write_table_csv(view, table, target, lang=lang))
    written.append(
        write_bytes(out / "plan.xlsx", tables.xlsx_bytes([tables.event_table(view, t), *sheets]))
    )
    budget_xlsx = out / "budget.xlsx"
    if plan.budget is not None and plan.budget.lines:
        from planner.budget.output import write_budget_xlsx

        written.append(write_budget_xlsx(plan.budget, budget_xlsx, lang=lang))
    else:
        budget_xlsx.unlink(missing_ok=True)

    invite_files = [
        write_bytes(out / "invites" / invite.filename, invite.data)
        for invite in invites.write_invites(plan, lang=lang, now=now)
        if b"BEGIN:VEVENT" in invite.data
    ]
    written += invite_files
    _remove_stale(out / "invites", "*.ics", keep=invite_files)

    sheet_files = [
        write_text(out / "volunteers" / f"{v.id}.html", paper.volunteer_sheets_html(view, t, [v]))
        for v in view.selected
    ]
    written += sheet_files
    _remove_stale(out / "volunteers", "*.html", keep=sheet_files)

    # each family's notice, ready to paste into an SMS or WeChat, and all of them for the sender
    notice_files = [
        write_text(out / "guardians" / f"{n.family.id}.txt", n.text, private=True) for n in notices
    ]
    if notices:
        notice_files.append(
            write_text(out / "guardians" / "notices.txt", notices_text(notices, t), private=True)
        )
    written += notice_files
    _remove_stale(out / "guardians", "*.txt", keep=notice_files)

    written += html_pages

    if typesetter is not None:
        written += _printed(html_pages, [printed.result() for printed in printing], note, t)
        return written
    for html_page in html_pages:  # a PDF must never outlive the HTML it was printed from
        html_page.with_suffix(".pdf").unlink(missing_ok=True)
    return written


def _pdf_created(plan: Plan, now: datetime | None) -> datetime:
    """The PDFs' creation date, fixed by the plan (the invites' DTSTAMP), in its zone."""
    from zoneinfo import ZoneInfo

    from planner.render.view import stamp_for

    return stamp_for(plan, now).astimezone(ZoneInfo(plan.event.timezone))


def _printed(
    pages: list[Path], results: list[Path | PdfError], note: Callable[[str], None], t
) -> list[Path]:
    """The PDFs typeset, in page order, and a note for those that failed (no stale
    PDF left): one note when one reason stopped them all (no font for Chinese)."""
    from planner.render.typeset import settle

    done, failed, common = settle(zip(pages, results, strict=True))
    if common is not None:
        files = ", ".join(page.with_suffix(".pdf").name for page, _ in failed)
        note(t("pdf_skipped", files=files, error=common))
    else:
        for page, error in failed:
            note(t("pdf_failed", file=page.with_suffix(".pdf").name, error=error))
    return done


def _remove_stale(folder: Path, pattern: str, *, keep: list[Path]) -> None:
    """Delete outputs of an earlier export that this one did not write again
    (a volunteer who dropped out must not keep a valid-looking invite)."""
    if not folder.is_dir():
        return
    kept = {p.resolve() for p in keep}
    for path in folder.glob(pattern):
        if path.resolve() not in kept:
            path.unlink()
