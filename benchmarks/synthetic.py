"""Seeded synthetic province: input tables of any size in the package's own format.

Each plant has 3 processes (of 5 products), 5 measures, draws on 6 resources from its
region's sources (surface water, groundwater, grid power) and provincial ones (gas, ore,
coal/limestone) over 12 months, under regional monthly caps, per-plant water permits and
demand with a penalised shortfall. Caps are set below the unconstrained need so that some
bind. Every number is labelled ``synthetic`` / ``assumption``.

Usage::

    python benchmarks/synthetic.py --plants 1000 --out /tmp/synthetic_1000
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
PRODUCTS = {"steel": "t", "cement": "t", "chemicals": "t", "food": "t", "textiles": "t"}
RESOURCES = {  # resource: (group, unit)
    "water": ("water", "m3"),
    "electricity": ("energy", "MWh"),
    "gas": ("energy", "GJ"),
    "ore": ("material", "t"),
    "coal": ("material", "t"),
    "limestone": ("material", "t"),
}
# Typical use per tonne of product (mean of a lognormal draw).
INTENSITY = {
    "water": 3.0,
    "electricity": 0.5,
    "gas": 5.0,
    "ore": 1.2,
    "coal": 0.3,
    "limestone": 0.4,
}
PRICE = {
    "water": 0.3,
    "electricity": 25.0,
    "gas": 2.8,
    "ore": 90.0,
    "coal": 120.0,
    "limestone": 15.0,
}
MEASURES = 5
REF = "synthetic"
CONF = "assumption"


def _write(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def generate(plants: int, out: Path, seed: int = 0, regions: int | None = None) -> Path:
    """Write a synthetic case with ``plants`` plants into ``out``; return ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    regions = regions or max(1, min(20, plants // 50 or 1))
    plant_ids = [f"p{i:05d}" for i in range(plants)]
    region_of = rng.integers(0, regions, plants)
    products = list(PRODUCTS)
    _write(
        out / "periods.csv",
        ["period", "duration", "unit", "reference", "confidence"],
        [[m, d, "d", "calendar", "sourced"] for m, d in zip(MONTHS, DAYS, strict=True)],
    )
    _write(
        out / "plants.csv",
        ["plant", "name", "sector"],
        [[p, f"Plant {p}", products[i % 5]] for i, p in enumerate(plant_ids)],
    )
    _write(
        out / "products.csv",
        ["product", "unit", "name"],
        [[p, u, p.title()] for p, u in PRODUCTS.items()],
    )
    _write(
        out / "resources.csv",
        ["resource", "group", "unit", "name"],
        [[r, g, u, r.title()] for r, (g, u) in RESOURCES.items()],
    )
    sources = []
    for k in range(regions):
        sources += [
            [f"surface_r{k}", "water"],
            [f"ground_r{k}", "water"],
            [f"grid_r{k}", "electricity"],
        ]
    sources += [
        ["gas_pipeline", "gas"],
        ["ore_market", "ore"],
        ["coal_market", "coal"],
        ["limestone_quarry", "limestone"],
    ]
    _write(out / "sources.csv", ["source", "resource"], sources)
    _write(
        out / "source_groups.csv",
        ["group", "source"],
        [
            [f"freshwater_r{k}", s]
            for k in range(regions)
            for s in (f"surface_r{k}", f"ground_r{k}")
        ],
    )
    # Processes: 3 per plant, products drawn without replacement.
    proc_rows, cap_rows, cost_rows, int_rows = [], [], [], []
    capacity_by_product = dict.fromkeys(products, 0.0)
    use_by_plant = np.zeros((plants, len(RESOURCES)))
    for i, p in enumerate(plant_ids):
        made = rng.choice(5, size=3, replace=False)
        for j, q in enumerate(made):
            name = f"{p}_{j}"
            product = products[q]
            cap = float(rng.lognormal(np.log(50_000), 0.8))
            capacity_by_product[product] += cap
            proc_rows.append([name, p, product])
            cap_rows.append([name, round(cap, 1), "t/yr", REF, CONF])
            cost_rows.append([name, round(float(rng.uniform(20, 80)), 2), "USD/t", REF, CONF])
            for r, (res, mean) in enumerate(INTENSITY.items()):
                if res in ("ore", "coal", "limestone") and rng.random() < 0.5:
                    continue
                value = float(rng.lognormal(np.log(mean), 0.4))
                int_rows.append([name, res, round(value, 4), f"{RESOURCES[res][1]}/t", REF, CONF])
                use_by_plant[i, r] += value * cap
    _write(out / "processes.csv", ["process", "plant", "product"], proc_rows)
    _write(out / "capacity.csv", ["process", "value", "unit", "reference", "confidence"], cap_rows)
    _write(
        out / "production_cost.csv",
        ["process", "value", "unit", "reference", "confidence"],
        cost_rows,
    )
    _write(
        out / "intensity.csv",
        ["process", "resource", "value", "unit", "reference", "confidence"],
        int_rows,
    )
    # Connections: region sources + provincial ones.
    conn = []
    for i, p in enumerate(plant_ids):
        k = region_of[i]
        conn += [
            [p, f"surface_r{k}"],
            [p, f"ground_r{k}"],
            [p, f"grid_r{k}"],
            [p, "gas_pipeline"],
            [p, "ore_market"],
            [p, "coal_market"],
            [p, "limestone_quarry"],
        ]
    _write(out / "connections.csv", ["plant", "source"], conn)
    # Source costs.
    cost = []
    for s, res in sources:
        base = PRICE[res] * (0.7 if s.startswith("surface") else 1.0)
        cost.append([s, round(base, 3), f"USD/{RESOURCES[res][1]}", REF, CONF])
    _write(out / "source_cost.csv", ["source", "value", "unit", "reference", "confidence"], cost)
    # Regional monthly caps at ~70-90% of the region's maximum need.
    caps = []
    water_i, elec_i = 0, 1
    for k in range(regions):
        in_k = region_of == k
        water = use_by_plant[in_k, water_i].sum()
        elec = use_by_plant[in_k, elec_i].sum()
        for m, d in zip(MONTHS, DAYS, strict=True):
            share = d / 365
            season = 0.8 if m in ("jul", "aug", "sep", "oct") else 1.0
            caps.append(
                [f"surface_r{k}", m, round(0.45 * water * share * season, 1), "m3", REF, CONF]
            )
            caps.append([f"ground_r{k}", m, round(0.35 * water * share, 1), "m3", REF, CONF])
            grid = 0.6 if m in ("jul", "aug") else 0.9
            caps.append([f"grid_r{k}", m, round(grid * elec * share, 1), "MWh", REF, CONF])
    _write(
        out / "source_cap.csv",
        ["source", "period", "value", "unit", "reference", "confidence"],
        caps,
    )
    total_gas = use_by_plant[:, 2].sum()
    _write(
        out / "source_cap_annual.csv",
        ["source", "value", "unit", "reference", "confidence"],
        [["gas_pipeline", round(0.9 * total_gas, 1), "GJ", REF, CONF]],
    )
    # Per-plant water permits at 85-100% of need.
    _write(
        out / "permit.csv",
        ["plant", "resource", "value", "unit", "reference", "confidence"],
        [
            [
                p,
                "water",
                round(float(use_by_plant[i, water_i] * rng.uniform(0.85, 1.0)), 1),
                "m3",
                REF,
                CONF,
            ]
            for i, p in enumerate(plant_ids)
        ],
    )
    # Demand: 85% of capacity of each product, flat by days.
    dem = []
    for product, cap in capacity_by_product.items():
        for m, d in zip(MONTHS, DAYS, strict=True):
            dem.append([product, m, round(0.85 * cap * d / 365, 1), "t", REF, CONF])
    _write(
        out / "demand.csv", ["product", "period", "value", "unit", "reference", "confidence"], dem
    )
    _write(
        out / "unmet_penalty.csv",
        ["product", "value", "unit", "reference", "confidence"],
        [[p, 600, "USD/t", REF, CONF] for p in products],
    )
    # Measures: 5, available everywhere (wildcards), saving water or electricity.
    _write(
        out / "measures.csv",
        ["measure", "name"],
        [[f"m{j + 1}", f"Measure {j + 1}"] for j in range(MEASURES)],
    )
    _write(
        out / "max_adoption.csv",
        ["plant", "measure", "value", "unit", "reference", "confidence"],
        [["*", f"m{j + 1}", 1, "fraction", REF, CONF] for j in range(MEASURES)],
    )
    mcost, saving = [], []
    for i, p in enumerate(plant_ids):
        for j in range(MEASURES):
            res = "water" if j % 2 == 0 else "electricity"
            r = 0 if res == "water" else 1
            frac = float(rng.uniform(0.03, 0.12))
            # Annualised cost: about 0.6-1.8x the value of what it saves at full use.
            value = use_by_plant[i, r] * frac * PRICE[res] * float(rng.uniform(0.6, 1.8))
            mcost.append([p, f"m{j + 1}", round(value, 2), "USD/yr", REF, CONF])
            saving.append([p, f"m{j + 1}", res, round(frac, 4), "fraction", REF, CONF])
    _write(
        out / "measure_cost.csv",
        ["plant", "measure", "value", "unit", "reference", "confidence"],
        mcost,
    )
    _write(
        out / "saving.csv",
        ["plant", "measure", "resource", "value", "unit", "reference", "confidence"],
        saving,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.plants, args.out, args.seed)
    print(args.out)


if __name__ == "__main__":
    main()
