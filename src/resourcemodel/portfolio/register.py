"""The project register: one row per half-finished project, loaded against a case.

A register is a CSV table (``register.csv``) or the sheet ``projects`` of an Excel
workbook, one row per project. Columns:

=========================  ========  ==========================================================
column                     needed    meaning
=========================  ========  ==========================================================
``id``                     yes       unique label
``name``                   yes       planner-facing name
``name_fa``                no        its name in Persian (Persian brief); Persian script
``sector``                 yes       ``steel``, ``cement``... (see :data:`SECTOR_DEFAULTS`)
``progress``               yes       physical progress, % (0-100)
``capacity``               yes       output at full capacity, in ``capacity_unit``
``capacity_unit``          yes       a rate of the product (``kt/yr``, ``Mt/yr``, ``GWh/yr``)
``remaining_investment``   yes       investment still needed to complete it, million USD
``jobs``                   yes       permanent jobs at full capacity
``county``, ``plain``      no        where it is (quotas by county; water by plain, below);
                                     a case whose plants carry county ids of the shipped
                                     county layer checks ``county`` against that layer
``completion_year``        no        expected completion year (reported, screened)
``reference_process``      no        a process of the case to copy from (see below)
``use_<resource>``         no        own intensity: canonical unit of the resource per
                                     canonical unit of the product (``use_water`` in m3/t)
``product``                no        product made (default: the reference's)
``production_cost``        no        USD per unit of product (default: the reference's)
``price``                  no        USD per unit of product (default: the product's price)
``exclusive_group``        no        projects on one site: at most one of a group is completed
``requires``               no        id of a project that must be completed too (precedence)
``source_<resource>``      no        the source the project draws that resource from
``lat``, ``lon``           no        coordinates (maps)
=========================  ========  ==========================================================

A project copies from its ``reference_process`` (or, without one, from its sector's default
process, :data:`SECTOR_DEFAULTS`): the product, the intensities of every resource, the
product inputs (a cement mill's clinker), the production cost, the availability profile
over the periods and the process emissions, all per unit of output, so scaled by the
project's capacity. Own ``use_<resource>`` columns replace the reference's intensity of
that resource. Negative intensities of the reference (own generation) are not copied: a
project draws everything it uses from the province's sources.

Loading checks every row and raises one :class:`~resourcemodel.exceptions.ValidationError`
listing every problem, each naming the file, line and column.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel import units
from resourcemodel.exceptions import ValidationError

#: Columns every register has.
REQUIRED = (
    "id",
    "name",
    "sector",
    "progress",
    "capacity",
    "capacity_unit",
    "remaining_investment",
    "jobs",
)

#: Optional columns (besides ``use_<resource>`` and ``source_<resource>``).
OPTIONAL = (
    "name_fa",
    "county",
    "plain",
    "completion_year",
    "reference_process",
    "product",
    "production_cost",
    "price",
    "exclusive_group",
    "requires",
    "lat",
    "lon",
)

#: Sheet of a workbook read as the register (else its first sheet).
SHEET = "projects"

_NUMERIC = ("progress", "capacity", "remaining_investment", "jobs")
_OPTIONAL_NUMERIC = ("completion_year", "production_cost", "price", "lat", "lon")


@functools.cache
def layer_counties() -> tuple[str, ...]:
    """Return the county ids of the shipped county layer (``geodata/isfahan_counties.geojson``)."""
    from importlib import resources

    path = resources.files("resourcemodel") / "geodata" / "isfahan_counties.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return tuple(str(f["properties"]["county"]) for f in features)


def case_counties(inputs: xr.Dataset) -> tuple[str, ...] | None:
    """Return the county ids a register of this case must use, or None to skip the check.

    A case uses the shipped county layer when its plants carry counties
    (``plants.csv``'s ``county`` column, the ``plant_county`` coordinate) and every one
    given is an id of the layer (the Isfahan case); then a project's ``county`` must be one
    of the layer's ids too (the brief's map and names, and county quotas, rely on it).
    """
    if "plant_county" not in inputs.coords and "plant_county" not in inputs:
        return None
    given = {str(c).strip() for c in np.asarray(inputs["plant_county"].values).ravel()}
    given -= {"", "nan", "None"}
    layer = layer_counties()
    if not given or not given <= set(layer):
        return None
    return layer


def county_problem(county: str, layer: tuple[str, ...]) -> str:
    """Return the end of the message for a county id not in ``layer`` (with close matches)."""
    near = [c for c in layer if county == c.replace("_and_", "_") or c.startswith(county + "_")]
    near += [c for c in difflib.get_close_matches(county, layer, n=3, cutoff=0.6) if c not in near]
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    return (
        f"county {county!r} is not a county of the county layer (geodata/isfahan_counties.geojson)"
        f"{hint} Its ids: {', '.join(layer)}."
    )


@dataclass(frozen=True)
class SectorDefault:
    """The process a project of a sector copies from when it names none."""

    reference_process: str
    confidence: str
    note: str


def _sector_defaults() -> dict[str, SectorDefault]:
    table = pd.read_csv(Path(__file__).with_name("sector_defaults.csv"), dtype=str)
    return {
        str(row.sector): SectorDefault(
            str(row.reference_process), str(row.confidence), str(row.note)
        )
        for row in table.itertuples()
    }


#: Sector -> default reference process of the Isfahan case (``sector_defaults.csv``,
#: each row labelled an assumption with its reason).
SECTOR_DEFAULTS: dict[str, SectorDefault] = _sector_defaults()


def read_register(path: str | Path, inputs: xr.Dataset) -> xr.Dataset:
    """Read a register CSV and return it as a labelled Dataset against a case's inputs.

    Parameters
    ----------
    path : str or Path
        The register: a CSV table, or an Excel workbook (``.xlsx``) whose sheet
        ``projects`` (else its first sheet) holds the table; line numbers in messages are
        the sheet's rows.
    inputs : xarray.Dataset
        Validated inputs of the scenario the projects would join (for processes, products,
        resources, sources, periods and prices).

    Returns
    -------
    xarray.Dataset
        See :func:`register_from_frame`.

    Raises
    ------
    ValidationError
        Listing every problem of the file, each with its line and column.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{str(path)!r}: the project register is not a file (expected a CSV table)."
        raise ValidationError(msg)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
        except (ValueError, OSError) as err:
            msg = f"{path.name!r}: cannot be read as an Excel workbook ({err})."
            raise ValidationError(msg) from err
        name = SHEET if SHEET in sheets else next(iter(sheets))
        return register_from_frame(sheets[name], inputs, file=f"{path.name}[{name}]")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        msg = f"{path.name!r}: cannot be read as a CSV table ({err})."
        raise ValidationError(msg) from err
    return register_from_frame(frame, inputs, file=path.name)


