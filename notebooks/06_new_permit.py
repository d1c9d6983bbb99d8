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
# # 06 · A new permit: the project's footprint and what it pushes out
#
# **Question** (design §1, question 5): if a new project gets its permit, what is its
# resource footprint month by month, and, with the province's caps unchanged, whose
# output and whose water, power and gas does it take?
#
# `WITH_PROJECT` is a scenario that adds the project to `BASELINE` (here a 1 Mt/yr gas-DRI
# + EAF steel plant, overlay `scenarios/overlays/new_steel_plant`). The project is whatever
# plants and processes the second case has and the first has not.

# %% tags=["parameters"]
BASELINE = "../scenarios/year-1404.toml"
WITH_PROJECT = "../scenarios/new-steel-permit.toml"
# Where the project would be built, (lat, lon) in WGS84 degrees, for the map; None: its
# lat/lon in plants.csv. The default is an illustrative site on the Zayandeh Rud between
# Lenjan and Falavarjan (an assumption, not a proposed site).
SITE = (32.50, 51.45)

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel import report

pd.options.display.float_format = "{:,.3g}".format

# %%
before = rm.run(BASELINE, strict=True)
after = rm.run(WITH_PROJECT, strict=True)
new_plants = [str(p) for p in after["plant"].values if p not in before["plant"].values]
new_products = [str(p) for p in after["product"].values if p not in before["product"].values]
assert new_plants, f"{WITH_PROJECT} adds no plant to {BASELINE}"
print(f"project plants: {new_plants}; new products: {new_products}")
display(report.comparison([before, after]))

# %% [markdown]
# ## The project's footprint
#
# What the new plant draws from each source, per month and over the year, and its output
# against the demand it was built for.

# %%
months = [str(p) for p in after["period"].values]
supply = after["supply"].sel(plant=new_plants).fillna(0.0).sum("plant")
drawn = supply.sum("period").to_series()
drawn = drawn[drawn > 0]


def source_unit(res, source):
    """Canonical unit of a source."""
    return str(res["resource_unit"].sel(resource=res["source_resource"].sel(source=source)).item())


footprint = []
for source, amount in drawn.items():
    unit, f = report.planner_unit(source_unit(after, source), float(amount))
    footprint.append(
        {
            "source": after["source_name"].sel(source=source).item(),
            "per year": amount * f,
            "unit": unit,
        }
    )
footprint = pd.DataFrame(footprint).set_index("source")
display(footprint)

permits = after["permit_limit"].sel(plant=new_plants).to_series().dropna()
permit_rows = []
for (plant, resource), limit in permits.items():
    use = float(after["permit_use"].sel(plant=plant, resource=resource))
    unit, f = report.planner_unit(str(after["resource_unit"].sel(resource=resource).item()), limit)
    permit_rows.append(
        {"plant": plant, "resource": resource, "permit": limit * f, "used": use * f, "unit": unit}
    )
permit_table = pd.DataFrame(permit_rows)
display(permit_table)

# %%
project_sources = [s for s in drawn.index if source_unit(after, s) in ("m3", "MWh", "GJ")]
fig, axes = plt.subplots(
    1,
    len(project_sources),
    figsize=(4.2 * len(project_sources), 3.6),
    squeeze=False,
    layout="constrained",
)
for ax, source in zip(axes.flat, project_sources, strict=True):
    monthly = supply.sel(source=source).to_numpy()
    unit, f = report.planner_unit(source_unit(after, source), float(monthly.sum()))  # as per year
    ax.bar(months, monthly * f, color="#e45756", label="drawn by the project")
    ax.set_title(textwrap.fill(after["source_name"].sel(source=source).item(), 40), fontsize=9)
    ax.set_ylabel(f"[{unit} per month]")
    ax.set_xlabel("month")
    ax.tick_params(axis="x", labelrotation=90)
fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center")
fig.suptitle(f"Monthly footprint of {', '.join(after['plant_name'].sel(plant=new_plants).values)}")
plt.show()

# %%
units_of = after["product_unit"].to_series()
project_output = []
for product in new_products:
    made = float(after["delivery"].sel(product=product).fillna(0.0).sum())
    short = float(after["unmet"].sel(product=product).fillna(0.0).sum())
    unit, f = report.planner_unit(str(units_of[product]), made + short)
    project_output.append(
        {"product": product, "delivered": made * f, "demand": (made + short) * f, "unit": unit}
    )
