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
# # 01 · A tour of the Isfahan baseline
#
# **Question** (design §1, questions 1 and 2): under this year's caps on river water,
# groundwater, grid power and gas, how much does each plant produce, at what cost, which
# demand goes unmet, which caps bind and what is one more unit of each worth?
#
# Re-run for another scenario by changing `SCENARIO` below (or inject it with papermill:
# the next cell is tagged `parameters`). Paths are relative to this folder.

# %% tags=["parameters"]
SCENARIO = "../scenarios/baseline.toml"

# %%
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel import report, units

pd.options.display.float_format = "{:,.3g}".format

# %% [markdown]
# ## Solve
#
# `rm.run` resolves the scenario file, validates the case data, builds the linear program
# and solves it with HiGHS. `strict=True` raises if the caps cannot be met at all.

# %%
res = rm.run(SCENARIO, strict=True)
name = res.attrs["scenario"]
head = report.headline(res)
totals = json.loads(res.attrs["cost_totals_usd"])
display(Markdown(f"**{name}**: {res.attrs['description']}"))
print(
    f"status {head['status']}; total cost {head['cost_musd']:,.0f} million USD/yr "
    f"(+ {head['unmet_penalty_musd']:,.0f} million USD/yr of sales lost to unmet demand); "
    f"LP {res.attrs['lp_rows']} rows x {res.attrs['lp_columns']} columns, "
    f"solved in {res.attrs['solve_seconds']:.2f} s"
)

# %% [markdown]
# ## Output by plant
#
# Annual output of every plant and product, each in the unit a planner reads.

# %%
display(report.output_table(res))