def register_from_frame(
    frame: pd.DataFrame, inputs: xr.Dataset, *, file: str = "register.csv"
) -> xr.Dataset:
    """Validate a register table and resolve every project against the inputs.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per project (columns as in the module doc; strings or numbers).
    inputs : xarray.Dataset
        Validated inputs of the scenario.
    file : str
        File name used in messages.

    Returns
    -------
    xarray.Dataset
        Dim ``project`` (with ``resource``, ``product``, ``period``, ``pollutant``):
        ``capacity`` (product unit per year), ``progress`` (%), ``remaining_investment``
        (MUSD), ``jobs``, ``completion_year``, ``price`` and ``production_cost`` (USD per
        unit), ``intensity[project, resource]``, ``product_input[project, product]``,
        ``availability[project, period]``, ``process_emission[project, pollutant]``;
        coords ``project_name``, ``sector``, ``county``, ``plain``, ``project_product``,
        ``reference_process``, ``exclusive_group``, ``requires``, ``lat``, ``lon`` and
        ``source_choice[project, resource]`` ('' where the register names none).

    Raises
    ------
    ValidationError
        Listing every problem, each naming the file, line and column.
    """
    problems: list[str] = []
    attrs = dict(frame.attrs)
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(str).apply(lambda col: col.str.strip())
    frame.attrs = attrs
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        msg = (
            f"{file!r}: missing column(s) {', '.join(map(repr, missing))}; a register needs "
            f"{', '.join(REQUIRED)}."
        )
        raise ValidationError(msg)
    resources = [str(r) for r in inputs["resource"].values]
    sources = [str(s) for s in inputs["source"].values]
    processes = [str(p) for p in inputs["process"].values]
    products = [str(p) for p in inputs["product"].values]
    known = set(REQUIRED) | set(OPTIONAL)
    use_cols, src_cols = {}, {}
    for col in frame.columns:
        if col.startswith("use_") and col[4:] in resources:
            use_cols[col[4:]] = col
        elif col.startswith("source_") and col[7:] in resources:
            src_cols[col[7:]] = col
        elif col not in known:
            hint = (
                f" (resources of the case: {', '.join(resources)})"
                if col.startswith(("use_", "source_"))
                else f" (known columns: {', '.join(REQUIRED + OPTIONAL)}, use_<resource>, "
                "source_<resource>)"
            )
            problems.append(f"{file!r}: unknown column {col!r}{hint}.")
    for col in OPTIONAL:
        if col not in frame.columns:
            frame[col] = ""
    line = np.arange(len(frame)) + 2  # header is line 1

    def where(i: int, col: str) -> str:
        return f"{file!r} line {line[i]}, column {col!r}"

    def number(col: str, *, required: bool) -> np.ndarray:
        out = np.full(len(frame), np.nan)
        for i, text in enumerate(frame[col]):
            if text == "":
                if required:
                    problems.append(f"{where(i, col)}: a value is needed, found nothing.")
                continue
            try:
                out[i] = float(text)
            except ValueError:
                problems.append(f"{where(i, col)}: expected a number, found {text!r}.")
        return out

    values = {c: number(c, required=True) for c in _NUMERIC}
    values |= {c: number(c, required=False) for c in _OPTIONAL_NUMERIC}
    ids = np.array(frame["id"].tolist(), dtype=object)
    for i in np.flatnonzero(ids == "").tolist():
        problems.append(f"{where(int(i), 'id')}: every project needs an id.")
    dup = pd.Series(ids).duplicated(keep="first").to_numpy() & (ids != "")
    for i in np.flatnonzero(dup).tolist():
        first = int(np.flatnonzero(ids == ids[i])[0])
        problems.append(
            f"{where(int(i), 'id')}: id {ids[i]!r} is used twice (first on line {line[first]})."
        )
    for col, low, high in (
        ("progress", 0.0, 100.0),
        ("capacity", 0.0, math.inf),
        ("remaining_investment", 0.0, math.inf),
        ("jobs", 0.0, math.inf),
    ):
        v = values[col]
        bad = ~np.isnan(v) & ((v < low) | (v > high) | ((col == "capacity") & (v == 0)))
        for i in np.flatnonzero(bad).tolist():
            rule = "in [0, 100] %" if col == "progress" else (">0" if col == "capacity" else ">=0")
            problems.append(f"{where(int(i), col)}: expected a value {rule}, found {v[i]:g}.")
    # Reference process: given, or the sector's default.
    refs = frame["reference_process"].to_numpy(dtype=object).copy()
    sectors = np.array(frame["sector"].tolist(), dtype=object)
    own = np.zeros((len(frame), len(resources)))
    has_own = np.zeros((len(frame), len(resources)), dtype=bool)
    for r, col in use_cols.items():
        j = resources.index(r)
        for i, text in enumerate(frame[col]):
            if text == "":
                continue
            try:
                own[i, j] = float(text)
                has_own[i, j] = True
            except ValueError:
                problems.append(f"{where(i, col)}: expected a number, found {text!r}.")
            else:
                if own[i, j] < 0:
                    problems.append(
                        f"{where(i, col)}: an intensity is >= 0 (a project draws what it "
                        f"uses), found {own[i, j]:g}."
                    )
    for i in range(len(frame)):
        if refs[i] == "":
            default = SECTOR_DEFAULTS.get(sectors[i])
            if default is not None and default.reference_process in processes:
                refs[i] = default.reference_process
            elif not has_own[i].any() or frame["product"].iat[i] == "":
                problems.append(
                    f"{where(i, 'reference_process')}: project {ids[i]!r} names no reference "
                    f"process and its sector {sectors[i]!r} has no default in this case; give "
                    "reference_process, or product and use_<resource> columns "
                    f"(sectors with defaults: {', '.join(sorted(SECTOR_DEFAULTS))})."
                )
        elif refs[i] not in processes:
            problems.append(
                f"{where(i, 'reference_process')}: unknown process {refs[i]!r} "
                f"(processes of the case: {', '.join(processes)})."
            )
    proc_index = {p: k for k, p in enumerate(processes)}
    ref_k = np.array([proc_index.get(r, -1) for r in refs], dtype=int)
    # Product.
    prod = frame["product"].to_numpy(dtype=object).copy()
    ref_product = inputs["process_product"].values.astype(str)
    for i in range(len(frame)):
        if prod[i] == "" and ref_k[i] >= 0:
            prod[i] = ref_product[ref_k[i]]
        elif prod[i] != "" and prod[i] not in products:
            problems.append(
                f"{where(i, 'product')}: unknown product {prod[i]!r} "
                f"(products of the case: {', '.join(products)})."
            )
    prod_index = {p: k for k, p in enumerate(products)}
    prod_k = np.array([prod_index.get(p, -1) for p in prod], dtype=int)
    product_unit = [str(u) for u in inputs["product_unit"].values]
    # Capacity in the product's unit per year.
    capacity = values["capacity"].copy()
    for i in range(len(frame)):
        if prod_k[i] < 0 or np.isnan(capacity[i]):
            continue
        target = f"{product_unit[prod_k[i]]}/yr"
        given = frame["capacity_unit"].iat[i]
        try:
            capacity[i] *= units.factor(given, target)
        except Exception as err:  # pint raises several error types
            problems.append(
                f"{where(i, 'capacity_unit')}: {given!r} is not a rate of "
                f"{product_unit[prod_k[i]]!r} (the unit of {prod[i]!r}), e.g. {target!r} "
                f"({type(err).__name__})."
            )
    # Price and production cost.
    product_price = np.asarray(inputs["price"].values, dtype=float)
    price = values["price"].copy()
    for i in range(len(frame)):
        if np.isnan(price[i]) and prod_k[i] >= 0:
            price[i] = product_price[prod_k[i]]
            if np.isnan(price[i]):
                problems.append(
                    f"{where(i, 'price')}: product {prod[i]!r} has no price in the case "
                    "(an intermediate product); give the project's price in USD per "
                    f"{product_unit[prod_k[i]]}."
                )
    ref_cost = np.asarray(inputs["production_cost"].values, dtype=float)
    cost = values["production_cost"].copy()
    fill = np.isnan(cost) & (ref_k >= 0)
    cost[fill] = ref_cost[ref_k[fill]]
    cost = np.nan_to_num(cost, nan=0.0)
    # Intensities, product inputs, availability and emissions copied from the reference.
    nr = len(resources)
    intensity = np.zeros((len(frame), nr))
    ok = ref_k >= 0
    intensity[ok] = np.clip(np.asarray(inputs["intensity"].values, float)[ref_k[ok]], 0.0, None)
    intensity = np.where(has_own, own, intensity)
    product_input = np.zeros((len(frame), len(products)))
    product_input[ok] = np.asarray(inputs["product_input"].values, float)[ref_k[ok]]
    nt = inputs.sizes["period"]
    availability = np.ones((len(frame), nt))
    availability[ok] = np.asarray(inputs["availability"].values, float)[ref_k[ok]]
    npol = inputs.sizes["pollutant"]
    emission = np.zeros((len(frame), npol))
    emission[ok] = np.asarray(inputs["process_emission"].values, float)[ref_k[ok]]
    # Sources named by the register.
    choice = np.full((len(frame), nr), "", dtype=object)
    src_res = inputs["source_resource"].values.astype(str)
    for r, col in src_cols.items():
        j = resources.index(r)
        for i, text in enumerate(frame[col]):
            if text == "":
                continue
            if text not in sources:
                problems.append(
                    f"{where(i, col)}: unknown source {text!r} (sources of {r!r}: "
                    f"{', '.join(s for s, q in zip(sources, src_res, strict=True) if q == r)})."
                )
            elif src_res[sources.index(text)] != r:
                problems.append(
                    f"{where(i, col)}: source {text!r} supplies "
                    f"{src_res[sources.index(text)]!r}, not {r!r}."
                )
            else:
                choice[i, j] = text
    # Precedence.
    requires = np.array(frame["requires"].tolist(), dtype=object)
    id_set = set(ids)
    for i in np.flatnonzero(requires != "").tolist():
        if requires[i] == ids[i]:
            problems.append(f"{where(int(i), 'requires')}: project {ids[i]!r} requires itself.")
        elif requires[i] not in id_set:
            problems.append(
                f"{where(int(i), 'requires')}: no project with id {requires[i]!r} in the register."
            )
    for i, name_fa in enumerate(frame["name_fa"].tolist()):
        if name_fa and not any("\u0600" <= ch <= "\u06ff" for ch in name_fa):
            problems.append(
                f"{where(i, 'name_fa')}: {name_fa!r} has no Persian letter; give the name in "
                "Persian script or leave the cell empty."
            )
    layer = case_counties(inputs)
    if layer is not None:
        known_counties = set(layer)
        for i, county in enumerate(frame["county"].tolist()):
            if county and county not in known_counties:
                problems.append(f"{where(i, 'county')}: {county_problem(county, layer)}")
    if problems:
        raise ValidationError(problems, during=f"Errors in the project register {file!r}")
    project = xr.DataArray(ids.astype(str), dims="project")

    def da(values: np.ndarray, dims: tuple[str, ...], unit: str, description: str) -> xr.DataArray:
        return xr.DataArray(values, dims=dims, attrs={"units": unit, "description": description})

    ds = xr.Dataset(
        {
            "capacity": da(
                capacity, ("project",), "{project.product}/yr", "Output at full capacity."
            ),
            "progress": da(values["progress"], ("project",), "%", "Physical progress."),
            "remaining_investment": da(
                values["remaining_investment"], ("project",), "MUSD", "Investment to complete it."
            ),
            "jobs": da(values["jobs"], ("project",), "job", "Permanent jobs at full capacity."),
            "completion_year": da(
                values["completion_year"], ("project",), "year", "Expected completion year."
            ),
            "price": da(price, ("project",), "USD/{project.product}", "Sale price of its output."),
            "production_cost": da(
                cost, ("project",), "USD/{project.product}", "Production cost per unit."
            ),
            "intensity": da(
                intensity,
                ("project", "resource"),
                "{resource}/{project.product}",
                "Resource use per unit of output.",
            ),
            "product_input": da(
                product_input,
                ("project", "product"),
                "{product}/{project.product}",
                "Products used per unit of output (from the province's pool).",
            ),
            "availability": da(
                availability, ("project", "period"), "fraction", "Share of capacity available."
            ),
            "process_emission": da(
                emission,
                ("project", "pollutant"),
                "t/{project.product}",
                "Emissions per unit of output not from a drawn resource.",
            ),
        },
        coords={
            "project": project,
            "resource": inputs["resource"].values,
            "product": inputs["product"].values,
            "period": inputs["period"].values,
            "pollutant": inputs["pollutant"].values,
            "project_name": ("project", frame["name"].to_numpy(dtype=str)),
            "project_name_fa": ("project", frame["name_fa"].to_numpy(dtype=str)),
            "sector": ("project", sectors.astype(str)),
            "county": ("project", frame["county"].to_numpy(dtype=str)),
            "plain": ("project", frame["plain"].to_numpy(dtype=str)),
            "project_product": ("project", prod.astype(str)),
            "reference_process": ("project", refs.astype(str)),
            "exclusive_group": ("project", frame["exclusive_group"].to_numpy(dtype=str)),
            "requires": ("project", requires.astype(str)),
            "lat": ("project", values["lat"]),
            "lon": ("project", values["lon"]),
            "source_choice": (("project", "resource"), choice.astype(str)),
        },
    )
    ds.attrs["register"] = file
    synthetic = bool(frame.attrs.get("synthetic")) or bool(
        len(frame) and frame["name"].str.startswith("SYNTHETIC").all()
    )
    ds.attrs["synthetic"] = int(synthetic)
    ds.attrs["scenario"] = str(inputs.attrs.get("scenario", ""))
    return ds