project_output = pd.DataFrame(project_output)
display(project_output)

# %% [markdown]
# ## What it pushes out
#
# With the caps unchanged, whatever the project draws from a capped source in a month when
# that cap binds must come from someone else. For each source the project uses: the
# project's draw, the change in everybody else's draw, and the change in the total.

# %%
others_before = before["supply"].fillna(0.0).sum("plant")
others_after = after["supply"].drop_sel(plant=new_plants).fillna(0.0).sum("plant")
fig, axes = plt.subplots(
    1,
    len(project_sources),
    figsize=(4.2 * len(project_sources), 3.8),
    squeeze=False,
    layout="constrained",
)
pushed = {}
for ax, source in zip(axes.flat, project_sources, strict=True):
    own = supply.sel(source=source).to_numpy()
    others = (others_after - others_before).sel(source=source).to_numpy()
    unit, f = report.planner_unit(source_unit(after, source), float(own.sum()))  # as per year
    x = np.arange(len(months))
    ax.bar(x - 0.2, own * f, width=0.4, color="#e45756", label="project's draw")
    ax.bar(x + 0.2, others * f, width=0.4, color="#4c78a8", label="change of the others' draw")
    ax.plot(x, (own + others) * f, "k.-", label="change of the total draw")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(x, months, rotation=90)
    ax.set_title(textwrap.fill(after["source_name"].sel(source=source).item(), 40), fontsize=9)
    ax.set_ylabel(f"[{unit} per month]")
    ax.set_xlabel("month")
    pushed[source] = float(-others[others < 0].sum())
fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
fig.suptitle("Who gives way: the project's draw against the change in everybody else's")
plt.show()

# %% [markdown]
# Output of the existing plants that falls short, and how the shadow prices of the binding
# caps move.

# %%
old_products = [str(p) for p in before["product"].values]
unmet_change = (
    after["unmet"].sel(product=old_products).fillna(0.0).sum("period")
    - before["unmet"].fillna(0.0).sum("period")
).to_series()
unmet_change = unmet_change[unmet_change.abs() > 1e-6]
lost_rows = []
for product, change in unmet_change.items():
    unit, f = report.planner_unit(str(units_of[product]), abs(change))
    lost_rows.append({"product": product, "extra unmet demand": change * f, "unit": unit})
lost_table = pd.DataFrame(lost_rows, columns=["product", "extra unmet demand", "unit"])
display(lost_table)

caps_before = report.binding_caps(before).set_index(["cap", "where"])
caps_after = report.binding_caps(after).set_index(["cap", "where"])
prices = pd.DataFrame(
    {
        "before": caps_before["shadow_price"],
        "with project": caps_after["shadow_price"],
        "unit": caps_after["price_unit"].combine_first(caps_before["price_unit"]),
    }
).fillna({"before": 0.0, "with project": 0.0})
prices["change"] = prices["with project"] - prices["before"]
prices = prices.sort_values("change", ascending=False)
display(prices.head(10))

# %%
in_t = unmet_change[[units_of[p] == "t" for p in unmet_change.index]]
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
if len(in_t):
    t_unit, t_f = report.planner_unit("t", float(in_t.abs().max()))
    ax.barh(in_t.index, in_t.to_numpy() * t_f, color="#4c78a8", label="extra unmet demand")
else:
    t_unit = "Mt"
    ax.barh([], [], label="no existing product falls short")
ax.set_xlabel(f"extra unmet demand [{t_unit} per year]")
ax.set_ylabel("product")
ax.set_title("Output of existing plants pushed out by the project (products in tonnes)")
ax.legend()
plt.show()

# %% [markdown]
# ## The project on the map
#
# The project's site (the star) and, for every plant `plants.csv` locates, how much more
# or less water it draws than without the project (bubble area; red: less). Plants without
# a location (the sector aggregates, IPC, Polyacryl, Sepahan Cement) are not drawn; the map
# says how much of the change they take.

# %%
from resourcemodel import plots_maps

project = new_plants[0]
ax = plots_maps.project_map(after, project, baseline=before, site=SITE)
ax.figure.set_size_inches(7.5, 6.5)
plt.show()

