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
# # 04 · Resource-saving measures: what is adopted, what it costs, what it saves
#
# **Question** (design §1, question 3): which measures (wastewater reuse, cooling upgrades,
# top-gas turbines, dry quenching, scrap, drives, solar...) does the least-cost plan adopt,
# what do they cost per year, what do they save, and what is each worth to the province?
#
# The model adopts a share of each measure at each plant. Three numbers per measure:
# - its **annualised cost** (capital and running, USD per year);
# - its **savings valued at the shadow prices** of the resources it saves (the value of one
#   more unit at that plant and month). A measure adopted only in part earns exactly its
#   cost at the margin, which is why the model stops there;
# - its **net worth**: how much the province's least cost rises if that measure alone is
#   switched off. The first units of a measure save more than the last, so this is usually
#   larger than savings minus cost at the margin.
#
# The net worth is computed with `rm.sweep`: a one-at-a-time sweep with one factor per
# adopted measure that scales its `max_adoption` to 0 (warm re-solves of the same program).

# %% tags=["parameters"]
SCENARIO = "../scenarios/measures-3-years.toml"
STRESS = "../scenarios/water-crisis-50-3-years.toml"

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.sweeps import analysis

pd.options.display.float_format = "{:,.3g}".format

# %% [markdown]
# ## Solve, and switch each adopted measure off in turn

# %%
results, worth = {}, {}
for path in (SCENARIO, STRESS):
    res = rm.run(path, strict=True)
    name = res.attrs["scenario"]
    results[name] = res
    adopted = [
        str(m)
        for m in res["measure"].values
        if float(res["adoption"].sel(measure=m).fillna(0).sum()) > 1e-9
    ]
    levers = [
        {"name": m, "parameter": "max_adoption", "where": {"measure": m}, "scale": [0.0, 1.0]}
        for m in adopted
    ]
    levers.append({"name": "all_measures", "parameter": "max_adoption", "scale": [0.0, 1.0]})
    sweep = rm.sweep(
        {"base": path, "sampler": "one_at_a_time", "outcomes": ["objective"], "lever": levers},
        progress=False,
    )
    assert (sweep["status"] == "optimal").all(), sweep["message"].values
    # The base run of the sweep is the scenario itself.
    assert np.isclose(float(sweep["objective"][0]), res.attrs["objective"], rtol=1e-7)
    worth[name] = analysis.tornado(sweep, "objective").set_index("factor")["low_delta"]
names = list(results)
main, stress = names[0], names[-1]


# %% [markdown]
# ## Adoption at each plant
#
# Share of each measure adopted (1 = everything that plant could do); blank = not
# applicable at that plant.


# %%
def adoption_table(res):
    """Adopted shares, only plants and measures with some adoption."""
    table = res["adoption"].to_pandas().clip(lower=0.0) + 0.0
    table = table.loc[(table > 1e-6).any(axis=1), (table > 1e-6).any(axis=0)]
    return table.rename(columns=lambda m: f"{m} {res['measure_name'].sel(measure=m).item()}")


for n in names:
    display(Markdown(f"**{n}**"))
    display(adoption_table(results[n]))

# %% [markdown]
# ## Cost against savings, measure by measure

# %%
SAVED = {"water": "m3", "electricity": "MWh", "natural_gas": "GJ"}


def measure_table(res, worth_of):
    """Per adopted measure: cost, physical savings, savings at shadow prices, net worth."""
    cost = res["cost_measures"].fillna(0.0).sum("plant").to_series()
    saving = res["saving_amount"].fillna(0.0).sum(("plant", "period"))
    valued = (res["saving_amount"].fillna(0.0) * res["resource_value"].fillna(0.0)).sum(
        ("plant", "resource", "period")
    )
    rows = []
    for m in worth_of.index.drop("all_measures"):
        row = {
            "measure": f"{m} {res['measure_name'].sel(measure=m).item()}",
            "cost [million USD/yr]": cost[m] / 1e6,
        }
        for resource in SAVED:
            if resource in res["resource"].values:
                unit = str(res["resource_unit"].sel(resource=resource).item())
                row[(resource, unit)] = float(saving.sel(measure=m, resource=resource))
        row["savings at shadow prices [million USD/yr]"] = float(valued.sel(measure=m)) / 1e6
        row["net worth [million USD/yr]"] = worth_of[m] / 1e6
        rows.append(row)
    table = pd.DataFrame(rows).set_index("measure")
    for column in [c for c in table.columns if isinstance(c, tuple)]:
        resource, unit = column
        disp, f = report.planner_unit(unit, float(table[column].abs().max()))
        table[f"{resource} saved [{disp}/yr]"] = table.pop(column) * f
    return table


tables = {n: measure_table(results[n], worth[n]) for n in names}
for n in names:
    display(Markdown(f"**{n}**"))
    display(tables[n])

# %%
fig, axes = plt.subplots(1, len(names), figsize=(13, 4.5), sharex=True, layout="constrained")
columns = {
    "cost [million USD/yr]": ("annualised cost", "#e45756"),
    "savings at shadow prices [million USD/yr]": ("savings at shadow prices", "#4c78a8"),
    "net worth [million USD/yr]": ("net worth (rise in cost if switched off)", "#54a24b"),
}
for ax, n in zip(np.atleast_1d(axes), names, strict=True):
    table = tables[n].sort_values("net worth [million USD/yr]")
    pos = np.arange(len(table))
    for k, (column, (label, colour)) in enumerate(columns.items()):
        ax.barh(pos + (k - 1) * 0.27, table[column], height=0.27, color=colour, label=label)
    ax.set_yticks(pos, [textwrap.fill(t, 34) for t in table.index])
    ax.set_xlabel("million USD per year")
    ax.set_title(n, fontsize=10)
