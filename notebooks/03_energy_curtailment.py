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
# # 03 · Energy curtailment: summer grid cuts and winter gas cuts, alone and together
#
# **Question** (design §1, question 4): what do summer grid cuts to heavy industry (40% of
# normal use in Tir-Mordad, July-August, as in 2024-25, or the 10% decree) and the 2022/23
# winter gas path do to output and cost, one at a time and in the same year?
#
# Every file in `SUMMER` is solved alone, every file in `WINTER` alone, and every
# summer/winter pair together (their changes applied one after the other).

# %% tags=["parameters"]
BASELINE = "../scenarios/baseline.toml"
SUMMER = ["../scenarios/summer-grid-40.toml", "../scenarios/summer-grid-10.toml"]
WINTER = ["../scenarios/winter-gas-2022.toml"]
GRID = "grid_electricity"
GAS = "gas_pipeline"

# %%
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.scenario import combine, load_scenario

pd.options.display.float_format = "{:,.3g}".format


# %%
pairs = list(itertools.product(SUMMER, WINTER))
cases = [BASELINE, *SUMMER, *WINTER, *(combine(list(p)) for p in pairs)]
runs = {}
for case in cases:
    res = rm.run(case, strict=True)
    runs[res.attrs["scenario"]] = res
names = list(runs)
base = runs[load_scenario(BASELINE).name]
b = base.attrs["scenario"]
together = {
    (
        load_scenario(s).name,
        load_scenario(w).name,
    ): f"{load_scenario(s).name} + {load_scenario(w).name}"
    for s, w in pairs
}
display(report.comparison(list(runs.values())))

# %% [markdown]
# ## Output lost, month by month
#
# Unmet demand of the products measured in tonnes (steel, cement, minerals...), by month.

# %%
units_of = base["product_unit"].to_series()
final_t = [
    str(p)
    for p in base["product"].values
    if bool(base["unmet"].sel(product=p).notnull().any()) and units_of[str(p)] == "t"
]
monthly = {n: r["unmet"].sel(product=final_t).fillna(0.0).to_pandas().T for n, r in runs.items()}
short_products = [p for p in final_t if any(float(m[p].sum()) > 0 for m in monthly.values())]
peak = max(float(m.sum(axis=1).max()) for m in monthly.values())
u_unit, u_factor = report.planner_unit("t", peak)
shown = [n for n in names if n != b]
cols = 2
rows = int(np.ceil(len(shown) / cols))
fig, axes = plt.subplots(
    rows, cols, figsize=(12, 3.2 * rows), sharey=True, squeeze=False, layout="constrained"
)
colours = dict(zip(short_products, plt.get_cmap("tab10").colors, strict=False))
for ax, n in zip(axes.flat, shown, strict=False):
    bottom = np.zeros(len(base["period"]))
    for p in short_products:
        values = monthly[n][p].to_numpy() * u_factor
        ax.bar(monthly[n].index, values, bottom=bottom, color=colours[p], label=p)
        bottom += values
    ax.set_title(n, fontsize=10)
    ax.set_xlabel("month")
    ax.set_ylabel(f"unmet demand [{u_unit} per month]")
for ax in axes.flat[len(shown) :]:
    ax.set_visible(False)
handles = [plt.Rectangle((0, 0), 1, 1, color=colours[p]) for p in short_products]
fig.legend(handles, short_products, loc="outside lower center", ncols=len(short_products) or 1)
fig.suptitle("Output lost to energy cuts: unmet demand by month (products measured in tonnes)")
plt.show()

# %%
annual = pd.DataFrame({n: monthly[n].sum() for n in names}).loc[short_products] * u_factor
annual.index = [f"{p} [{u_unit}/yr]" for p in annual.index]
display(annual)

# %% [markdown]
# ## Grid power and gas: use against the caps, and what one more unit is worth


# %%
def unit_of_source(source: str) -> str:
    """Canonical unit of a source."""
    return str(
        base["resource_unit"].sel(resource=base["source_resource"].sel(source=source)).item()
    )


