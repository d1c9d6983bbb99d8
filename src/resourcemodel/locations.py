"""Where plants are: the optional location columns of ``plants.csv``.

A plant may carry ``lat`` and ``lon`` (WGS84 decimal degrees, both or neither), a
``county`` and an industrial ``estate`` (text), and the provenance of its location in
``location_reference`` and ``location_confidence`` (sourced / estimate / assumption). The
model never uses them; maps do (:mod:`resourcemodel.plots_maps`). Validation reports every
bad cell at once, naming file, line and column, like the rest of :mod:`validate`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame(
...     {"plant": ["a", "b"], "lat": ["32.4", "95"], "lon": ["51.3", ""],
...      "_where": ["'plants.csv', line 2", "'plants.csv', line 3"]}
... )
>>> for problem in location_problems(frame):  # doctest: +ELLIPSIS
...     print(problem)
'plants.csv', line 3, column 'lat': latitude 95 is outside -90..90 (WGS84 ...).
'plants.csv', line 3: 'lat' is given but 'lon' is empty; give both coordinates or neither.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from resourcemodel.schema import CONFIDENCE_LABELS

#: The location columns of plants.csv, in the order they are documented.
LOCATION_COLUMNS = ("lat", "lon", "county", "estate", "location_reference", "location_confidence")

_RANGES = {"lat": ("latitude", 90.0, "north"), "lon": ("longitude", 180.0, "east")}


def _number(cell: object) -> float | None:
    """Return the cell as a float, ``nan`` when empty, ``None`` when not a number."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan  # a row from a table without the column (an overlay's plants.csv)
    text = str(cell).strip()
    if text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return None


def location_problems(frame: pd.DataFrame) -> list[str]:
    """Return what is wrong with the location columns of a plants table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The plants table as read (text cells) with a ``_where`` column naming each row's
        file and line.

    Returns
    -------
    list of str
        One message per problem; empty when the columns are absent or right.
    """
    problems: list[str] = []
    present = [c for c in ("lat", "lon") if c in frame.columns]
    values: dict[str, list[float | None]] = {}
    for column in present:
        what, limit, positive = _RANGES[column]
        values[column] = [_number(v) for v in frame[column]]
        for where, cell, value in zip(frame["_where"], frame[column], values[column], strict=True):
            if value is None or math.isinf(value):
                problems.append(
                    f"{where}, column {column!r}: {cell!r} is not a number; give the {what} in "
                    f"decimal degrees (e.g. {'32.65' if column == 'lat' else '51.67'})."
                )
            elif not math.isnan(value) and abs(value) > limit:
                problems.append(
                    f"{where}, column {column!r}: {what} {cell} is outside "
                    f"-{limit:g}..{limit:g} (WGS84 decimal degrees, {positive} positive)."
                )
    for given, other in (("lat", "lon"), ("lon", "lat")):
        if given not in present:
            continue
        for i, where in enumerate(frame["_where"]):
            value = values[given][i]
            other_value = values[other][i] if other in values else math.nan
            given_here = value is not None and not math.isnan(value)
            if given_here and other_value is not None and math.isnan(other_value):
                problems.append(
                    f"{where}: {given!r} is given but {other!r} is empty; give both "
                    "coordinates or neither."
                )
    if "location_confidence" in frame.columns:
        conf = frame["location_confidence"].fillna("").astype(str).str.strip()
        for where, label in zip(frame["_where"], conf, strict=True):
            if label and label not in CONFIDENCE_LABELS:
                problems.append(
                    f"{where}, column 'location_confidence': {label!r} is not one of "
                    f"{list(CONFIDENCE_LABELS)}."
                )
    return problems


def location_coords(frame: pd.DataFrame) -> dict[str, tuple[str, np.ndarray, dict[str, str]]]:
    """Return the plant coordinates a valid plants table gives the inputs Dataset.

    ``plant_lat`` and ``plant_lon`` are floats (``nan`` where a plant has no location),
    ``plant_county`` and ``plant_estate`` text. A column absent from the table gives no
    coordinate.

    Parameters
    ----------
    frame : pandas.DataFrame
        The plants table, one row per plant in label order, already checked by
        :func:`location_problems`.

    Returns
    -------
    dict
        Coordinate name -> ``(dim, values, attrs)``.
    """
    coords: dict[str, tuple[str, np.ndarray, dict[str, str]]] = {}
    units = {"lat": "degrees_north", "lon": "degrees_east"}
    for column, unit in units.items():
        if column in frame.columns:
            values = np.asarray([_number(v) for v in frame[column]], dtype=float)
            coords[f"plant_{column}"] = (
                "plant",
                values,
                {"units": unit, "crs": "EPSG:4326 (WGS84)"},
            )
    for column in ("county", "estate"):
        if column in frame.columns:
            text = frame[column].fillna("").astype(str).str.strip().to_numpy(dtype=str)
            coords[f"plant_{column}"] = ("plant", text, {})
    return coords