# %%
plant_names = res["plant_name"].to_series()
final = [str(p) for p in res["product"].values if bool(res["unmet"].sel(product=p).notnull().any())]
in_tonnes = [p for p in final if str(res["product_unit"].sel(product=p).item()) == "t"]
rows = pd.DataFrame(
    {
        "plant": res["process_plant"].to_series(),
        "product": res["process_product"].to_series(),
        "value": res["production"].sum("period").to_series(),
    }
)
by_plant = rows[rows["product"].isin(in_tonnes)].pivot_table(
    index="plant", columns="product", values="value", aggfunc="sum", fill_value=0.0
)
by_plant = by_plant.loc[by_plant.sum(axis=1) > 0]
colours = dict(zip(in_tonnes, plt.get_cmap("tab20").colors, strict=False))
t_unit, t_factor = report.planner_unit("t", float(by_plant.to_numpy().max()))
ax = (
    (by_plant * t_factor)
    .rename(index=plant_names)
    .plot.barh(stacked=True, figsize=(10, 5), color=[colours[p] for p in by_plant.columns])
)
ax.invert_yaxis()
ax.set_xlabel(f"output [{t_unit} per year]")
ax.set_ylabel("plant")
ax.set_title(f"Final products measured in tonnes, by plant ({name})")
ax.legend(title="product", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# Month by month: what is delivered against demand (a gap is unmet demand).

# %%
delivered = res["delivery"].sel(product=in_tonnes).fillna(0.0).to_pandas().T
demand = delivered.sum(axis=1) + res["unmet"].sel(product=in_tonnes).fillna(0.0).sum("product")
m_unit, m_factor = report.planner_unit("t", float(demand.max()))
ax = (delivered * m_factor).plot.bar(
    stacked=True, figsize=(11, 4.5), width=0.8, rot=0, color=[colours[p] for p in in_tonnes]
)
ax.plot(
    range(len(demand)), demand.to_numpy() * m_factor, "k_", ms=22, mew=2, label="demand (total)"
)
ax.set_xlabel("month")
ax.set_ylabel(f"delivered [{m_unit} per month]")
ax.set_title(f"Deliveries of tonne products against demand by month ({name})")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# ## Resource use against caps by month
#
# Annual draw of each source against its cap, then the monthly picture for every source
# whose monthly cap binds in at least one month.

# %%
display(report.source_use_table(res))


# %%
def source_unit(source: str) -> str:
    """Canonical unit of a source (the unit of its resource)."""
    resource = str(res["source_resource"].sel(source=source).item())
    return str(res["resource_unit"].sel(resource=resource).item())


binding_sources = [
    str(s) for s in res["source"].values if bool(res["source_cap_binding"].sel(source=s).any())
]
months = [str(p) for p in res["period"].values]
cols = 2
fig, axes = plt.subplots(
    int(np.ceil(len(binding_sources) / cols)),
    cols,
    figsize=(11, 3.2 * np.ceil(len(binding_sources) / cols)),
    squeeze=False,
    layout="constrained",
)
for ax, source in zip(axes.flat, binding_sources, strict=False):
    use = res["source_cap_use"].sel(source=source).to_numpy()
    cap = res["source_cap_limit"].sel(source=source).to_numpy()
    binds = res["source_cap_binding"].sel(source=source).to_numpy()
    unit, f = report.planner_unit(source_unit(source), float(np.nanmax(cap)))
    ax.bar(months, use * f, color="#4c78a8", label="use")
    ax.step(months, cap * f, where="mid", color="black", label="monthly cap")
    ax.plot(np.array(months)[binds], use[binds] * f, "rv", label="cap binds")
    ax.set_title(str(res["source_name"].sel(source=source).item()), fontsize=10)
    ax.set_ylabel(f"[{unit} per month]")
    ax.set_xlabel("month")
for ax in axes.flat[len(binding_sources) :]:
    ax.set_visible(False)
fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
fig.suptitle(f"Monthly use of the sources whose caps bind ({name})")
plt.show()

# %% [markdown]
# ## Binding caps and what they cost
#
# The shadow price is what one more unit of the cap is worth to the province (the fall in
# total cost), and it holds while the cap stays inside `range_lower`..`range_upper`. Raising
# a cap to the top of its range is therefore worth exactly `shadow_price x (range_upper -
# limit)`: the last column, in million USD per year.

# %%
caps = report.binding_caps(res)
canonical = caps["price_unit"].str.removeprefix("USD/")
to_display = np.array(
    [units.factor(c, d) for c, d in zip(canonical, caps["unit"], strict=True)], dtype=float
)
headroom = (caps["range_upper"] - caps["limit"]) / to_display
caps["value_to_top_of_range_musd"] = caps["shadow_price"] * headroom / 1e6
caps = caps[caps["shadow_price"] > 0].reset_index(drop=True)
display(caps.head(15))

# %%
priced = [
    s for s in binding_sources if bool((res["source_cap_shadow_price"].sel(source=s) > 0).any())
]
rows_needed = int(np.ceil(len(priced) / cols))
fig, axes = plt.subplots(
    rows_needed, cols, figsize=(11, 3 * rows_needed), squeeze=False, layout="constrained"
)
for ax, source in zip(axes.flat, priced, strict=False):
    price = res["source_cap_shadow_price"].sel(source=source).fillna(0.0).to_numpy()
    ax.bar(months, price, color="#f58518", label="value of one more unit of the monthly cap")
    ax.set_title(str(res["source_name"].sel(source=source).item()), fontsize=10)
    ax.set_ylabel(f"shadow price [USD/{source_unit(source)}]")
    ax.set_xlabel("month")
for ax in axes.flat[len(priced) :]:
    ax.set_visible(False)
fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center")
fig.suptitle(f"What one more unit of each monthly cap is worth ({name})")
plt.show()

# %% [markdown]
# ## Emissions and jobs
#
# CO2 of the fuel each plant draws (IPCC factors) and of its processes (clinker
# calcination, flux, the refinery's own fuel); SO2 and particulates of the mazut burnt when
# gas is cut, Isfahan's winter smog; and the jobs the output supports at the named plants
# (staff per unit of base output; the sector aggregates are not counted). See the data
# README, "Emissions and jobs". This section needs a case that counts CO2, SO2 and jobs.

# %%
impact = report.impact_table(res).set_index("plant").rename(index=plant_names)
display(impact)
emitted = {label: value for label, _, value in report.impact_totals(res)}
smog = res["emission"].sel(pollutant="so2").sum("plant").to_pandas()
s_unit, s_factor = report.planner_unit("t", float(smog.max()))
ax = (smog * s_factor).plot.bar(figsize=(10, 3.5), rot=0, color="#7f7f7f")
ax.set_xlabel("month")
ax.set_ylabel(f"SO2 [{s_unit} per month]")
ax.set_title(f"SO2 from mazut by month ({name})")
plt.show()

# %% [markdown]
# ## Where the water goes: plants on the map
#
# The plants that `plants.csv` locates (`lat`/`lon`), on the county layer shipped with the
# package (OpenStreetMap, ODbL; nothing is downloaded). Left: each pie's area is the water
# the plant draws over the year, its wedges the sources. Right: the water cap whose next m3
# is worth most, and who draws on it that month. Plants no source locates (the sector
# aggregates, IPC, Polyacryl, Sepahan Cement) are not drawn; each map says what they
# account for. `plots_maps.water_map(res, lang="fa")` draws the same map in Persian.

# %%
from resourcemodel import plots_maps

fig, (ax_water, ax_cap) = plt.subplots(1, 2, figsize=(13, 6.2), layout="constrained")
plots_maps.water_map(res, ax=ax_water)
plots_maps.cap_map(res, ax=ax_cap, resource="water" if "water" in res.resource else None)
plt.show()

water_by_plant = plots_maps.drawn_by_plant(res).sum(axis=1)
on_map = water_by_plant[plots_maps.plant_sites(res)["located"]]
map_share = on_map.sum() / water_by_plant.sum()
display(
    Markdown(
        f"The {len(on_map)} located plants draw {on_map.sum() / 1e6:.1f} Mm3 of the "
        f"{water_by_plant.sum() / 1e6:.1f} Mm3 all plants draw ({map_share:.0%}); the largest "
        f"on the map is {res['plant_name'].sel(plant=on_map.idxmax()).item()} "
        f"({on_map.max() / 1e6:.1f} Mm3)."
    )
)
if name == "baseline":
    assert 0.3 < map_share < 0.5, map_share  # the aggregates draw most of the water
    assert len(on_map) == 6

# %% [markdown]
# ## Conclusion (computed)

# %%
msc_flat = float(by_plant.loc["msc", "steel_flat"]) if "msc" in by_plant.index else 0.0
unmet = report.unmet_table(res)
short = unmet[unmet["unmet"] > 0]
top = caps.iloc[0]
shortfall = (
    "no demand goes unmet"
    if short.empty
    else "unmet demand: "
    + ", ".join(f"{r.product} {r.unmet:.3g} {r.unit}" for r in short.itertuples())
)
conclusion = (
    f"In **{name}** the plants deliver {by_plant.to_numpy().sum() * t_factor:.1f} {t_unit} of "
    f"final products measured in tonnes; Mobarakeh Steel makes {msc_flat / 1e6:.2f} Mt of flat "
    f"steel, and {shortfall}. The year costs {head['cost_musd']:,.0f} million USD. "
    f"{len(caps)} caps bind with a positive price; the most valuable is **{top['cap']} "
    f"({top['where']})**: one more {top['price_unit'].removeprefix('USD/')} is worth "
    f"{top['shadow_price']:,.1f} {top['price_unit']}"
    + (
        " (a plant's connection cap: its range is not computed)."
        if np.isnan(top["range_lower"])
        else f" while the cap lies between {top['range_lower']:.4g} and "
        f"{top['range_upper']:.4g} {top['unit']}, "
        + (
            f"so raising it to the top of that range would save "
            f"{top['value_to_top_of_range_musd']:.2f} million USD/yr."
            if top["value_to_top_of_range_musd"] > 0.005
            else "so the price holds for a cut of the cap, not for a rise."
        )
    )
    + f" The plants emit {emitted['CO2'] / 1e6:.1f} Mt of CO2 and {emitted['SO2'] / 1e3:.1f} kt "
    f"of SO2 ({int((smog > 0).sum())} months burn mazut); their output supports "
    f"{emitted['jobs']:,.0f} jobs at the named plants."
)
display(Markdown(conclusion))

# %%
# Checks that hold for any scenario: no source draws more than its cap, and every price
# stated with a range holds over a range that contains the cap (so the last column is >= 0;
# connection caps, bounds on a plant's draw, have no range: NaN).
used, limit = res["source_cap_use"], res["source_cap_limit"]
assert bool(((used <= limit * (1 + 1e-6) + 1e-6) | limit.isnull()).all())
tol = 1e-6 * caps["limit"].abs()
ranged = caps["range_lower"].notna()
assert (
    (caps["range_lower"] <= caps["limit"] + tol) & (caps["limit"] - tol <= caps["range_upper"])
)[ranged].all(), caps
assert (caps.loc[~ranged, "cap"] == "connection_cap").all(), caps
assert (caps["value_to_top_of_range_musd"].dropna() >= -1e-9).all()
# SO2 is the mazut drawn times its factor (3.5% sulphur: 1.733 kg/GJ), month by month.
mazut = res["resource_supplied"].sel(resource="fuel_oil").sum("plant").to_pandas()
assert np.allclose(smog.to_numpy(), mazut.to_numpy() * 1.733e-3, rtol=1e-9, atol=1e-6)
# Numbers stated above for the shipped baseline (skipped when another scenario is injected).
if name == "baseline":
    assert 20e6 < emitted["CO2"] < 35e6, emitted  # route intensities x outputs: data README
    assert abs(impact.loc[plant_names["esco"], "jobs"] - 16_000) < 800  # ESCO staff (S20)
    assert abs(msc_flat / 1e6 - 7.335) / 7.335 < 0.05, msc_flat  # MSC's 7.335 Mt (S2)
    assert short.empty
    assert top["cap"] == "source_cap" and top["where"] in (
        "grid_electricity, tir",
        "grid_electricity, mordad",
    ), top
    assert 20 < top["shadow_price"] < 60, top["shadow_price"]  # USD/MWh in midsummer
