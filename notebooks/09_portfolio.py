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
# # 09 · The half-finished projects: which to complete under the caps
#
# **Question** (issue #18): of the province's half-finished industrial projects, which
# should be completed and permitted while water, power and gas are short, to add the most
# value (or jobs) for the investment still needed?
#
# The province LP is inside the selection: a project that takes capped water existing
# plants need displaces their output and is charged for it. `REGISTER` is a register CSV
# (`resourcemodel.portfolio.register` documents its columns); left at `None`, the notebook
# makes a **SYNTHETIC** register of `PROJECTS` projects (seeded; every number an
# assumption): its results illustrate the method and say nothing about real projects.
# `benchmarks/portfolio.py` runs the same on 5,430 synthetic projects.

# %% tags=["parameters"]
SCENARIO = "../scenarios/year-1404.toml"
REGISTER = None
PROJECTS = 600
SEED = 0
BUDGET = 500.0  # million USD of remaining investment
POINTS = 20

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm
from resourcemodel.portfolio import Rules, front, register_from_frame, synthetic_register
from resourcemodel.portfolio.plots import plot_front, plot_map
from resourcemodel.portfolio.register import read_register
from resourcemodel.portfolio.screen import screening, setting
from resourcemodel.portfolio.select import select_portfolio

pd.options.display.float_format = "{:,.3g}".format

# %%
inputs, _, _ = rm.pipeline.load(SCENARIO)
if REGISTER is None:
    register = register_from_frame(synthetic_register(PROJECTS, seed=SEED), inputs)
else:
    register = read_register(REGISTER, inputs)
synthetic = bool(register.attrs["synthetic"])
label = "SYNTHETIC register (not real projects)" if synthetic else str(REGISTER)
print(f"{register.sizes['project']} projects: {label}")
counts = pd.Series(register["sector"].values).value_counts()
display(counts.rename("projects").to_frame())

# %% [markdown]
# ## Screening at the scenario's shadow prices
#
# Each project's value (sales minus production and source costs at full capacity), the
# charge of the caps it would draw on at their shadow prices (value added existing plants
# lose), its annualised remaining investment (8% over 20 years), and the net of the three.

# %%
s = setting(SCENARIO, register)
sc = screening(s)
columns = ["sector", "value", "scarcity_charge", "annuity", "net_value", "freshwater"]
table = pd.DataFrame({c: sc[c].values for c in columns}, index=sc["project"].values)
table["net per m3"] = table["net_value"] / table["freshwater"]
display(table.sort_values("net_value", ascending=False).head(10))
positive = int((sc["net_value"] > 0).sum())
print(f"{positive} of {sc.sizes['project']} projects add value at today's shadow prices")

# %% [markdown]
# ## The portfolio under a budget
#
# The MILP completes projects to maximise the province's value added (net of the
# annualised investment) under every cap, with the budget, one project per site and
# precedence between projects.

# %%
p = select_portfolio(SCENARIO, register, rules=Rules(budget=BUDGET), prepared=s)
print(p.text(8))
d = p.projects
selected = d["selected"].values
invested = float(d["remaining_investment"].values[selected].sum())
assert invested <= BUDGET * (1 + 1e-9)
assert p.relaxation_bound >= p.objective - 1e-6 * abs(p.objective)
by_sector = pd.DataFrame(
    {
        "completed": pd.Series(d["sector"].values[selected]).value_counts(),
        "candidates": pd.Series(d["sector"].values).value_counts(),
    }
).fillna(0)
display(by_sector)
reasons = pd.Series(d["reason"].values).value_counts()
display(reasons.rename("projects").to_frame())

# %% [markdown]
# ## Value against freshwater: the trade-off front
#
# The same portfolio program with a cap on the freshwater drawn by the province's plants
# and the completed projects together, from the least the province can draw to what the
# unconstrained portfolio draws.

# %%
f = front(SCENARIO, register, points=POINTS, rules=Rules(budget=BUDGET), prepared=s)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
plot_front(f, ax=axes[0])
plot_map(d, ax=axes[1])
axes[1].set_title("Completed projects" + (" (SYNTHETIC)" if synthetic else ""))
plt.tight_layout()
obj = f["objective"].values
ok = np.isfinite(obj)
assert ok.sum() >= POINTS - 1
# More water never lowers the optimum (up to the MIP gap of each point).
assert np.all(np.diff(obj[ok]) >= -1e-3 * np.abs(obj[ok]).max())

# %%
half = int(np.argmin(np.abs(f["freshwater_cap"].values - f["freshwater_cap"].values[-1] * 0.9)))
loss = (obj[-1] - obj[half]) / 1e6
water = (f["freshwater_cap"].values[-1] - f["freshwater_cap"].values[half]) / 1e6
pct = 100 * water * 1e6 / f["freshwater_cap"].values[-1]
marginal = p.marginal
why = str(d["why_not"].sel(project=marginal).item()) if marginal else ""
conclusion = (
    f"**Conclusion** ({label}, {SCENARIO.split('/')[-1]}): with {BUDGET:,.0f} million USD "
    f"the portfolio completes {int(selected.sum())} of {selected.size} projects "
    f"({invested:,.0f} million USD) and raises value added net of investment from "
    f"{p.base_objective / 1e6:,.0f} to {p.objective / 1e6:,.0f} million USD a year "
    f"(LP relaxation bound {p.relaxation_bound / 1e6:,.0f}). "
    f"{int(reasons.get('caps', 0))} projects are kept out by the caps: what they would "
    "take from existing plants is worth more than they add. The marginal project left "
    f"out is {marginal}: {why}. Cutting the freshwater drawn by about {water:,.0f} "
    f"million m3 ({pct:.0f}%) costs {loss:,.0f} million USD a year of value added."
)
display(Markdown(conclusion))
