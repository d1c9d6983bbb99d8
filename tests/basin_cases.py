"""Small basin cases written to a folder, shared by the basin tests.

One plant ``mill`` makes ``steel`` (price 10 USD/t, no other cost) from 1 m3 of river water
per tonne, so a m3 of water is worth 10 USD in industry while steel demand is unmet.
"""

from __future__ import annotations

from pathlib import Path

TAIL = "reference,confidence"
PROV = "test,assumption"


def write(case: Path, name: str, header: str, rows: list[str]) -> None:
    """Write one CSV table."""
    (case / name).write_text("\n".join([header, *rows]) + "\n")


def mill_case(case: Path, periods: list[str], demand: float) -> Path:
    """Write the mill on the river, ``demand`` t of steel in every period; no caps."""
    case.mkdir(parents=True)
    write(
        case, "periods.csv", f"period,duration,unit,{TAIL}", [f"{p},30,d,{PROV}" for p in periods]
    )
    write(case, "plants.csv", "plant", ["mill"])
    write(case, "products.csv", "product,unit", ["steel,t"])
    write(case, "resources.csv", "resource,group,unit", ["water,water,m3"])
    write(case, "sources.csv", "source,resource", ["river,water"])
    write(case, "connections.csv", "plant,source", ["mill,river"])
    write(case, "processes.csv", "process,plant,product", ["mill_steel,mill,steel"])
    write(case, "capacity.csv", f"process,value,unit,{TAIL}", [f"mill_steel,100000,t/yr,{PROV}"])
    write(
        case,
        "intensity.csv",
        f"process,resource,value,unit,{TAIL}",
        [f"mill_steel,water,1,m3/t,{PROV}"],
    )
    write(case, "demand.csv", f"product,period,value,unit,{TAIL}", [f"steel,*,{demand},t,{PROV}"])
    write(case, "price.csv", f"product,value,unit,{TAIL}", [f"steel,10,USD/t,{PROV}"])
    return case


def table(case: Path, name: str, dims: str, rows: list[str]) -> None:
    """Write a parameter table: ``rows`` are ``labels...,value,unit`` without provenance."""
    write(case, name, f"{dims},value,unit,{TAIL}", [f"{r},{PROV}" for r in rows])
