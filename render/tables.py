"""The data behind an output, as CSV beside it in ``data/``: what a reader re-plots or checks the picture with."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from render import spec
from render.files import atomic_path

NUMBER = "%.17g"  # every digit a float64 has: the numbers read back are the ones drawn


def write_table(table: spec.Table, path: Path) -> Path:
    """``path`` holding ``table``: its header, then a line per row (``row_labels`` first, as text, where given)."""
    with atomic_path(path) as temporary:
        if table.row_labels is None:
            np.savetxt(temporary, table.rows, delimiter=",", header=",".join(table.columns), comments="", fmt=NUMBER)
        else:
            lines = [",".join(table.columns)]
            lines += [",".join([label, *(NUMBER % value for value in row)])
                      for label, row in zip(table.row_labels, table.rows)]
            temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
