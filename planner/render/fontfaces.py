"""One face of a font collection as a font file of its own, kept in the user's cache.

Chinese fonts come as collections (``.ttc``): Noto Sans CJK holds ten faces in
each file (Japanese, Korean, Simplified and Traditional Chinese, Hong Kong,
and their monospaced kin). Typst learns every face of every file it is given
before it typesets anything, and holds the interpreter while it does: the two
Noto files took ~0.05 s of every ``planner plan``, stalling the plan being
loaded, for the one face the pages use. Given that face alone it takes ~0.01 s,
and the PDFs are byte for byte the same.

A face is cut out as the OpenType specification lays a collection out: a
``ttcf`` header with the offset of each face's table directory, each directory
pointing at tables anywhere in the file (shared by the faces). The new file
is that directory with the tables it points at copied after it, each on a
four-byte boundary; the tables are copied unchanged, checksums included.

The file is written once per font file and face, named after the file's size
and time (a font upgraded is cut out again, the older copy removed), into
``$XDG_CACHE_HOME/planner/fonts`` (``~/.cache/...``). Where it cannot be cut
or kept, the collection itself is used, as before.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path
from typing import BinaryIO

#: the tag a font collection's file begins with
COLLECTION_TAG = b"ttcf"


def cache_folder() -> Path:
    """Where cut-out faces are kept: ``$XDG_CACHE_HOME/planner/fonts``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "planner" / "fonts"


def one_face(path: str, index: int) -> str:
    """A font file holding face ``index`` of ``path`` alone: ``path`` itself when it
    is not a collection, else the face cut out (once) into the cache; ``path``
    when the face cannot be cut out or kept."""
    try:
        with open(path, "rb") as font:
            if font.read(4) != COLLECTION_TAG:
                return path
            stat = os.fstat(font.fileno())
            folder = cache_folder()
            stem = f"{Path(path).stem}-{index}-"
            kept = folder / f"{stem}{stat.st_size}-{stat.st_mtime_ns}.otf"
            if kept.is_file():
                return str(kept)
            face = cut_face(font, index)
        folder.mkdir(parents=True, exist_ok=True)
        for older in folder.glob(f"{stem}*.otf"):  # the font was upgraded
            if older != kept:  # (another run may have just cut this one)
                older.unlink(missing_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(face)
        os.replace(temporary, kept)  # another run cutting it too writes the same bytes
        return str(kept)
    except (OSError, ValueError, struct.error):
        return path


def cut_face(font: BinaryIO, index: int) -> bytes:
    """Face ``index`` of the collection open in ``font`` as an OpenType font of its
    own. Raises ValueError for a file that is not one."""

    def read(offset: int, size: int) -> bytes:
        font.seek(offset)
        data = font.read(size)
        if len(data) != size:
            raise ValueError("font collection cut short")
        return data

    tag, _version, faces = struct.unpack(">4sLL", read(0, 12))
    if tag != COLLECTION_TAG or not 0 <= index < faces:
        raise ValueError(f"no face {index} in this font collection")
    (start,) = struct.unpack(">L", read(12 + 4 * index, 4))
    header = read(start, 12)  # sfnt version, table count, search fields
    (count,) = struct.unpack(">H", header[4:6])
    records = [struct.unpack(">4sLLL", read(start + 12 + 16 * i, 16)) for i in range(count)]
    directory = bytearray(header)
    tables = bytearray()
    first = 12 + 16 * count  # the tables follow the directory
    for table, checksum, offset, length in records:
        directory += struct.pack(">4sLLL", table, checksum, first + len(tables), length)
        tables += read(offset, length)
        tables += b"\0" * (-len(tables) % 4)
    return bytes(directory + tables)
