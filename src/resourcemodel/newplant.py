"""A new plant or project without writing tables: an overlay made from an existing plant.

:func:`new_plant` copies a plant of a case (its processes, intensities, inputs, costs,
emissions, jobs, connections and measures), scales what is a size (capacities, contracts,
permits, a plant's reserved use, measure costs and measure use) to a new capacity, and
writes the rows as an overlay folder (CSV tables appended to the case's, see
``docs/data-format.md``) with a scenario file that uses it. Per-unit numbers
(intensities, product inputs, costs per unit, emission factors, jobs per unit of output,
availability) are the reference plant's, each row keeping the reference's source in
``reference`` and saying in ``note`` that it is copied (``confidence`` is ``assumption``:
the new plant being like the old one is the assumption).

A new plant sells into its own market by default: each final product of the reference
plant (one with demand) gets a product of its own (``cement_new_cement``) with demand
equal to what the new capacity can make (capacity x availability, spread by days), the
reference product's price and penalty, and no minimum delivery, so the model decides
whether running it is worth the resources it takes from others. ``market="shared"``
keeps the reference products instead: the plant then competes for the existing demand.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel import io as rio
from resourcemodel import validate
from resourcemodel.exceptions import InputError
from resourcemodel.schema import PARAMETERS

if TYPE_CHECKING:
    from resourcemodel.scenario import Change, Scenario

#: Parameters indexed by process, copied per unit (capacity is scaled apart).
PER_UNIT = (
    "availability",
    "must_run",
    "production_cost",
    "intensity",
    "product_input",
    "process_emission",
    "jobs",
)
#: Parameters indexed by plant: scaled with the plant (a size), or copied (a share, a time).
PLANT_SCALED = ("reserved_use", "measure_cost", "measure_use")
PLANT_COPIED = ("max_adoption", "saving", "lead_time")
#: A plant's rights to resources: scaled, or left out with ``rights="omit"``.
RIGHTS = ("contract", "connection_cap", "permit")
#: Parameters of a final product, copied to the new plant's own product.
PRODUCT_COPIED = ("price", "unmet_penalty")
_LABEL = re.compile(r"[A-Za-z0-9_\-.]+")
_QUANTITY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.+?)\s*")


@dataclass
class NewPlant:
    """What :func:`new_plant` wrote.

    Attributes
    ----------
    overlay : Path
        The overlay folder.
    scenario : Path
        The scenario file using it.
    scale : float
        New capacity over the reference capacity of the process it was given for.
    processes : dict
        New process -> the reference process it copies.
    products : dict
        New product -> the reference product (own market only).
    dropped : list of str
        Sources of the reference plant the new plant is not connected to: closed to new
        draw (``source_closed``), so the overlay's connection would be refused.
    """

    overlay: Path
    scenario: Path
    scale: float
    processes: dict[str, str]
    products: dict[str, str]
    dropped: list[str] = field(default_factory=list)


def parse_quantity(text: str) -> tuple[float, str]:
    """Split ``"1 Mt/yr"`` into ``(1.0, "Mt/yr")``.

    Examples
    --------
    >>> parse_quantity("1.5 Mt/yr"), parse_quantity("200000t/yr")
    ((1.5, 'Mt/yr'), (200000.0, 't/yr'))
    """
    found = _QUANTITY.fullmatch(text)
    if not found:
        msg = f"--capacity {text!r}: expected a number and a unit, e.g. '1 Mt/yr'."
        raise InputError(msg)
    return float(found.group(1)), found.group(2)


def new_plant(
    case: str | Path,
    like: str,
    capacity: str,
    *,
    plant: str,
    name: str,
    out: str | Path,
    name_fa: str = "",
    process: str | None = None,
    market: str = "own",
    rights: str = "scale",
    scenario_out: str | Path | None = None,
) -> NewPlant:
    """Write an overlay for a new plant like ``like`` at ``capacity``, and a scenario using it.

    Parameters
    ----------
    case : str or Path
        A scenario file (the new scenario ``extends`` it) or a case folder or workbook (the
        new scenario names it as ``data``). Its case and overlays give the reference
        plant, and its changes too: a change that acts on the reference plant and will not
        act on the new one when the new scenario runs (it names the reference's processes,
        say) is copied into the overlay's values; one that acts on both (every process, a
        sector) is left to act again at run time. A change that acts on the two in
        different places, or in an order that cannot be copied, is refused.
    like : str
        The reference plant.
    capacity : str
        The new plant's capacity, ``"1 Mt/yr"``: of ``process``'s product.
    plant, name : str
        Label and name of the new plant.
    out : str or Path
        The overlay folder to write (must not hold tables yet).
    name_fa : str, optional
        Persian name.
    process : str, optional
        The reference process the capacity is given for (default: the plant's one process
        making a final product).
    market : {"own", "shared"}
        Own products with their own demand (default), or the reference's products.
    rights : {"scale", "omit"}
        Contracts, connection caps and permits of the reference plant: scaled, or left out
        (the new plant then draws on its sources up to their caps only).
    scenario_out : str or Path, optional
        The scenario file (default ``<plant>.toml`` beside ``case``'s scenario, or beside
        the overlays folder).

    Returns
    -------
    NewPlant

    Raises
    ------
    InputError
        If a change of ``case``'s scenario cannot be carried over to the new plant (nothing
        is written then), or for a wrong argument.

    Examples
    --------
    >>> import tempfile, resourcemodel as rm
    >>> folder = Path(tempfile.mkdtemp())
    >>> made = new_plant(rm.examples.path("two_plants"), "b", "400 t/yr", plant="c",
    ...                  name="Plant C", out=folder / "overlays" / "c")
    >>> made.scale, made.processes
    (2.0, {'c_mill': 'b_mill'})
    >>> res = rm.run(made.scenario)
    >>> float(res["production"].sel(process="c_mill").sum())  # sells all it can make
    400.0
    """
    if market not in ("own", "shared"):
        raise InputError(f"market: expected 'own' or 'shared', found {market!r}.")
    if rights not in ("scale", "omit"):
        raise InputError(f"rights: expected 'scale' or 'omit', found {rights!r}.")
    case = Path(case)
    scenario_file = case if case.suffix.lower() == ".toml" else None
    ds = _reference_inputs(case)
    _check_labels(ds, like, plant)
    out = Path(out)
    if out.exists() and any(out.glob("*.csv")):
        msg = f"{str(out)!r} already holds tables; give another --out or empty the folder."
        raise InputError(msg)
    builder, scale = _build(ds, like, plant, market, process, capacity)
    written = _write(builder.tables(scale, name, name_fa, rights, capacity, builder.ref), out)
    try:
        spec = _scenario(scenario_file)
        kept = _reference_changes(spec, out, builder) if spec else ()
    except Exception:
        for path in written:  # nothing half-made is left behind
            path.unlink()
        raise
    if kept:
        from dataclasses import replace

        from resourcemodel.scenario import apply_changes

        assert spec is not None  # kept comes from a scenario
        changed, _ = apply_changes(ds, replace(spec, changes=kept))
        builder, scale = _build(changed, like, plant, market, process, capacity)
        tables = builder.tables(scale, name, name_fa, rights, capacity, builder.ref)
        for path in set(written) - set(_write(tables, out)):
            path.unlink()
    readme = builder.readme(name, capacity, builder.ref, scale, rights)
    if kept:
        readme += (
            f"\nThe values copied from {like} include these changes of {case.name}, which act "
            f"on {like} only (changes that act on every plant act on {plant} too when the "
            "scenario runs):\n\n" + "".join(f"- {c.origin}: {c.parameter}\n" for c in kept)
        )
    rio.write_text(out / "README.md", readme)
    target = Path(scenario_out) if scenario_out else _default_scenario(case, out, plant)
    rio.write_text(
        target,
        _scenario_text(
            target, case, scenario_file, out, plant, name, like, capacity, scale, name_fa
        ),
    )
    return NewPlant(
        out, target, scale, builder.new_process, builder.new_product, list(builder.dropped)
    )


def _build(
    ds: xr.Dataset, like: str, plant: str, market: str, process: str | None, capacity: str
) -> tuple[_Builder, float]:
    """Return the overlay's builder on ``ds`` and the scale of the new plant."""
    builder = _Builder(ds, like, plant, market)
    ref = builder.ref = builder.scaling_process(process)
    amount, unit = parse_quantity(capacity)
    canonical = f"{builder.product_unit(str(ds['process_product'].sel(process=ref).item()))}/yr"
    try:
        new_capacity = amount * validate.unit_factor(unit, canonical)
    except validate.UNIT_ERRORS as err:
        msg = f"--capacity {capacity!r}: not a capacity of {ref!r} (in {canonical}): {err}."
        raise InputError(msg) from err
    old = float(ds["capacity"].sel(process=ref))
    if not old > 0:
        raise InputError(f"process {ref!r} of {like!r} has no capacity to scale from.")
    return builder, new_capacity / old