fig, axes = plt.subplots(2, 2, figsize=(12, 7), layout="constrained")
for row, source in enumerate((GRID, GAS)):
    cap_peak = max(float(r["source_cap_limit"].sel(source=source).max()) for r in runs.values())
    unit, f = report.planner_unit(unit_of_source(source), cap_peak)
    dashes = itertools.cycle(["-", "--", ":", "-."])
    for n, r in runs.items():
        use = r["source_cap_use"].sel(source=source).to_series() * f
        style = {"marker": "o", "ms": 3, "ls": next(dashes), "label": n}
        axes[row, 0].plot(use.index, use.to_numpy(), **style)
        price = r["source_cap_shadow_price"].sel(source=source).fillna(0.0).to_series()
        axes[row, 1].plot(price.index, price.to_numpy(), **style)
    title = base["source_name"].sel(source=source).item()
    axes[row, 0].set_title(f"{title}: monthly use", fontsize=10)
    axes[row, 0].set_ylabel(f"use [{unit} per month]")
    axes[row, 0].set_ylim(bottom=0)
    axes[row, 1].set_title(f"{title}: shadow price of the monthly cap", fontsize=10)
    axes[row, 1].set_ylabel(
        f"value of one more {unit_of_source(source)} [USD/{unit_of_source(source)}]"
    )
    axes[row, 1].set_yscale("symlog", linthresh=10)
    for ax in axes[row]:
        ax.set_xlabel("month")
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
fig.suptitle(
    "Grid power and pipeline gas under the energy cuts (price axis: linear to 10, then log)"
)
plt.show()

# %% [markdown]
# ## Alone and together
#
# If the summer and winter cuts did not interact, the cost and the output lost in the
# same year would be the sums of the cases alone. The difference is the interaction.


# %%
def lost_t(n: str) -> float:
    """Tonnes of demand unmet over the year."""
    return float(monthly[n].to_numpy().sum())


heads = {n: report.headline(r) for n, r in runs.items()}


def total_cost(n: str) -> float:
    """Cost plus sales lost (lost output at its price), million USD per year."""
    return float(heads[n]["cost_musd"] + heads[n]["unmet_penalty_musd"])


rows_ = []
for (s, w), sw in together.items():
    for label, fn, scale in (
        (f"output lost [{u_unit}/yr]", lost_t, u_factor),
        ("extra cost [million USD/yr]", lambda n: total_cost(n) - total_cost(b), 1.0),
    ):
        alone_sum = (fn(s) + fn(w)) * scale
        rows_.append(
            {
                "summer": s,
                "winter": w,
                "indicator": label,
                "summer_alone": fn(s) * scale,
                "winter_alone": fn(w) * scale,
                "sum_alone": alone_sum,
                "together": fn(sw) * scale,
                "interaction": fn(sw) * scale - alone_sum,
            }
        )
interaction = pd.DataFrame(rows_)
display(interaction.rename(columns=lambda c: c.replace("_", " ")))

# %% [markdown]
# ## Energy measures adopted
#
# Electricity and gas saved by the adopted measures over the year (all plants).

# %%
saved_rows = {}
for resource in ("electricity", "natural_gas"):
    unit = str(base["resource_unit"].sel(resource=resource).item())
    amounts = {
        n: float(r["saving_amount"].sel(resource=resource).fillna(0.0).sum())
        for n, r in runs.items()
    }
    disp, f = report.planner_unit(unit, max(amounts.values()))
    saved_rows[f"{base['resource_name'].sel(resource=resource).item()} [{disp}/yr]"] = {
        n: v * f for n, v in amounts.items()
    }
energy_saved = pd.DataFrame(saved_rows)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True, layout="constrained")
for ax, (label, column), colour in zip(
    axes, energy_saved.items(), ("#4c78a8", "#f58518"), strict=True
):
    name, unit = label.split(" [")
    ax.barh(column.index, column.to_numpy(), color=colour, label=name)
    ax.set_xlabel(f"saved by measures [{unit}")
    ax.set_title(name, fontsize=10)
    ax.legend(fontsize=8)
axes[0].set_ylabel("scenario")
axes[0].invert_yaxis()
fig.suptitle("Energy saved by the adopted measures, by scenario")
plt.show()

# %% [markdown]
# ## Decrees as written: every plant cut pro rata, against the optimal allocation
#
# The LP gives a cut grid or gas allocation to whoever earns most with it. The decrees cut
# every plant to the same share of its normal use. `rm.analyses.decree_cost` solves each cut
# both ways against the scenario it extends (the plants' normal use): value added, sales and
# jobs lost, and who gains when the cut is shared by value instead of pro rata.

# %%
decrees = {load_scenario(f).name: rm.analyses.decree_cost(f) for f in [*SUMMER, *WINTER]}
decree_table = pd.DataFrame(
    {
        n: {
            "value added lost, optimal [million USD]": float(d["value_added_lost"][0]) / 1e6,
            "value added lost, pro rata [million USD]": float(d["value_added_lost"][1]) / 1e6,
            "jobs lost, optimal": float(d["jobs_lost"][0]),
            "jobs lost, pro rata": float(d["jobs_lost"][1]),
        }
        for n, d in decrees.items()
    }
).T
display(decree_table)
fig, ax = plt.subplots(figsize=(9, 3.2), layout="constrained")
pos = np.arange(len(decree_table))
for k, (rule, colour) in enumerate((("optimal", "#54a24b"), ("pro rata", "#e45756"))):
    column = decree_table[f"value added lost, {rule} [million USD]"]
    ax.barh(pos + (k - 0.5) * 0.38, column, height=0.38, color=colour, label=rule)
