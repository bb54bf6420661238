"""Rows of different lengths stored as one flat numpy array (the matcher's and tagger's tables)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class RaggedIndex:
    """Where each row of a ragged table lies in its flat value arrays.

    Row ``i`` holds ``values[first[i] : first[i] + count[i]]``; :meth:`gather` finds the values
    of many rows at once, so callers never loop over rows in Python.
    """

    def __init__(self, lengths: Sequence[int]) -> None:
        self.count = np.array(lengths, dtype=np.int64)
        self.first = np.cumsum(self.count) - self.count

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The flat positions of the values of ``rows``, in order, and each row's count.

        ``np.repeat(x, counts)`` lines up anything known per row with those positions.
        """
        counts = self.count[rows]
        starts = np.repeat(self.first[rows] - np.cumsum(counts) + counts, counts)
        return starts + np.arange(len(starts)), counts
