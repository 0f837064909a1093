"""Files the harness writes (results, records, baselines, entries) appear whole or not at all."""
import os
import tempfile
from pathlib import Path


def write_atomically(path, text):
    """Write ``text`` to ``path`` through a uniquely named temporary file in the same folder and ``os.replace``:
    a reader sees the old file or the new one, never a part, and two writers never share a temporary name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