water_change = (
    plots_maps.drawn_by_plant(after).sum(axis=1)
    - plots_maps.drawn_by_plant(before).sum(axis=1).reindex(after["plant"].values).fillna(0)
).drop(new_plants)
located_now = plots_maps.plant_sites(after)["located"].drop(new_plants)
gives_way = water_change[located_now & (water_change < -1.0)].sort_values()
display(
    Markdown(
        "Located plants that draw less water with the project: "
        + (
            ", ".join(
                f"{after['plant_name'].sel(plant=p).item()} ({v / 1e6:+.2f} Mm3)"
                for p, v in gives_way.items()
            )
            or "none"
        )
        + f"; plants off the map: {water_change[~located_now].sum() / 1e6:+.2f} Mm3."
    )
)
if new_plants == ["new_steel"]:
    assert len(gives_way) >= 1  # the project's water comes partly from located plants

# %% [markdown]
# ## The same comparison from `rm.analyses.permit_impact`
#
# The package's permit analysis solves both cases itself and reports the changes in planner
# units; its cost change must match the one computed above.

# %%
impact = rm.analyses.permit_impact(BASELINE, WITH_PROJECT)
print(impact.text(top=6))

# %% [markdown]
# ## Conclusion (computed)

# %%
head0, head1 = report.headline(before), report.headline(after)
extra = (head1["cost_musd"] + head1["unmet_penalty_musd"]) - (
    head0["cost_musd"] + head0["unmet_penalty_musd"]
)


def num(value: float) -> str:
    """A number as a planner reads it: three significant digits, thousands separated."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def short(source: str) -> str:
    """Short lower-case name of a source."""
    return after["source_name"].sel(source=source).item().split(" (")[0].lower()


footprint_text = ", ".join(
    f"{num(row['per year'])} {row['unit']} of {short(source)}"
    for source, row in zip(drawn.index, footprint.to_dict("records"), strict=True)
)
made_text = "; ".join(
    f"{r.product}: {r.delivered:.2f} of {r.demand:.2f} {r.unit}"
    for r in project_output.itertuples()
)
lost_text = (
    ", ".join(
        f"{p} +{num(v)} {u}"
        for p, v, u in lost_table[["product", "extra unmet demand", "unit"]].itertuples(index=False)
    )
    if len(lost_table)
    else "nothing"
)
displaced = []
for s in project_sources:
    if pushed[s] > 0:
        unit, f = report.planner_unit(source_unit(after, s), pushed[s])
        displaced.append(f"{num(pushed[s] * f)} {unit} of {short(s)}")
top = prices.iloc[0]
lines = [
    f"- **Footprint**: the project ({', '.join(new_plants)}) draws {footprint_text} per year. "
    f"Output: {made_text}.",
    "- **Permits**: "
    + (
        "; ".join(
            f"{r.resource} {r.used:.2f} of {r.permit:.2f} {r.unit} permitted"
            for r in permit_table.itertuples()
        )
        if len(permit_table)
        else "none given"
    )
    + ".",
    f"- **Pushed out**: extra unmet demand {lost_text}; the other users draw "
    f"{', '.join(displaced) or 'nothing'} less in the months they give way.",
    f"- **Cost**: {extra:+,.0f} million USD/yr of value added for the province (costs plus "
    f"sales lost); the cap that tightens most is {top.name[0]} ({top.name[1]}), from "
    f"{top['before']:,.1f} to {top['with project']:,.1f} {top['unit']}.",
]
display(Markdown("\n".join(lines)))

# %%
# Any project: its permits hold, and with the caps unchanged, adding demand never lowers cost.
for r in permit_table.itertuples():
    assert r.used <= r.permit * (1 + 1e-6), r
assert extra >= -1e-6
package_extra = float(impact.delta["cost_change"] + impact.delta["unmet_penalty_change"]) / 1e6
assert np.isclose(package_extra, extra, rtol=1e-6, atol=1e-3), (package_extra, extra)
# The numbers stated above for the shipped permit case.
if new_plants == ["new_steel"]:
    water = permit_table.set_index("resource").loc["water"]
    assert water["unit"] == "Mm3" and 1.5 < water["used"] <= 2.3, water  # within its permit
    lost_t = float(in_t.sum())
    assert 0.1e6 < lost_t < 0.5e6, lost_t  # other output gives way (about 0.17 Mt)
    assert pushed["gas_pipeline"] > 0 and pushed["grid_electricity"] > 0
    steel = project_output.set_index("product").loc["steel_new_project"]
    assert 0.9 < steel["delivered"] / steel["demand"] <= 1.0, steel