fig.legend(*np.atleast_1d(axes)[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
fig.suptitle("Adopted measures: cost, savings at shadow prices, and net worth")
plt.show()

# %% [markdown]
# ## The marginal cost curve of saving water
#
# `rm.analyses.cost_curve` asks the LP itself: starting from the plan without the
# water-saving measures (same deliveries), it puts a rising price on every m3 drawn and
# records each step the optimum takes. A step is as wide as the water it saves and as high
# as what it costs per m3 (production, supply and measures together, so energy co-benefits
# and the extra power of dry cooling are counted). Steps below zero pay for themselves.
# Steps dearer than `CURVE_MAX_USD_PER_M3` are cut off the chart (they stay in the table).

# %%
CURVE_MAX_USD_PER_M3 = 12.0
curve = rm.analyses.cost_curve(STRESS, "water")
unit_cost = curve["unit_cost"].to_numpy()
curve_unit = str(curve.attrs["unit"])
total_unit, total_factor = report.planner_unit(
    curve_unit, float(curve["cumulative_saving"].to_numpy()[-1])
)
ax = rm.analyses.plot_cost_curve(
    curve,
    ylim=(min(0.0, float(unit_cost.min())) - 7.5, CURVE_MAX_USD_PER_M3),  # room for labels
    title=f"Marginal cost curve of saving water ({curve.attrs['scenario']})",
)
ax.figure.set_size_inches(11, 5)
ax.legend(
    handles=[plt.Rectangle((0, 0), 1, 1, color=ax.patches[0].get_facecolor())],
    labels=["one step: the measures it adopts are written on the bar"],
    loc="upper left",
    fontsize=8,
)
ax.set_xlabel(f"cumulative water saving [{total_unit} per year]")
plt.show()
steps = pd.DataFrame(
    {
        "USD/m3": unit_cost,
        f"saving [{total_unit}/yr]": curve["saving"].to_numpy() * total_factor,
        f"cumulative [{total_unit}/yr]": curve["cumulative_saving"].to_numpy() * total_factor,
        "measures": [textwrap.shorten(str(m), 90) for m in curve["measures"].to_numpy()],
    }
)
display(steps)

# %% [markdown]
# ## Conclusion (computed)

# %%
lines = []
for n in names:
    t = tables[n]
    saved = []
    for column in [c for c in t.columns if " saved [" in c]:
        resource = column.split(" saved")[0]
        unit = column[column.index("[") + 1 : column.index("/yr")]
        label = results[n]["resource_name"].sel(resource=resource).item()
        if t[column].sum() > 0:
            label = label.split(",")[0]
            saved.append(f"{t[column].sum():,.1f} {unit} of {label[0].lower() + label[1:]}")
    top = t["net worth [million USD/yr]"].idxmax()
    lines.append(
        f"- **{n}**: {len(t)} measures adopted for {t['cost [million USD/yr]'].sum():,.1f} million "
        f"USD/yr; they save {', '.join(saved) or 'nothing measurable'} per year. Switching all "
        f"of them off would raise the province's least cost by "
        f"{worth[n]['all_measures'] / 1e6:,.1f} million USD/yr; the most valuable alone is "
        f"{top} ({t.loc[top, 'net worth [million USD/yr]']:,.1f} million USD/yr)."
    )
cumulative = curve["cumulative_saving"].to_numpy() * total_factor
cheap = float(cumulative[unit_cost <= 0].max()) if (unit_cost <= 0).any() else 0.0
under_2 = float(cumulative[unit_cost <= 2.0].max()) if (unit_cost <= 2.0).any() else 0.0
lines.append(
    f"- In **{curve.attrs['scenario']}**, the cost curve finds {cheap:,.1f} {total_unit}/yr of "
    f"water that pays for itself and {under_2:,.1f} {total_unit}/yr at up to 2 USD/m3, out of "
    f"{cumulative[-1]:,.1f} {total_unit}/yr in all (the last step costs "
    f"{unit_cost[-1]:,.0f} USD/m3)."
)
display(Markdown("\n".join(lines)))

# %%
# Allowing a measure can never raise the least cost: every net worth is >= 0.
for n in names:
    assert (worth[n] >= -1e-6 * results[n].attrs["objective"]).all(), worth[n]
    # Savings at shadow prices never fall short of the cost of an adopted measure.
    t = tables[n]
    gap = t["savings at shadow prices [million USD/yr]"] - t["cost [million USD/yr]"]
    assert (gap >= -1e-3 * t["cost [million USD/yr]"].abs().max()).all(), gap
# A marginal cost curve rises: each step costs at least as much per m3 as the one before.
assert (np.diff(unit_cost) >= -1e-6 * np.abs(unit_cost).max()).all(), unit_cost
# The numbers stated above for the shipped baseline and 50% river cut.
if main == "measures-3-years" and stress == "water-crisis-50-3-years":
    # In m3 from the results (each table shows water in its own planner unit).
    water = {n: float(results[n]["resource_saved"].sel(resource="water").sum()) for n in names}
    # the drought adopts water measures
    assert water["water-crisis-50-3-years"] > water["measures-3-years"]
    # Halving river water makes the measures worth far more than in a normal year.
    all_worth = worth["measures-3-years"]["all_measures"]
    assert 20e6 < all_worth < 80e6, all_worth  # about 40 million USD/yr
    assert worth["water-crisis-50-3-years"]["all_measures"] > 5 * all_worth
    # About 4 Mm3/yr pay for themselves and 26 Mm3/yr in all (measures combine, not add).
    assert total_unit == "Mm3" and 2 < cheap < 10 and 20 < cumulative[-1] < 35, (cheap, cumulative)
