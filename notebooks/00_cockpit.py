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
# # 00 · Cockpit: move a cap, see what the province loses
#
# Each slider is a share of the scenario's cap: the Zayandeh Rud allocation to industry,
# groundwater, grid power to energy-intensive industry in summer (Tir-Mordad) and in the rest
# of the year, and pipeline gas. The switch adds a new 1 Mt/yr DRI-EAF steel plant (the
# overlay of `scenarios/new-steel-permit.toml`). Every move re-solves the province's plan in
# the model kept in memory (a warm re-solve) and updates the charts; the grey and dotted
# series are the scenario as it is. **Save scenario** writes the what-if as a scenario file
# beside the scenario (`resourcemodel run` reproduces it); **Make brief** writes an HTML brief
# of the what-if against the baseline into `results/briefs/`.
#
# Served as a web page: `make cockpit`.

# %% tags=["parameters"]
SCENARIO = "../scenarios/baseline.toml"
PROJECT = "../scenarios/overlays/new_steel_plant"

# %%
from IPython.display import display

from resourcemodel.cockpit import Cockpit

cockpit = Cockpit(SCENARIO, project=PROJECT)
display(cockpit.widget())

# %% [markdown]
# ## Where the cockpit starts
#
# The scenario as it is (every slider at 100%): its value added, and the cap of each resource
# whose next unit is worth most, in the month it binds.

# %%
import json

from IPython.display import Markdown

base = cockpit.base_readout
totals = json.loads(cockpit.baseline.attrs["cost_totals_usd"])
# The headline adds up the sectors; it must equal the solve's own total.
assert abs(base.totals["value_added"] - totals["value_added"] / 1e6) < 1e-6
lines = []
for resource in dict.fromkeys(c.resource for c in cockpit.layout.caps):
    rows = [k for k, c in enumerate(cockpit.layout.caps) if c.resource == resource]
    k, month = divmod(int(base.cap_value[rows].argmax()), len(cockpit.layout.periods))
    cap, value = cockpit.layout.caps[rows[k]], base.cap_value[rows[k], month]
    where = cockpit.layout.period_names[month]
    lines.append(
        f"- {resource.replace('_', ' ')}: {cap.name}, {value:,.2f} USD/{cap.unit} in {where}"
        if value > 0
        else f"- {resource.replace('_', ' ')}: no cap binds"
    )
text = (
    f"**{cockpit.baseline.attrs.get('title', cockpit.model.name)}**: value added "
    f"{base.totals['value_added']:,.0f} million USD a year, output lost "
    f"{base.totals['output_lost']:,.0f} million USD, fresh water drawn "
    f"{base.totals['freshwater']:,.1f} Mm3. The most valuable next unit of each resource:\n"
    + "\n".join(lines)
)
display(Markdown(text))
