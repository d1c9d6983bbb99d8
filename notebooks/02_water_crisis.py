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
# # 02 · Water crisis: river cuts, Esfahan Steel off the river, desalination phases
#
# **Question** (design §1, questions 1-3): if the Zayandeh Rud allocation to industry is cut
# by 25%, 30% in summer or 50%, if Esfahan Steel must stop drawing river water, and as the
# desalinated transfer goes from nothing to phase 1 and phase 2: who loses output, what is
# one more m3 of river water worth in each month, and which water-saving measures are
# adopted?
#
# The water scenarios extend the current-policy year 1404 (the desalinated transfer runs
# from December 2025), so that year is the reference here. `COMBINED` lists scenario files
# applied together as one more case (here the 50% cut without the desalinated transfer).
# Lost output counts at its price, so "cost + sales lost" differences are value added lost.

# %% tags=["parameters"]
BASELINE = "../scenarios/year-1404.toml"
SCENARIOS = [
    "../scenarios/water-crisis-25.toml",
    "../scenarios/water-crisis-30-summer.toml",
    "../scenarios/water-crisis-50.toml",
    "../scenarios/esco-off-river.toml",
    "../scenarios/no-desal.toml",
    "../scenarios/desal-phase2.toml",
]
COMBINED = ["../scenarios/water-crisis-50.toml", "../scenarios/no-desal.toml"]
RIVER = "river_zayandeh"
MONTH = "mordad"

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.scenario import combine, load_scenario

pd.options.display.float_format = "{:,.3g}".format


# %% [markdown]
# ## Solve every case
#
# A combined case takes the changes of its files in order (duplicates once), on the same
# case data (`resourcemodel.scenario.combine`).


# %%
cases = [BASELINE, *SCENARIOS] + ([combine(COMBINED)] if COMBINED else [])
runs = {}
for case in cases:
    res = rm.run(case, strict=True)
    runs[res.attrs["scenario"]] = res
base = runs[load_scenario(BASELINE).name]
names = list(runs)
display(report.comparison(list(runs.values())))

# %% [markdown]
# ## Who loses output?
#
# Unmet demand by product (only products that fall short somewhere), and the change of
# each plant's annual output against the baseline (rows that move by more than 0.5%).

# %%
unmet = pd.concat(
    {n: report.unmet_table(r).set_index(["product", "unit"])["unmet"] for n, r in runs.items()},
    axis=1,
)
unmet = unmet.loc[(unmet > 0).any(axis=1)]
display(unmet)


# %%
def output_by_plant(res):
    """Annual production by (plant, product) in the product's canonical unit."""
    frame = pd.DataFrame(
        {
            "plant": res["process_plant"].to_series(),
            "product": res["process_product"].to_series(),
            "value": res["production"].sum("period").to_series(),
        }
    )
    return frame.groupby(["plant", "product"])["value"].sum()


outputs = pd.concat({n: output_by_plant(r) for n, r in runs.items()}, axis=1).fillna(0.0)
product_units = base["product_unit"].to_series()
final = [
    str(p) for p in base["product"].values if bool(base["unmet"].sel(product=p).notnull().any())
]
outputs = outputs[outputs.index.get_level_values("product").isin(final)]
change = outputs.sub(outputs[base.attrs["scenario"]], axis=0)
scale = outputs.abs().max(axis=1).to_numpy()[:, None]
change = change.where(change.abs() > 0.005 * scale, 0.0)  # moves under 0.5% are noise
shown = change.loc[(change != 0).any(axis=1)].copy()
shown_units = []
for (plant, product), row in shown.iterrows():
    unit, f = report.planner_unit(str(product_units[product]), float(row.abs().max()))
    shown.loc[(plant, product)] = row * f
    shown_units.append(unit)
shown.insert(0, "unit", shown_units)
display(Markdown("Change of annual output of final products against the baseline:"))
display(shown)

# %%
final_t = [p for p in final if product_units[p] == "t"]
lost = pd.DataFrame(
    {
        n: r["unmet"].sel(product=final_t).fillna(0.0).sum("period").to_series()
        for n, r in runs.items()
    }
)
lost = lost.loc[(lost > 0).any(axis=1)]
lost_unit, lost_factor = report.planner_unit("t", float(lost.to_numpy().max()) if len(lost) else 0)
fig, ax = plt.subplots(figsize=(10, 4), layout="constrained")
if len(lost):
    (lost.T * lost_factor).plot.bar(stacked=True, ax=ax, rot=20)