def _write(tables: dict[str, list[dict[str, str]]], out: Path) -> list[Path]:
    """Write the overlay's tables; return their paths."""
    for file, rows in tables.items():
        rio.write_text(out / file, _csv(rows))
    return [out / file for file in tables]


def _scenario(scenario_file: Path | None) -> Scenario | None:
    if scenario_file is None:
        return None
    from resourcemodel.scenario import load_scenario

    return load_scenario(scenario_file)


#: Parameters the overlay copies from the reference plant (scaled or not).
COPIED = ("capacity", *PER_UNIT, *PLANT_SCALED, *PLANT_COPIED, *RIGHTS, *PRODUCT_COPIED)


def _reference_changes(spec: Scenario, out: Path, builder: _Builder) -> tuple[Change, ...]:
    """Return the scenario's changes to copy into the overlay (see :func:`new_plant`).

    Each change of a copied parameter is located on the case with the overlay written from
    the unchanged values: where it selects the reference plant's elements and none of the
    new plant's, its effect is copied (returned); where it selects the same elements of
    both, it acts on both when the new scenario runs (not returned).

    Raises
    ------
    InputError
        If a change selects the two plants' elements differently, or a change acting on
        both comes before one to copy on the same parameter (the order could not be kept).
    """
    import warnings

    from resourcemodel.exceptions import InputWarning
    from resourcemodel.scenario import locate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        probe = validate.load_inputs(spec.data, overlays=(*spec.overlays, out))
    both: set[str] = set()
    copied: list[Change] = []
    for change in spec.changes:
        if change.parameter not in COPIED:
            continue
        mask, _ = locate(probe, change)
        ref, new = builder.elements(probe[change.parameter].copy(data=mask))
        if not ref.any() and not new.any():
            continue
        if np.array_equal(ref, new):
            both.add(change.parameter)
            continue
        if new.any():
            msg = (
                f"{change.origin}: this change of {change.parameter} acts on {builder.like} "
                f"and on the new plant {builder.plant} in different places, so the new plant "
                "cannot be a copy of the reference in this scenario; make the new plant from "
                "a scenario without it (or the case folder) and add the change to the new "
                "scenario."
            )
            raise InputError(msg)
        if change.parameter in both:
            msg = (
                f"{change.origin}: this change of {change.parameter} acts on {builder.like} "
                "only, after another that acts on every plant: the new plant cannot get "
                "the same values in that order; make it from a scenario without them."
            )
            raise InputError(msg)
        copied.append(change)
    return tuple(copied)


