# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · The pathway: what to build, where and when, to cut industry's freshwater by 1414
#
# **Question** (issue 17): what should be built, where and when, so that industry's
# freshwater draw falls by a chosen share `SHARE` by 1414 at least cost, and what does it do
# to output and jobs?
#
# `PATHWAY` is the twenty-year pathway 1404-1424 (representative years 1404, 1409, 1414,
# 1419, 1424; discount rate 8%; every capital measure a build candidate with its lead time
# and lifetime; `docs/pathways.md`). Its own stress trajectories are replaced here by one
# policy path: the annual freshwater cap (river + groundwater) is the case's cap in 1404 and
# falls linearly to `(1 - SHARE)` x the draw of 1404 without a target by 1414, flat after.
# The comparison without a target is the same pathway with the case's cap every year.
# Demand, prices and river flows are flat (labelled assumptions in the scenario file).
#
# Desalination phases 2 (+30 Mm3/yr) and 3 (+130 Mm3/yr) are build candidates too, delivered
# at about 2.16 USD/m3 at full use (1.1 operating + 1.06 capital; the derivation is in the
# scenario file and `docs/pathways.md`, "Desalinated water"), so a phase is built only where a
# m3 of freshwater is worth some 1.9-2.0 USD more than its 0.20-0.24 tariff: dearer than
# wastewater substitution (M1, 0.49-0.76 USD/m3 saved), dry cooling (M4, 0.66-1.18 plus fuel)
# and about level with zero liquid discharge (M6, 1.37 plus 20 kWh/m3). Measured 2026-11-30:
# with `SHARE = 0.2` no phase is built (freshwater worth 0.54 USD/m3 over its tariff in
# 1414); with `SHARE = 0.4` about 18 Mm3/yr of new capacity is decided in 1409 for 1414, and
# freshwater's price then is desalination's (1.9-2.0 USD/m3).

# %% tags=["parameters"]
PATHWAY = "../scenarios/pathway-1404-1424.toml"
SHARE = 0.2
TARGET_YEAR = 1414

# %%
# %matplotlib inline
from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from resourcemodel.pathway import load_pathway, run_pathway
from resourcemodel.pathway.plots import (
    build_plan,
    output_and_jobs,
    plot_build_timeline,
    plot_output_and_jobs,
    plot_water_by_source,
    water_by_source,
)

pd.options.display.float_format = "{:,.3g}".format
MM3 = 1e6
GROUP = "freshwater"

loaded = load_pathway(PATHWAY)
annual = [t for t in loaded.trajectories if t.change.parameter == "group_cap_annual"]
assert len(annual) == 1, "the pathway file must carry one group_cap_annual trajectory"


def with_cap_path(points):
    """The pathway with one freshwater cap path (factor on the case's annual cap)."""
    return replace(loaded, trajectories=(replace(annual[0], points=points),))


def freshwater(res):
    """Industry's freshwater draw by year, Mm3 per year."""
    return res["group_cap_annual_use"].sel(group=GROUP).to_pandas() / MM3


no_target = run_pathway(with_cap_path({loaded.years[0]: 1.0}))
draw0 = float(freshwater(no_target).iloc[0])
cap0 = float(no_target["group_cap_annual_limit"].sel(group=GROUP).isel(year=0)) / MM3
factor = (1 - SHARE) * draw0 / cap0
target = with_cap_path({loaded.years[0]: 1.0, TARGET_YEAR: factor, loaded.years[-1]: factor})
perfect = run_pathway(target, foresight="perfect")
myopic = run_pathway(target, foresight="myopic")
assert perfect.attrs["status"] == myopic.attrs["status"] == "optimal"

# %% [markdown]
# ## Freshwater drawn, by year (Mm3 per year)

# %%
draws = pd.DataFrame(
    {
        "no target": freshwater(no_target),
        "cap": perfect["group_cap_annual_limit"].sel(group=GROUP).to_pandas() / MM3,
        "perfect foresight": freshwater(perfect),
        "myopic": freshwater(myopic),
    }
)
display(draws)
goal = (1 - SHARE) * draw0
assert float(draws.loc[TARGET_YEAR, "perfect foresight"]) <= goal * (1 + 1e-6)
display(water_by_source(perfect))  # every water source, Mm3 per year (perfect foresight)
display(plot_water_by_source(perfect))

