"""A backend-neutral linear program with labelled blocks of rows and columns.

:class:`ProgramBuilder` collects variables, constraints and matrix entries as numpy
arrays (no per-variable Python objects); :meth:`ProgramBuilder.finish` assembles one
:class:`LinearProgram` whose ``A`` is a ``scipy.sparse.csr_matrix``. Every block keeps an
index array shaped like its coordinates (``-1`` where absent), so a solver vector maps
back to labelled arrays by a single fancy-indexing step.

Constraints are ranges, ``row_lower <= A @ x <= row_upper``; the program is always a
minimisation (a maximising objective is stored negated, with ``objective_sign = -1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

Coords = dict[str, np.ndarray]


@dataclass
class Block:
    """A named family of variables or constraints over labelled dimensions.

    Attributes
    ----------
    name : str
        Family name (``production``, ``source-cap``...).
    dims : tuple of str
        Dimension names.
    coords : dict
        Labels of each dimension.
    index : numpy.ndarray
        Integer array of shape ``[len(coords[d]) for d in dims]``: the column (or row)
        of each element, ``-1`` where the element does not exist.
    unit : str
        Unit of the variable, or of the right-hand side for a constraint.
    """

    name: str
    dims: tuple[str, ...]
    coords: Coords
    index: np.ndarray
    unit: str = ""

    @property
    def size(self) -> int:
        """Number of existing elements."""
        return int((self.index >= 0).sum())

    def gather(self, vector: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Return ``vector`` reshaped onto the block's coordinates (``fill`` where absent)."""
        out = np.full(self.index.shape, fill, dtype=float)
        present = self.index >= 0
        out[present] = vector[self.index[present]]
        return out


@dataclass
class LinearProgram:
    """``min c @ x + c0`` subject to ``row_lower <= A x <= row_upper``, bounds on x.

    Attributes
    ----------
    c, col_lower, col_upper : numpy.ndarray
        Objective coefficients and variable bounds (length n).
    A : scipy.sparse.csr_matrix
        Constraint matrix (m x n).
    row_lower, row_upper : numpy.ndarray
        Constraint ranges (length m); ``-inf``/``inf`` where one side is open.
    integrality : numpy.ndarray
        Boolean, True for integer variables.
    c0 : float
        Objective constant.
    objective_sign : int
        ``1`` if the reported objective is ``c @ x + c0``; ``-1`` if the model maximises
        and the reported objective is ``-(c @ x + c0)``.
    variables, constraints : dict of Block
        Labelled blocks of columns and rows.
    """

    c: np.ndarray
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    c0: float = 0.0
    objective_sign: int = 1
    variables: dict[str, Block] = field(default_factory=dict)
    constraints: dict[str, Block] = field(default_factory=dict)
    objective_name: str = "cost"
    objective_unit: str = "USD"
    #: Years allowed to build measures before the modelled year (see formulation.Options).
    build_years: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return (int(self.A.shape[0]), int(self.A.shape[1]))

    @property
    def is_mip(self) -> bool:
        """Whether any variable is integer."""
        return bool(self.integrality.any())

    def row_labels(self, row: int) -> tuple[str, dict[str, str]]:
        """Return the family name and labels of row ``row``."""
        return _labels(self.constraints, row)

    def col_labels(self, col: int) -> tuple[str, dict[str, str]]:
        """Return the family name and labels of column ``col``."""
        return _labels(self.variables, col)

    def residuals(self, x: np.ndarray) -> dict[str, float]:
        """Return the largest violation of rows and of bounds by ``x`` (0 if feasible)."""
        ax = self.A @ x
        row = np.maximum(self.row_lower - ax, ax - self.row_upper)
        col = np.maximum(self.col_lower - x, x - self.col_upper)
        return {
            "rows": float(np.max(row, initial=0.0)),
            "bounds": float(np.max(col, initial=0.0)),
        }


def _labels(blocks: dict[str, Block], position: int) -> tuple[str, dict[str, str]]:
    for block in blocks.values():
        hits = np.argwhere(block.index == position)
        if len(hits):
            where = hits[0]
            return block.name, {
                d: str(block.coords[d][i]) for d, i in zip(block.dims, where, strict=True)
            }
    msg = f"position {position} belongs to no block"
    raise KeyError(msg)