def _reference_inputs(case: Path) -> xr.Dataset:
    """Return the inputs of a case, or of a scenario's case and overlays (no changes)."""
    import warnings

    from resourcemodel.exceptions import InputWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # warned when the scenario runs
        if case.suffix.lower() == ".toml":
            from resourcemodel.scenario import load_scenario

            spec = load_scenario(case)
            return validate.load_inputs(spec.data, overlays=spec.overlays)
        return validate.load_inputs(case)


def _check_labels(ds: xr.Dataset, like: str, plant: str) -> None:
    plants = [str(p) for p in ds["plant"].values]
    if like not in plants:
        import difflib

        near = difflib.get_close_matches(like, plants, n=3)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        raise InputError(f"--like {like!r}: no such plant{hint} Plants: {', '.join(plants)}.")
    if plant in plants:
        raise InputError(f"--id {plant!r}: the case already has a plant of that name.")
    if not _LABEL.fullmatch(plant):
        raise InputError(f"--id {plant!r}: use letters, digits, '_', '-' or '.', no spaces.")


def _default_scenario(case: Path, out: Path, plant: str) -> Path:
    if case.suffix.lower() == ".toml":
        return case.parent / f"{plant}.toml"
    parent = out.parent.parent if out.parent.name == "overlays" else out.parent
    return parent / f"{plant}.toml"


