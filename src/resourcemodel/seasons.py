"""Seasonal intensities: resource use per unit of output that varies by period.

A wet cooling tower evaporates more water per MWh in summer than in winter; the optional
table ``intensity_season`` (process, resource, period; a dimensionless factor, 1 where no
row is given) multiplies ``intensity`` period by period. Everything that computes use from
production (the resource balance and measure-saving rows of the formulation, the results'
``resource_use``, the elastic program's bounds, permit footprints, the input checks) reads
the product through :func:`seasonal_intensity`, so a case without the table gives exactly
the results it gave before the table existed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def seasonal_intensity(ds: xr.Dataset) -> np.ndarray:
    """Return ``intensity x intensity_season`` as ``[process, resource, period]``.

    Parameters
    ----------
    ds : xarray.Dataset
        Validated inputs (a Dataset without ``intensity_season`` counts it as 1).

    Returns
    -------
    numpy.ndarray
        Resource per unit of product in each period (absent intensities are 0).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ds = rm.load_inputs(rm.examples.path("two_plants"))
    >>> seasonal_intensity(ds)[:, 0, 0].tolist()
    [2.0, 1.0]
    """
    intensity = np.nan_to_num(np.asarray(ds["intensity"].values, float))
    if "intensity_season" not in ds:
        return np.broadcast_to(intensity[:, :, None], (*intensity.shape, ds.sizes["period"]))
    season = np.asarray(ds["intensity_season"].values, float)
    return intensity[:, :, None] * season