class ProgramBuilder:
    """Collects blocks and matrix entries, then assembles a :class:`LinearProgram`."""

    def __init__(self) -> None:
        self.n = 0
        self.m = 0
        self._cols: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._rows: list[tuple[np.ndarray, np.ndarray]] = []
        self._entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.variables: dict[str, Block] = {}
        self.constraints: dict[str, Block] = {}

    def add_variables(
        self,
        name: str,
        coords: Coords,
        mask: np.ndarray | None = None,
        *,
        lower: np.ndarray | float = 0.0,
        upper: np.ndarray | float = np.inf,
        cost: np.ndarray | float = 0.0,
        integer: bool = False,
        unit: str = "",
    ) -> np.ndarray:
        """Add a block of variables; return its index array (``-1`` where masked out)."""
        shape = tuple(len(v) for v in coords.values())
        mask = np.ones(shape, dtype=bool) if mask is None else np.broadcast_to(mask, shape)
        index = np.full(shape, -1, dtype=np.int64)
        count = int(mask.sum())
        index[mask] = np.arange(self.n, self.n + count)
        self.n += count
        self._cols.append(
            (
                np.broadcast_to(lower, shape)[mask].astype(float),
                np.broadcast_to(upper, shape)[mask].astype(float),
                np.broadcast_to(cost, shape)[mask].astype(float),
                np.full(count, integer),
            )
        )
        self.variables[name] = Block(name, tuple(coords), coords, index, unit)
        return index

    def add_constraints(
        self,
        name: str,
        coords: Coords,
        mask: np.ndarray | None = None,
        *,
        lower: np.ndarray | float = -np.inf,
        upper: np.ndarray | float = np.inf,
        unit: str = "",
    ) -> np.ndarray:
        """Add a block of range rows; return its index array (``-1`` where masked out)."""
        shape = tuple(len(v) for v in coords.values())
        mask = np.ones(shape, dtype=bool) if mask is None else np.broadcast_to(mask, shape)
        index = np.full(shape, -1, dtype=np.int64)
        count = int(mask.sum())
        index[mask] = np.arange(self.m, self.m + count)
        self.m += count
        self._rows.append(
            (
                np.broadcast_to(lower, shape)[mask].astype(float),
                np.broadcast_to(upper, shape)[mask].astype(float),
            )
        )
        self.constraints[name] = Block(name, tuple(coords), coords, index, unit)
        return index

    def add_terms(self, rows: np.ndarray, cols: np.ndarray, coef: np.ndarray | float) -> None:
        """Add matrix entries; pairs where a row or column is absent or coef is 0 are skipped."""
        rows, cols, coef = np.broadcast_arrays(rows, cols, np.asarray(coef, dtype=float))
        keep = (rows >= 0) & (cols >= 0) & (coef != 0)
        self._entries.append((rows[keep].ravel(), cols[keep].ravel(), coef[keep].ravel()))

    def finish(self, *, c0: float = 0.0, objective_sign: int = 1) -> LinearProgram:
        """Assemble the program (duplicate entries are summed)."""

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        lower = cat([c[0] for c in self._cols], float)
        upper = cat([c[1] for c in self._cols], float)
        cost = cat([c[2] for c in self._cols], float)
        integ = cat([c[3] for c in self._cols], bool)
        rlo = cat([r[0] for r in self._rows], float)
        rup = cat([r[1] for r in self._rows], float)
        rows = cat([e[0] for e in self._entries], np.int64)
        cols = cat([e[1] for e in self._entries], np.int64)
        vals = cat([e[2] for e in self._entries], float)
        a = sp.csr_matrix((vals, (rows, cols)), shape=(self.m, self.n))
        a.sum_duplicates()
        a.eliminate_zeros()
        return LinearProgram(
            c=cost,
            A=a,
            row_lower=rlo,
            row_upper=rup,
            col_lower=lower,
            col_upper=upper,
            integrality=integ,
            c0=c0,
            objective_sign=objective_sign,
            variables=self.variables,
            constraints=self.constraints,
        )