def _csv(rows: list[dict[str, str]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _number(value: float) -> str:
    """Write a number as CSV text: shortest exact form, whole numbers without '.0'."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class _Builder:
    """Builds the rows of the overlay from the reference plant's inputs."""

    def __init__(self, ds: xr.Dataset, like: str, plant: str, market: str) -> None:
        self.ds = ds
        self.like = like
        self.plant = plant
        self.market = market
        self.ref = ""
        self.dropped: list[str] = []
        self.provenance = _provenance_index(ds)
        processes = ds["process"].values[ds["process_plant"].values == like]
        taken = {str(p) for p in ds["process"].values}
        self.new_process: dict[str, str] = {}
        for old in map(str, processes):
            new = plant + old[len(like) :] if old.startswith(like + "_") else f"{plant}_{old}"
            if new in taken:
                raise InputError(
                    f"process {new!r} (for {old!r}) exists already; choose another --id."
                )
            self.new_process[new] = old
        if not self.new_process:
            raise InputError(f"plant {like!r} has no processes to copy.")
        demand = ds["demand"].notnull().any("period") if "demand" in ds else None
        self.final = {
            str(p)
            for p in ds["product"].values
            if demand is not None and bool(demand.sel(product=p))
        }
        self.new_product: dict[str, str] = {}
        if market == "own":
            made = {
                str(ds["process_product"].sel(process=o).item()) for o in self.new_process.values()
            }
            for product in sorted(made & self.final):
                self.new_product[f"{product}_{plant}"] = product
        self.product_of = {v: k for k, v in self.new_product.items()}

    # -- helpers ---------------------------------------------------------------------
    def elements(self, values: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``values`` at the reference plant's elements and at the new plant's.

        Both in the same order: the reference's processes, products of its own market and
        the plant itself, each against the new plant's copy; other labels as they are.
        """
        ref: dict[str, list[str]] = {"plant": [self.like]}
        new: dict[str, list[str]] = {"plant": [self.plant]}
        ref["process"], new["process"] = list(self.new_process.values()), list(self.new_process)
        if self.new_product and values.name in PRODUCT_COPIED:
            ref["product"], new["product"] = list(self.new_product.values()), list(self.new_product)
        dims = [d for d in ref if d in values.dims]
        a = values.sel({d: ref[d] for d in dims}).values
        b = values.sel({d: new[d] for d in dims}).values
        return np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)

    def product_unit(self, product: str) -> str:
        return str(self.ds["product_unit"].sel(product=product).item())

    def scaling_process(self, process: str | None) -> str:
        own = list(self.new_process.values())
        if process is not None:
            if process not in own:
                raise InputError(f"--process {process!r}: not a process of {self.like!r} ({own}).")
            return process
        finals = [p for p in own if self._product(p) in self.final]
        if len(finals) == 1:
            return finals[0]
        raise InputError(
            f"plant {self.like!r} has {len(finals)} processes making a final product "
            f"({finals or own}); name the one --capacity is for with --process."
        )

    def closed_sources(self) -> set[str]:
        """Return the sources closed to new draw (``source_closed`` 1)."""
        if "source_closed" not in self.ds:
            return set()
        closed = np.asarray(self.ds["source_closed"].values, dtype=float) > 0.5
        return {str(s) for s in self.ds["source"].values[closed]}

    def applicable(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """Keep the rows of measures the reference plant can adopt (others are inert)."""
        if "max_adoption" not in self.ds or not rows or "measure" not in rows[0]:
            return rows
        can = self.ds["max_adoption"].sel(plant=self.like).notnull()
        ok = {str(m) for m, c in zip(self.ds["measure"].values, can.values, strict=True) if c}
        return [r for r in rows if r["measure"] in ok]

    def label_name(self, dim: str, label: str) -> str:
        """Return the name of a label (``product_name``), or the label if it has none."""
        coord = f"{dim}_name"
        name = str(self.ds[coord].sel({dim: label}).item()) if coord in self.ds.coords else ""
        return name or label

    def _product(self, process: str) -> str:
        return str(self.ds["process_product"].sel(process=process).item())

    def unit(self, name: str, labels: dict[str, str]) -> str:
        """Return the canonical unit of a parameter for one element, resolved."""
        text = PARAMETERS[name].unit
        ds = self.ds

        def res_unit(resource: str) -> str:
            return str(ds["resource_unit"].sel(resource=resource).item())

        if "{process.product}" in text:
            text = text.replace(
                "{process.product}", self.product_unit(self._product(labels["process"]))
            )
        if "{source.resource}" in text:
            src = str(ds["source_resource"].sel(source=labels["source"]).item())
            text = text.replace("{source.resource}", res_unit(src))
        if "{resource}" in text:
            text = text.replace("{resource}", res_unit(labels["resource"]))
        if "{product}" in text:
            text = text.replace("{product}", self.product_unit(labels["product"]))
        return text

    def origin(self, name: str, labels: dict[str, str]) -> tuple[str, str, str]:
        """Return reference, confidence and note of the row that gave an element its value."""
        for given, ref, conf, note in self.provenance.get(name, []):
            if all(given.get(d, "*") in ("*", v) for d, v in labels.items()):
                return ref, conf, note
        return "assumption", "assumption", ""

    def rows(
        self,
        name: str,
        select: dict[str, str],
        rename: dict[str, dict[str, str]],
        factor: float,
        how: str,
    ) -> list[dict[str, str]]:
        """Rows of parameter ``name`` for the reference's elements, relabelled and scaled."""
        if name not in self.ds:
            return []
        spec = PARAMETERS[name]
        arr = self.ds[name].sel(select)
        dims = [d for d in spec.dims if d not in select]
        values = arr.transpose(*dims).values if dims else arr.values
        default = spec.default
        out: list[dict[str, str]] = []
        for index in np.ndindex(values.shape):
            value = float(values[index])
            if math.isnan(value) or (not math.isnan(default) and value == default):
                continue
            labels = {d: str(self.ds[d].values[i]) for d, i in zip(dims, index, strict=True)}
            full = {**{k: str(v) for k, v in select.items()}, **labels}
            ref, conf, note = self.origin(name, full)
            new = {d: rename.get(d, {}).get(v, v) for d, v in full.items()}
            unit = self.unit(name, full)
            shown = _number(value * factor)
            if factor != 1:
                what = f"{self.like}'s {_number(value)} {unit} x {factor:.6g} ({how})"
            else:
                what = how if how.startswith("as ") else f"as {self.like} ({how})"
            row = {d: new[d] for d in spec.dims}
            row.update(value=shown, unit=unit, reference=ref, confidence="assumption")
            row["note"] = "; ".join(t for t in (what, f"was {conf}", note) if t)
            out.append(row)
        return _compress(out, spec.dims)

    # -- the tables ------------------------------------------------------------------
    def tables(
        self, scale: float, name: str, name_fa: str, rights: str, capacity: str, ref: str
    ) -> dict[str, list[dict[str, str]]]:
        ds, like, plant = self.ds, self.like, self.plant
        t: dict[str, list[dict[str, str]]] = {}
        sector = str(ds["plant_sector"].sel(plant=like).item()) if "plant_sector" in ds else ""
        t["plants.csv"] = [
            {
                "plant": plant,
                "name": name,
                "name_fa": name_fa,
                "sector": sector,
                "note": f"New plant like {like} at {capacity} (capacity of {ref}); "
                "written by resourcemodel new-plant",
            }
        ]
        if self.new_product:
            t["products.csv"] = [
                {
                    "product": new,
                    "unit": self.product_unit(old),
                    "name": f"{self.label_name('product', old)} ({name})",
                }
                for new, old in self.new_product.items()
            ]
        t["processes.csv"] = [
            {
                "process": new,
                "plant": plant,
                "product": self.product_of.get(self._product(old), self._product(old)),
                "name": f"{name}: {self.label_name('process', old)}",
            }
            for new, old in self.new_process.items()
        ]
        rename = {"process": {v: k for k, v in self.new_process.items()}, "plant": {like: plant}}
        rename["product"] = {}
        for file in ("capacity", *PER_UNIT):
            rows: list[dict[str, str]] = []
            for old in self.new_process.values():
                factor, how = (
                    (scale, f"new capacity over {like}'s")
                    if file == "capacity"
                    else (1.0, "per unit")
                )
                rows += self.rows(file, {"process": old}, rename, factor, how)
            if rows:
                t[f"{file}.csv"] = rows
        plant_sel = {"plant": like}
        for file in PLANT_SCALED + (RIGHTS if rights == "scale" else ()):
            rows = self.rows(file, plant_sel, rename, scale, "scaled with capacity")
            if rows:
                t[f"{file}.csv"] = self.applicable(rows)
        for file in PLANT_COPIED:
            rows = self.rows(file, plant_sel, rename, 1.0, "share or time, not scaled")
            if rows:
                t[f"{file}.csv"] = self.applicable(rows)
        connected = ds["connected"].sel(plant=like)
        sources = [str(s) for s, c in zip(ds["source"].values, connected.values, strict=True) if c]
        # A source closed to new draw (a closed plain) refuses an overlay's connection:
        # the new plant is not connected to it, nor given rights on it.
        closed = self.closed_sources()
        self.dropped = [s for s in sources if s in closed]
        sources = [s for s in sources if s not in closed]
        for file, rows in list(t.items()):
            kept = [r for r in rows if r.get("source") not in closed]
            if kept:
                t[file] = kept
            else:
                del t[file]
        t["connections.csv"] = [
            {
                "plant": plant,
                "source": s,
                "note": f"the sources of {like}",
                "reference": "assumption",
                "confidence": "assumption",
            }
            for s in sources
        ]
        if self.new_product:
            t.update(self._market(scale))
        return t

    def _market(self, scale: float) -> dict[str, list[dict[str, str]]]:
        """Demand (what the new capacity can make, by days), price and penalty of own products."""
        ds, t = self.ds, {}
        days = ds["period_duration"].values
        share = days / days.sum()
        demand: list[dict[str, str]] = []
        for new, old in self.new_product.items():
            makers = [p for p, o in self.new_process.items() if self._product(o) == old]
            for i, period in enumerate(map(str, ds["period"].values)):
                total = 0.0
                for new_proc in makers:
                    ref = self.new_process[new_proc]
                    cap = float(ds["capacity"].sel(process=ref)) * scale
                    avail = float(ds["availability"].sel(process=ref, period=period))
                    total += cap * avail * share[i]
                demand.append(
                    {
                        "product": new,
                        "period": period,
                        "value": _number(total),
                        "unit": self.product_unit(old),
                        "reference": "assumption",
                        "confidence": "assumption",
                        "note": "What the new capacity can make: capacity x availability, "
                        "spread by days; a market of its own (new-plant --market own)",
                    }
                )
        t["demand.csv"] = demand
        for file in PRODUCT_COPIED:
            rows = []
            for new, old in self.new_product.items():
                rename = {"product": {old: new}}
                rows += self.rows(file, {"product": old}, rename, 1.0, f"as {old}")
            if rows:
                t[f"{file}.csv"] = rows
        return t

    def readme(self, name: str, capacity: str, ref: str, scale: float, rights: str) -> str:
        lines = [
            f"# {name}",
            "",
            f"Overlay written by `resourcemodel new-plant`: a new plant `{self.plant}` like "
            f"`{self.like}` at {capacity} (capacity of `{ref}`), {scale:.6g} times the "
            "reference. Per-unit numbers (intensities, inputs, costs, emissions, jobs, "
            "availability) are the reference's, with its references; capacities, a plant's "
            "reserved use, measure costs and measure use are scaled"
            + (
                ", and so are its contracts, connection caps and permits."
                if rights == "scale"
                else "; its contracts, connection caps and permits are left out (rights "
                "omitted): the new plant draws on its sources up to their caps only."
            ),
            *(
                [
                    "Not connected to "
                    + ", ".join(f"`{d}`" for d in self.dropped)
                    + ": closed to new draw (`source_closed`); the new plant draws only on "
                    "its other sources.",
                ]
                if self.dropped
                else []
            ),
            "Every row's confidence is `assumption`: that the new plant is like the "
            "reference is the assumption; `note` says what each number was.",
            "",
            "| new | copies |",
            "|---|---|",
            *[f"| {n} | {o} |" for n, o in {**self.new_process, **self.new_product}.items()],
            "",
        ]
        if self.new_product:
            lines.append(
                "Own market: each final product gets a product of its own with demand equal "
                "to what the new capacity can make (capacity x availability, by days), the "
                "reference product's price and penalty and no minimum delivery, so the model "
                "runs the plant only where its value beats the resources it takes from others."
            )
        return "\n".join(lines) + "\n"


def _compress(rows: list[dict[str, str]], dims: tuple[str, ...]) -> list[dict[str, str]]:
    """Write ``period = '*'`` for an element whose rows are the same in every period."""
    if "period" not in dims or not rows:
        return rows
    key_dims = [d for d in dims if d != "period"]
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[d] for d in key_dims), []).append(row)
    out = []
    for group in groups.values():
        same = {json.dumps({k: v for k, v in r.items() if k != "period"}) for r in group}
        if len(same) == 1 and len(group) > 1:
            out.append({**group[0], "period": "*"})
        else:
            out.extend(group)
    return out


#: A provenance record: labels (a dimension -> label or '*'), reference, confidence, note.
_Record = tuple[dict[str, str], str, str, str]


def _provenance_index(ds: xr.Dataset) -> dict[str, list[_Record]]:
    """Return the provenance records by parameter, most specific first (fewest wildcards)."""
    out: dict[str, list[_Record]] = {}
    for name, labels, ref, conf, note in json.loads(str(ds.attrs.get("provenance", "[]"))):
        rec = ({str(k): str(v) for k, v in labels.items()}, str(ref), str(conf), str(note))
        out.setdefault(str(name), []).append(rec)
    for recs in out.values():
        recs.sort(key=lambda r: sum(v == "*" for v in r[0].values()))
    return out


def _relative(target: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()


def _scenario_text(
    target: Path,
    case: Path,
    scenario_file: Path | None,
    out: Path,
    plant: str,
    name: str,
    like: str,
    capacity: str,
    scale: float,
    name_fa: str,
) -> str:
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    overlay = _relative(out, target.parent)
    summary = (
        f"{name}: a new plant like {like} at {capacity}, its processes and intensities "
        f"copied and scaled {scale:.4g}x: what it uses and what it pushes out."
    )
    description = (
        f"Written by resourcemodel new-plant. The overlay {overlay} adds {name} ({plant}) "
        f"like {like} at {capacity}; see its README.md. Compare with the scenario it "
        "extends: resourcemodel permit BASE THIS.toml."
    )
    lines = [f"name = {q(plant)}", f"title = {q(name)}", f"summary = {q(summary)}"]
    if name_fa:
        lines.append(f"title_fa = {q(name_fa)}")
    base = scenario_file
    lines.append(f"description = {q(description)}")
    if base is not None:
        lines.append(f"extends = [{q(_relative(base, target.parent).removesuffix('.toml'))}]")
    else:
        from resourcemodel.scenario import BUNDLED

        bundled = any(case.resolve().parent == b.resolve() for b in BUNDLED)
        lines.append(f"data = {q(case.name if bundled else _relative(case, target.parent))}")
    lines.append(f"overlay = {q(overlay)}")
    return "\n".join(lines) + "\n"