# %% [markdown]
# ## The build plan (perfect foresight)
#
# One row per build: the plant, the measure, the representative year it is decided (in
# service after its lead time), the share of the measure's full adoption built, and the
# highest annual capital charge of that plant's measure (MUSD per year).

# %%
plan = build_plan(perfect)
display(plan.reset_index(drop=True))
display(plot_build_timeline(perfect))

# %% [markdown]
# ## Perfect against myopic foresight, and what it does to output and jobs

# %%
effects = pd.concat(
    {
        "no target": output_and_jobs(no_target),
        "perfect": output_and_jobs(perfect),
        "myopic": output_and_jobs(myopic),
    },
    axis=1,
)
display(effects)
totals = pd.Series(
    {
        "no target": no_target.attrs["objective"] / MM3,
        "perfect": perfect.attrs["objective"] / MM3,
        "myopic": myopic.attrs["objective"] / MM3,
    },
    name="discounted cost, MUSD",
)
display(totals.to_frame())
assert totals["perfect"] <= totals["myopic"] * (1 + 1e-9)
display(plot_output_and_jobs(perfect))
plt.close("all")

# %% [markdown]
# ## Conclusion

# %%
va = effects.xs("value_added_musd_per_year", axis=1, level=1)
jobs = effects.xs("jobs", axis=1, level=1)


def built_before(res):
    """Share of each plant's measure built in decisions before the target year."""
    rows = build_plan(res)
    rows = rows[rows["decided"] < TARGET_YEAR]
    return rows.groupby(["plant", "measure"])["built_share"].sum()


# The builds the target adds: more of a plant's measure than without the target.
extra = built_before(perfect).sub(built_before(no_target), fill_value=0.0)
extra = extra[extra > 1e-6]
first = plan.groupby(["plant", "measure"])["decided"].min()
listed = "; ".join(
    f"{m} at {p} ({first[(p, m)]}, {share:.0%} of the measure)" for (p, m), share in extra.items()
)
charge = perfect["capital_charge_year"].sel(year=TARGET_YEAR).item() / MM3
cost_of_target = totals["perfect"] - totals["no target"]
myopic_extra = totals["myopic"] - totals["perfect"]
d_va = va.loc[TARGET_YEAR, "perfect"] - va.loc[TARGET_YEAR, "no target"]
d_jobs = jobs.loc[TARGET_YEAR, "perfect"] - jobs.loc[TARGET_YEAR, "no target"]
# A target below the draw without it needs something built (or output given up).
needs = draws.loc[TARGET_YEAR, "no target"] > goal * (1 + 1e-6)
assert not needs or len(extra) > 0 or d_va < 0
assert cost_of_target >= -1e-6 * abs(totals["no target"])
built_capacity = perfect.get("build_capacity")  # source candidates: desalination phases
desal = (
    0.0
    if built_capacity is None
    else float(built_capacity.sel(year=built_capacity.year < TARGET_YEAR).sum()) / MM3
)
fw_price = perfect["group_cap_annual_shadow_price"].sel(group=GROUP, year=TARGET_YEAR).item()
conclusion = (
    f"To bring industry's freshwater draw from {draw0:,.1f} Mm3/yr ({loaded.years[0]}, "
    f"no target) to "
    f"{goal:,.1f} Mm3/yr by {TARGET_YEAR} ({SHARE:.0%} less) at least cost, the model "
    f"builds, before {TARGET_YEAR}, beyond what it builds without a target: "
    f"{listed or 'nothing'}. In {TARGET_YEAR} the builds "
    f"alive cost {charge:,.1f} MUSD/yr in capital charges, and freshwater drawn is "
    f"{draws.loc[TARGET_YEAR, 'perfect foresight']:,.1f} Mm3. The target costs "
    f"{cost_of_target:,.1f} MUSD (discounted, {loaded.years[0]}-{loaded.years[-1]}) "
    f"over the pathway without it; "
    f"myopic planning (one representative year decided at a time, seeing the next) costs "
    f"{myopic_extra:,.2f} MUSD more. In {TARGET_YEAR}, value added changes by "
    f"{d_va:+,.1f} MUSD/yr and jobs by {d_jobs:+,.0f} against no target. "
    f"Desalination capacity decided before {TARGET_YEAR}: {desal:,.1f} Mm3/yr; a m3 of "
    f"freshwater in {TARGET_YEAR} is worth {fw_price:,.2f} USD more than its tariff (a new "
    f"phase needs about 1.9-2.0)."
)
display(Markdown(conclusion))
