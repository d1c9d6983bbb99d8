"""What the results' assemblers share: the pre-Dataset variable and label helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from resourcemodel.program import Block


@dataclass
class _Var:
    """A results variable before the Dataset is built (avoids xarray alignment costs)."""

    dims: tuple[str, ...]
    values: np.ndarray
    attrs: dict[str, str]


def _da(block: Block, values: np.ndarray, units: str, description: str) -> _Var:
    return _Var(block.dims, values, {"units": units, "description": description})


def _positions(labels: np.ndarray, universe: np.ndarray) -> np.ndarray:
    lookup = {label: i for i, label in enumerate(universe)}
    return np.array([lookup[label] for label in labels], dtype=int)


def unit_of(ds: xr.Dataset, name: str, **labels: str) -> str:
    """Resolve the unit template of variable ``name`` for one element.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> res["supply"].attrs["units"], unit_of(res, "supply", source="river")
    ('{source.resource}', 'm3')
    """
    template: str = str(ds[name].attrs.get("units", ""))
    subs = {
        "{process.product}": lambda: _unit_of_product(
            ds, str(ds["process_product"].sel(process=labels["process"]).item())
        ),
        "{source.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["source_resource"].sel(source=labels["source"]).item()))
            .item()
        ),
        "{group.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["group_resource"].sel(group=labels["group"]).item()))
            .item()
        ),
        "{reservoir.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["reservoir_resource"].sel(reservoir=labels["reservoir"]).item()))
            .item()
        ),
        "{user.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["user_resource"].sel(user=labels["user"]).item()))
            .item()
        ),
        "{resource}": lambda: str(ds["resource_unit"].sel(resource=labels["resource"]).item()),
        "{product}": lambda: _unit_of_product(ds, labels["product"]),
    }
    for token, fn in subs.items():
        if token in template:
            template = template.replace(token, fn())
    return template


def _unit_of_product(ds: xr.Dataset, product: str) -> str:
    return str(ds["product_unit"].sel(product=product).item())
