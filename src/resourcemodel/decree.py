"""Decrees as written: a cut shared pro rata, every plant keeping the same share of its use.

Iranian curtailment decrees do not let the water company or the grid share a cut cap by
value: they cut every affected plant's use by the same share of its *normal* use ("steel
and cement at 10% of their normal electricity use"). A ``[[curtailment]]`` with
``rule = "pro_rata"`` says so. Besides the cut cap, every plant connected to a curtailed
source then gets a per-plant, per-period limit

    supply[plant, source, t] <= available * normal[plant, source, t]

written into ``connection_cap`` (a bound on the supply variable: no new constraint family,
and the elastic program of :mod:`resourcemodel.analyses.elastic` already relaxes it). The
normal draw is the plant's draw in the scenario's *reference*: by default the scenario
itself without its ``pro_rata`` curtailments (for a file whose only change is the
curtailment, the scenario it extends), solved; a scenario file may name another with
``reference = "..."``. A plant that drew nothing from the source in the reference may draw
nothing in those periods.

This module only computes shares and limits from arrays; :func:`resourcemodel.pipeline.load`
solves the reference and applies them, and :func:`resourcemodel.analyses.decree_cost`
compares the pro-rata cut with the optimal one.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.exceptions import ScenarioError
from resourcemodel.scenario import Change, locate

#: Cap parameters a cut can act on, with the dims that are not ``source``/``period``.
CAP_PARAMETERS = ("source_cap", "source_cap_annual", "group_cap", "group_cap_annual")


def curtailed_plants(inputs: xr.Dataset, change: Change) -> np.ndarray:
    """Return which plants a curtailment cuts: all, or those its ``plants``/``sectors`` name.

    Raises
    ------
    ScenarioError
        If a pattern matches no plant (or no plant's sector).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> from resourcemodel.scenario import Change
    >>> ds = rm.load_inputs(rm.examples.path("decree"))
    >>> cut = Change("source_cap", {}, "scale", 0.7, None, "x", True, "pro_rata",
    ...              (("plant.sector", ("cement",)),))
    >>> curtailed_plants(ds, cut).tolist()
    [False, True]
    """
    mask = np.ones(inputs.sizes["plant"], dtype=bool)
    for selector, patterns in change.plants:
        coord = "plant_sector" if selector == "plant.sector" else "plant"
        labels = inputs[coord].values.astype(str)
        hit = np.zeros(len(labels), dtype=bool)
        for pattern in patterns:
            match = np.array([fnmatch.fnmatchcase(x, pattern) for x in labels], dtype=bool)
            if not match.any():
                key = "sectors" if coord == "plant_sector" else "plants"
                known = list(dict.fromkeys(labels.tolist()))
                msg = (
                    f"{change.origin}, {key}: {pattern!r} matches no {key[:-1]}; there are {known}."
                )
                raise ScenarioError(msg)
            hit |= match
        mask &= hit
    return mask


def curtailment_shares(inputs: xr.Dataset, changes: Iterable[Change]) -> np.ndarray:
    """Return the share of normal use each plant keeps from each source in each period.

    Parameters
    ----------
    inputs : xarray.Dataset
        Validated inputs (any stage: only the selectors' labels are read).
    changes : iterable of Change
        Curtailments (``scale`` changes of ``source_cap``), each for every plant or for the
        plants it names; two covering the same plant, source and period multiply.

    Returns
    -------
    numpy.ndarray
        ``[plant, source, period]``, 1 where no curtailment applies.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> from resourcemodel.scenario import Change
    >>> ds = rm.load_inputs(rm.examples.path("decree"))
    >>> cut = Change("source_cap", {"period": ("summer",)}, "scale", 0.7, None, "x", True)
    >>> curtailment_shares(ds, [cut])[:, 0, :].tolist()
    [[1.0, 0.7], [1.0, 0.7]]
    """
    share = np.ones(inputs["connection_cap"].shape)
    for change in changes:
        mask, _ = locate(inputs, change)
        where = curtailed_plants(inputs, change)[:, None, None] & mask[None, :, :]
        share = np.where(where, share * change.value, share)
    return share


def cut_named_caps(
    inputs: xr.Dataset, changes: Iterable[Change], normal: np.ndarray
) -> tuple[xr.Dataset, list[dict[str, Any]]]:
    """Cut the caps of curtailments that name plants by what those plants give up.

    A decree that cuts only some plants (``plants``/``sectors``) leaves the others their
    normal use: the source's cap falls by ``sum_p (1 - available) * normal[p]`` over the named
    plants, in each curtailed period. Curtailments of every plant scale the cap themselves
    (:func:`resourcemodel.scenario.apply_changes`) and are skipped here.

    Returns
    -------
    inputs : xarray.Dataset
        A copy with the cut ``source_cap``.
    records : list of dict
        Diff records of the caps that changed.
    """
    named = [c for c in changes if c.plants]
    if not named:
        return inputs, []
    share = curtailment_shares(inputs, named)
    cut = ((1.0 - share) * normal).sum(axis=0)  # source, period
    out = inputs.copy(deep=False)
    cap = np.asarray(inputs["source_cap"].values, float)
    new = np.where(cut > 0, np.clip(cap - cut, 0.0, None), cap)
    out["source_cap"] = inputs["source_cap"].copy(data=new)
    units = dict(zip(inputs["resource"].values, inputs["resource_unit"].values, strict=True))
    origin = "; ".join(c.origin for c in named) + " (the named plants' cut of their normal draw)"
    records = [
        {
            "parameter": "source_cap",
            "labels": {
                "source": str(inputs["source"].values[i]),
                "period": str(inputs["period"].values[j]),
            },
            "before": float(cap[i, j]),
            "after": float(new[i, j]),
            "unit": str(units[inputs["source_resource"].values[i]]),
            "origin": origin,
        }
        for i, j in np.argwhere(new != cap)
    ]
    return out, records


def cap_shares(reference: xr.Dataset, inputs: xr.Dataset, changes: Iterable[Change]) -> np.ndarray:
    """Return the share of the reference's caps that cap changes leave, per source and period.

    A change of ``source_cap`` acts on its source and period, of ``source_cap_annual`` on
    every period of its source, of ``group_cap`` (``_annual``) on every member source of
    the group in its period (every period). The share is the scenario's cap over the
    reference's where the change touches it; where several caps touch one source and
    period the smallest share counts. Only cuts count (a share below 1); caps the
    reference does not have (unlimited or zero there) give no share: no per-plant limit
    follows from them.

    Parameters
    ----------
    reference, inputs : xarray.Dataset
        Validated inputs of the reference and of the scenario (same labels).
    changes : iterable of Change
        The changes that make the cut; changes of other parameters are ignored.

    Returns
    -------
    numpy.ndarray
        ``[source, period]``, 1 where no cap is cut.
    """
    ns, nt = inputs.sizes["source"], inputs.sizes["period"]
    share = np.ones((ns, nt))
    member = np.asarray(inputs["group_member"].values, dtype=bool)  # group, source
    for change in changes:
        if change.parameter not in CAP_PARAMETERS:
            continue
        mask, _ = locate(reference, change)
        before = np.asarray(reference[change.parameter].values, float)
        after = np.asarray(inputs[change.parameter].values, float)
        ok = mask & np.isfinite(before) & (before > 0) & np.isfinite(after)
        ratio = np.where(ok, after / np.where(ok, before, 1.0), 1.0)
        ratio = np.minimum(ratio, 1.0)
        if change.parameter == "source_cap":
            per = ratio
        elif change.parameter == "source_cap_annual":
            per = np.broadcast_to(ratio[:, None], (ns, nt))
        else:
            by_group = (
                ratio if ratio.ndim == 2 else np.broadcast_to(ratio[:, None], (len(ratio), nt))
            )
            # Each member source takes the smallest share of its groups.
            spread = np.where(member[:, :, None], by_group[:, None, :], 1.0)
            per = spread.min(axis=0) if len(spread) else np.ones((ns, nt))
        share = np.minimum(share, per)
    return share


def normal_draw(reference: xr.Dataset, inputs: xr.Dataset) -> np.ndarray:
    """Return the reference results' draws on the labels of ``inputs`` (0 where absent).

    Parameters
    ----------
    reference : xarray.Dataset
        Results of the reference solve (its ``supply[plant, source, period]``).
    inputs : xarray.Dataset
        The inputs the limits are for.

    Returns
    -------
    numpy.ndarray
        ``[plant, source, period]`` in the resource's canonical unit, >= 0.
    """
    supply = reference["supply"].reset_coords(drop=True).fillna(0.0)
    supply = supply.reindex(
        {d: inputs[d].values for d in ("plant", "source", "period")}, fill_value=0.0
    )
    values = supply.transpose("plant", "source", "period").values
    return np.clip(np.asarray(values, float), 0.0, None)


def apply_pro_rata(
    inputs: xr.Dataset,
    share: np.ndarray,
    normal: np.ndarray,
    origin: str = "pro rata",
    exempt: np.ndarray | None = None,
) -> tuple[xr.Dataset, list[dict[str, Any]]]:
    """Limit every connected plant to ``share`` times its normal draw where a source is cut.

    Parameters
    ----------
    inputs : xarray.Dataset
        Validated inputs; not modified.
    share : numpy.ndarray
        ``[plant, source, period]`` (or ``[source, period]``, the same for every plant) share
        of normal use kept (1: not cut).
    normal : numpy.ndarray
        ``[plant, source, period]`` normal draw (:func:`normal_draw`).
    origin : str
        Where the limits come from, for the diff records.
    exempt : numpy.ndarray of bool, optional
        ``[plant, source, period]`` elements that keep their ``connection_cap`` (the scenario
        set it itself: an exemption or a special allowance).

    Returns
    -------
    inputs : xarray.Dataset
        A copy whose ``connection_cap`` is ``min(connection_cap, share * normal)`` for
        connected plants and cut sources and periods.
    records : list of dict
        One diff record per limit that changed (as
        :func:`resourcemodel.scenario.apply_changes` returns them).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ds = rm.load_inputs(rm.examples.path("decree"))
    >>> normal = np.array([[[400.0, 400.0]], [[200.0, 200.0]]])
    >>> out, records = apply_pro_rata(ds, np.array([[1.0, 0.7]]), normal)
    >>> out["connection_cap"].sel(period="summer").values.ravel().tolist()
    [280.0, 140.0]
    >>> len(records), records[0]["labels"]
    (2, {'plant': 'a', 'source': 'river', 'period': 'summer'})
    """
    out = inputs.copy(deep=False)
    cap = np.asarray(inputs["connection_cap"].values, float)
    connected = np.asarray(inputs["connected"].values, dtype=bool)[:, :, None]
    share = np.broadcast_to(share, cap.shape)
    cut = connected & (share < 1.0)
    if exempt is not None:
        cut &= ~exempt
    limit = share * normal
    new = np.where(cut, np.fmin(cap, limit), cap)
    out["connection_cap"] = inputs["connection_cap"].copy(data=new)
    units = dict(zip(inputs["resource"].values, inputs["resource_unit"].values, strict=True))
    records = []
    for i in map(tuple, np.argwhere(new != cap)):
        dims = ("plant", "source", "period")
        labels = {d: str(inputs[d].values[j]) for d, j in zip(dims, i, strict=True)}
        records.append(
            {
                "parameter": "connection_cap",
                "labels": labels,
                "before": float(cap[i]),
                "after": float(new[i]),
                "unit": str(units[inputs["source_resource"].values[i[1]]]),
                "origin": origin,
            }
        )
    return out, records