ax.set_yticks(pos, decree_table.index)
ax.invert_yaxis()
ax.set_xlabel("value added lost against the reference [million USD]")
ax.legend()
ax.set_title("The same cut shared by value (optimal) or as the decrees do (pro rata)")
plt.show()
decree_lines = []
for n, d in decrees.items():
    gain = d["gain_from_optimal"].to_series().sort_values()
    winner, loser = gain.index[-1], gain.index[0]
    name = d["plant_name"].to_series()
    extra = float(d["value_added_lost"][1] - d["value_added_lost"][0]) / 1e6
    decree_lines.append(
        f"- **{n}**: pro rata costs {extra:,.0f} "
        f"million USD of value added more than sharing by value; {name[winner]} gains most "
        f"({gain[winner] / 1e6:+,.0f} million USD) and {name[loser]} loses most "
        f"({gain[loser] / 1e6:+,.0f}) when the cut is shared by value."
    )
display(Markdown("\n".join(decree_lines)))
# The pro-rata program is the optimal one plus per-plant limits: never better.
for n, d in decrees.items():
    lost = d["value_added_lost"].to_numpy()
    assert lost[0] <= lost[1] + 1e-6 * abs(d.attrs["value_added_reference"]), (n, lost)

# %% [markdown]
# ## Conclusion (computed)

# %%
aug = base["period_name"].sel(period="mordad").item()
lines = []
for n in names[1:]:
    months_short = [str(m) for m in monthly[n].index[monthly[n].sum(axis=1) > 0]]
    lines.append(
        f"- **{n}**: {lost_t(n) * u_factor:.2f} {u_unit} of demand unmet "
        f"({', '.join(months_short) or 'none'}), {total_cost(n) - total_cost(b):+,.0f} million "
        f"USD/yr against the baseline; grid power in {aug} is worth "
        f"{float(runs[n]['source_cap_shadow_price'].sel(source=GRID, period='mordad')):,.0f} "
        f"USD/{unit_of_source(GRID)} (baseline "
        f"{float(base['source_cap_shadow_price'].sel(source=GRID, period='mordad')):,.0f})."
    )
for row in interaction[interaction["indicator"].str.startswith("output")].itertuples():
    additive = abs(row.interaction) <= 0.01 * max(row.sum_alone, 1e-9)
    lines.append(
        f"- {row.summer} and {row.winter} together lose {row.together:.2f} {u_unit}, against "
        f"{row.sum_alone:.2f} {u_unit} for the two alone (interaction "
        f"{row.interaction:+.3f} {u_unit}): "
        + (
            "the cuts bind in different seasons, so their losses simply add up."
            if additive
            else "the cuts interact, so the year is not the sum of its seasons."
        )
    )
display(Markdown("\n".join(lines)))

# %%
# Caps only tighten from the baseline to a cut and from a cut to the combined year, so the
# least cost can only rise; and the numbers stated above for the shipped scenarios:
for (s, w), sw in together.items():
    assert total_cost(sw) >= max(total_cost(s), total_cost(w)) - 1e-6, sw
    assert total_cost(s) >= total_cost(b) - 1e-6 and total_cost(w) >= total_cost(b) - 1e-6
if {"summer-grid-40", "summer-grid-10"} <= set(runs):
    assert 0 < lost_t("summer-grid-40") < lost_t("summer-grid-10")
    # about 2.5 Mt: cement, which earns least per MWh, goes first (as in 2024, dossier 1.7)
    assert 1.5e6 < lost_t("summer-grid-40") < 3.5e6, lost_t("summer-grid-40")
    price = {
        n: float(runs[n]["source_cap_shadow_price"].sel(source=GRID, period="mordad"))
        for n in names
    }
    assert price["summer-grid-10"] > price["summer-grid-40"] > price[b]
if "winter-gas-2022" in runs:
    assert lost_t("winter-gas-2022") > 0
    assert set(monthly["winter-gas-2022"].index[monthly["winter-gas-2022"].sum(axis=1) > 0]) <= {
        "aban",
        "azar",
        "dey",
        "bahman",
        "esfand",
    }
