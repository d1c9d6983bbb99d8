"""A seeded SYNTHETIC project register, for benchmarks and demos only.

The province reports more than 5,430 half-finished industrial projects above 40%
progress (``data/isfahan_review.md``); their list is not public. This generator makes a
register of that size whose every number is an **assumption** (below), so that
screening and selection can be exercised and timed at full scale. Its ids start with
``SYN-``, its names with ``SYNTHETIC``, and the Dataset of a register read from it carries
``attrs["synthetic"] = 1``: it is never to be presented as the province's projects.

Assumptions (none sourced; orders of magnitude):

- sector mix by count (:data:`SECTOR_MIX`): mostly small units (non-metallic minerals,
  food and textile, other manufacturing, chemicals), some steel mini-mills, few cement,
  fibre, petrochemical and power projects;
- capacity log-normal around a sector median (:data:`MEDIAN_CAPACITY`, spread x/÷ 2.5);
- remaining investment = capacity x unit investment (:data:`UNIT_INVESTMENT`) x
  (1 - progress) x a log-normal factor (x/÷ 1.5);
- progress uniform in 40-95%; completion year 1404-1408 (later for less progress);
- jobs per unit of capacity (:data:`JOBS_PER_KT`);
- counties of Isfahan province with coordinates near their seats (jitter 0.15 degrees);
- 3% of projects in pairs on one site (``exclusive_group``), 2% requiring another
  project of their county (``requires``);
- intensities, costs and product from the sector's default reference process
  (:data:`resourcemodel.portfolio.register.SECTOR_DEFAULTS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Share of projects by sector (assumption).
SECTOR_MIX = {
    "minerals_mining": 0.26,
    "food_textile": 0.24,
    "manufacturing": 0.22,
    "chemicals": 0.12,
    "steel": 0.08,
    "textile": 0.03,
    "cement": 0.02,
    "petrochemicals": 0.01,
    "power": 0.02,
}

#: Median capacity by sector and its unit (assumption).
MEDIAN_CAPACITY = {
    "minerals_mining": (30.0, "kt/yr"),
    "food_textile": (8.0, "kt/yr"),
    "manufacturing": (3.0, "kt/yr"),
    "chemicals": (8.0, "kt/yr"),
    "steel": (100.0, "kt/yr"),
    "textile": (5.0, "kt/yr"),
    "cement": (600.0, "kt/yr"),
    "petrochemicals": (60.0, "kt/yr"),
    "power": (300.0, "GWh/yr"),
}

#: Investment of a new plant, USD per unit of annual capacity (t/yr or MWh/yr; assumption).
UNIT_INVESTMENT = {
    "minerals_mining": 120.0,
    "food_textile": 900.0,
    "manufacturing": 2500.0,
    "chemicals": 1200.0,
    "steel": 350.0,
    "textile": 1800.0,
    "cement": 160.0,
    "petrochemicals": 1500.0,
    "power": 150.0,
}

#: Jobs per kt/yr of capacity (per GWh/yr for power; assumption).
JOBS_PER_KT = {
    "minerals_mining": 0.8,
    "food_textile": 4.0,
    "manufacturing": 10.0,
    "chemicals": 3.0,
    "steel": 1.5,
    "textile": 40.0,
    "cement": 0.3,
    "petrochemicals": 3.0,
    "power": 0.15,
}

#: Counties of Isfahan province (ids of the shipped county layer,
#: ``geodata/isfahan_counties.geojson``) and the approximate coordinates of their seats.
COUNTIES = {
    "isfahan": (32.65, 51.67),
    "kashan": (33.98, 51.44),
    "najafabad": (32.63, 51.37),
    "khomeyni_shahr": (32.70, 51.52),
    "shahin_shahr_and_meymeh": (32.86, 51.55),
    "lenjan": (32.39, 51.38),
    "mobarakeh": (32.35, 51.50),
    "falaverjan": (32.55, 51.51),
    "shahreza": (32.00, 51.87),
    "golpayegan": (33.45, 50.29),
    "aran_and_bidgol": (34.06, 51.48),
    "natanz": (33.51, 51.92),
    "ardestan": (33.38, 52.37),
    "nain": (32.86, 53.09),
    "borkhar": (32.80, 51.70),
}


def synthetic_register(n: int = 5430, seed: int = 0) -> pd.DataFrame:
    """Return a SYNTHETIC register of ``n`` projects (seeded; see the module doc).

    Parameters
    ----------
    n : int
        Number of projects.
    seed : int
        Seed of the random generator: the same seed gives the same register.

    Returns
    -------
    pandas.DataFrame
        Register columns (:mod:`resourcemodel.portfolio.register`); ``attrs["synthetic"]``
        is True.

    Examples
    --------
    >>> frame = synthetic_register(5, seed=1)
    >>> frame["id"].tolist()
    ['SYN-0001', 'SYN-0002', 'SYN-0003', 'SYN-0004', 'SYN-0005']
    >>> bool(frame["name"].str.startswith("SYNTHETIC").all())
    True
    """
    rng = np.random.default_rng(seed)
    sectors = np.array(list(SECTOR_MIX))
    weights = np.array(list(SECTOR_MIX.values()))
    sector = rng.choice(sectors, size=n, p=weights / weights.sum())
    median = np.array([MEDIAN_CAPACITY[s][0] for s in sector])
    unit = np.array([MEDIAN_CAPACITY[s][1] for s in sector])
    capacity = median * np.exp(rng.normal(0.0, np.log(2.5), n))
    progress = rng.uniform(40.0, 95.0, n)
    per_unit = np.array([UNIT_INVESTMENT[s] for s in sector])
    remaining = (
        capacity * 1e3 * per_unit * (1 - progress / 100) * np.exp(rng.normal(0, np.log(1.5), n))
    ) / 1e6
    jobs = np.round(capacity * np.array([JOBS_PER_KT[s] for s in sector]) + 5)
    completion = 1404 + np.floor((95 - progress) / 11 + rng.uniform(0, 1, n)).astype(int)
    names = np.array(list(COUNTIES))
    county = rng.choice(names, size=n)
    seat = np.array([COUNTIES[c] for c in county])
    lat = seat[:, 0] + rng.uniform(-0.15, 0.15, n)
    lon = seat[:, 1] + rng.uniform(-0.15, 0.15, n)
    ids = np.array([f"SYN-{i + 1:04d}" for i in range(n)])
    # Pairs on one site: consecutive projects of a random sample.
    exclusive = np.full(n, "", dtype=object)
    pair = rng.choice(n - 1, size=int(0.015 * n), replace=False)
    for k, i in enumerate(pair):
        if exclusive[i] == "" and exclusive[i + 1] == "":
            exclusive[i] = exclusive[i + 1] = f"site-{k + 1}"
            county[i + 1] = county[i]
    requires = np.full(n, "", dtype=object)
    for i in rng.choice(n, size=int(0.02 * n), replace=False):
        same = np.flatnonzero((county == county[i]) & (np.arange(n) != i))
        if len(same):
            requires[i] = ids[rng.choice(same)]
    frame = pd.DataFrame(
        {
            "id": ids,
            "name": [f"SYNTHETIC {s} project {i + 1}" for i, s in enumerate(sector)],
            "sector": sector,
            "county": county,
            "progress": np.round(progress, 1),
            "capacity": np.round(capacity, 3),
            "capacity_unit": unit,
            "remaining_investment": np.round(remaining, 4),
            "jobs": jobs,
            "completion_year": completion,
            "exclusive_group": exclusive,
            "requires": requires,
            "lat": np.round(lat, 4),
            "lon": np.round(lon, 4),
        }
    )
    # No cycles: a project never requires one that requires it back (drop the later).
    back = {(r, p) for p, r in zip(frame["id"], frame["requires"], strict=True) if r}
    frame.loc[
        [(p, r) in back and p > r for p, r in zip(frame["id"], frame["requires"], strict=True)],
        "requires",
    ] = ""
    frame.attrs["synthetic"] = True
    return frame
