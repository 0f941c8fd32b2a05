"""Jinja2's cache of compiled templates, shared by every Jinja2 environment of the
planner (the day's pages, the ledger's reports). A module of its own so that a
command loads only Jinja2 for it, not the day's page builders."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

__all__ = ["template_cache"]


def template_cache() -> BytecodeCache | None:
    """Jinja2's cache of compiled templates, or None where it cannot be kept.

    Compiling the print templates from source takes about 0.15 s of every
    run; the cache keeps the compiled code in Jinja2's own folder for this
    user (``_jinja2-cache-<uid>`` in the temporary folder, mode 0700, refused
    if another user owns it), keyed by each template's source, so an edited
    template is compiled again.
    """
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private folder to be had: compile every time
        return None