else:
    ax.bar(names, np.zeros(len(names)), label="no product falls short")
    ax.tick_params(axis="x", labelrotation=20)
ax.set_xlabel("scenario")
ax.set_ylabel(f"unmet demand [{lost_unit} per year]")
ax.set_title("Output lost under the water scenarios (products measured in tonnes)")
ax.legend(title="product")
plt.show()

# %% [markdown]
# ## What is one more m3 of river water worth, month by month?
#
# One more m3 of river water for industry in a month counts against the river's monthly
# cap, its annual cap (if any) and every group cap the river belongs to (the freshwater
# allocation, monthly and annual). Its value is the sum of those caps' shadow prices: what
# total cost falls by, in USD, if all of them are raised by one m3.

# %%
inputs, _, _ = rm.load(BASELINE)
groups = [
    str(g)
    for g in inputs["group"].values
    if bool(inputs["group_member"].sel(group=g, source=RIVER))
]


def river_value(res):
    """USD per m3 of one more m3 of river water allocated to industry, by month."""
    value = res["source_cap_shadow_price"].sel(source=RIVER).fillna(0.0)
    value = value + float(np.nan_to_num(res["source_cap_annual_shadow_price"].sel(source=RIVER)))
    for g in groups:
        value = value + res["group_cap_shadow_price"].sel(group=g).fillna(0.0)
        value = value + float(np.nan_to_num(res["group_cap_annual_shadow_price"].sel(group=g)))
    return value.to_series()


river_unit = str(
    base["resource_unit"].sel(resource=base["source_resource"].sel(source=RIVER)).item()
)
value = pd.DataFrame({n: river_value(r) for n, r in runs.items()})
display(value)

# %%
short = [n for n in names if float(runs[n]["unmet"].fillna(0.0).sum()) > 0]
panels = [[n for n in names if n not in short], short] if short else [names]
fig, axes = plt.subplots(1, len(panels), figsize=(12, 4.5), squeeze=False, layout="constrained")
for ax, group, title in zip(
    axes.flat, panels, ["no output lost", "output lost: value set by unmet demand"], strict=False
):
    for n in group:
        ax.plot(value.index, value[n], marker="o", label=n)
    ax.set_xlabel("month")
    ax.set_ylabel(f"value of one more {river_unit} [USD/{river_unit}]")
    ax.set_title(f"Scenarios with {title}", fontsize=10)
    ax.legend(fontsize=8)
fig.suptitle(
    f"What one more {river_unit} of {base['source_name'].sel(source=RIVER).item()} is worth"
)
plt.show()

# %% [markdown]
# ## Where the water comes from: desalination phases and alternatives
#
# Annual draw from every water source, by scenario. `no-desal` is the province before the
# transfer, the baseline is phase 1 (40 Mm3/yr), `desal-phase2` is 70 Mm3/yr replacing river
# water.

# %%
water_sources = [
    str(s)
    for s in base["source"].values
    if str(base["source_resource"].sel(source=s).item()) == "water"
]
drawn = pd.DataFrame(
    {
        n: r["supply"].sel(source=water_sources).fillna(0.0).sum(("plant", "period")).to_series()
        for n, r in runs.items()
    }
)
w_unit, w_factor = report.planner_unit(river_unit, float(drawn.sum().max()))
ax = (
    (drawn.T * w_factor)
    .rename(columns=base["source_name"].to_series())
    .plot.barh(stacked=True, figsize=(10, 4.5))
)
ax.invert_yaxis()
ax.set_xlabel(f"water drawn [{w_unit} per year]")
ax.set_ylabel("scenario")
ax.set_title("Water drawn by source under each scenario")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# ## Which measures get adopted?
#
# Water saved by each measure over the year (all plants), and the share of each measure
# adopted at each plant in the hardest case.

