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