# %%
saved = pd.DataFrame(
    {
        n: r["saving_amount"].sel(resource="water").fillna(0.0).sum(("plant", "period")).to_series()
        for n, r in runs.items()
    }
)
saved = saved.loc[(saved > 0).any(axis=1)]
s_unit, s_factor = report.planner_unit(
    river_unit, float(saved.to_numpy().max()) if len(saved) else 0
)
labels = [f"{m} {base['measure_name'].sel(measure=m).item()}" for m in saved.index]
ax = (saved.T * s_factor).set_axis(labels, axis=1).plot.barh(stacked=True, figsize=(10, 4.5))
ax.invert_yaxis()
ax.set_xlabel(f"water saved [{s_unit} per year]")
ax.set_ylabel("scenario")
ax.set_title("Water saved by the adopted measures, by scenario")
ax.legend(title="measure", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %%
worst = max(names, key=lambda n: float(saved[n].sum()) if len(saved) else 0.0)
adopted = runs[worst]["adoption"].to_pandas().clip(lower=0.0) + 0.0  # no "-0"
adopted = adopted.loc[(adopted > 1e-6).any(axis=1), (adopted > 1e-6).any(axis=0)]
display(Markdown(f"Share of each measure adopted at each plant in **{worst}**:"))
display(adopted)

# %% [markdown]
# ## Conclusion (computed)

# %%
b = base.attrs["scenario"]
cost = pd.Series({n: report.headline(r)["cost_musd"] for n, r in runs.items()})
penalty = pd.Series({n: report.headline(r)["unmet_penalty_musd"] for n, r in runs.items()})
extra = (cost + penalty - cost[b] - penalty[b]).drop(b)
# Output lost beyond the reference year (which may itself lose some), per product.
beyond = lost.sub(lost[b], axis=0) if b in lost.columns else lost
worse = [n for n in names if n != b and bool((beyond[n] > 1e-6 * lost.to_numpy().max()).any())]
no_loss = [n for n in names if n not in worse and n != b]
peak_month = value.stack().idxmax()
desal = "desal_transfer" if "desal_transfer" in drawn.index else None


def losses(n):
    """Products falling further short in scenario ``n`` than in the reference, in planner units."""
    items = [f"{p} {v * lost_factor:+.2f} {lost_unit}" for p, v in beyond[n].items() if v > 1e-9]
    return ", ".join(items) or "products not measured in tonnes"


month_name = base["period_name"].sel(period=MONTH).item()
costs = ", ".join(f"{n} {extra[n]:+,.1f}" for n in extra.index)
values = ", ".join(f"{n} {value.loc[MONTH, n]:.2f}" for n in names)
lines = [
    f"- Against {b} the scenarios lose {costs} million USD/yr of value added (costs plus "
    "sales lost).",
    f"- Against {b}, no further output is lost in {', '.join(no_loss) or 'none of them'}; "
    + (
        "more output is lost in " + "; ".join(f"{n} ({losses(n)})" for n in worse)
        if worse
        else "no scenario loses more output."
    ),
    f"- In {month_name}, one more {river_unit} of river water is worth {values} "
    f"USD/{river_unit}; the highest value is {value.stack().max():.2f} USD/{river_unit} "
    f"({peak_month[1]}, {peak_month[0]}).",
]
if desal:
    lines.append(
        "- The desalinated transfer delivers "
        + ", ".join(f"{n} {drawn.loc[desal, n] * w_factor:.1f}" for n in names)
        + f" {w_unit}/yr."
    )
if len(saved):
    lines.append(
        f"- Measures save {saved[b].sum() * s_factor:.1f} {s_unit}/yr of water in the baseline "
        f"and {saved[worst].sum() * s_factor:.1f} {s_unit}/yr in {worst}, led by "
        f"{base['measure_name'].sel(measure=saved[worst].idxmax()).item()}."
    )
display(Markdown("\n".join(lines)))

# %%
# Tighter caps can never make the least-cost year cheaper (each cut case's caps lie inside
# the baseline's), and the numbers stated above for the shipped scenario set:
for n in ("water-crisis-25", "water-crisis-50", "esco-off-river", "no-desal"):
    if n in runs:
        assert cost[n] + penalty[n] >= cost[b] + penalty[b] - 1e-6, n
if {"water-crisis-25", "water-crisis-50"} <= set(runs):
    assert cost["water-crisis-50"] + penalty["water-crisis-50"] >= cost["water-crisis-25"]
if "water-crisis-50" in runs:
    # Phase 1 (about 19 Mm3/yr, from December only) and the measures that can act within
    # the year do not cover half the river: output is lost, and the transfer runs.
    assert "water-crisis-50" in worse
    assert drawn.loc["desal_transfer", "water-crisis-50"] > drawn.loc["desal_transfer", b]
    assert saved["water-crisis-50"].sum() >= saved[b].sum() - 1e-6
if "water-crisis-50 + no-desal" in runs:
    assert "water-crisis-50 + no-desal" in worse  # without the transfer, output is lost
