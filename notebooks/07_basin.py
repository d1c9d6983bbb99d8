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
# # 07 · The Zayandeh Rud in a dry year: who gets the river, and what a m3 earns
#
# **Question** (issue 14): in a dry year, how should the river be shared among drinking
# water, the Gavkhouni wetland, agriculture and industry, and what does each m3 earn in each
# use? And under the river, on the groundwater plains: which plain binds, and what is a m3
# worth in each?
#
# The basin scenarios add the Zayandeh Rud dam and the river's other users to the 1402
# economy (overlay `scenarios/overlays/zayandeh_basin`; sources in
# `src/resourcemodel/data/isfahan/README.md`). `DRY` shares the river by priority and value
# (`allocation = "basin"`: drinking water first, then whoever earns most per m3); `DECREE`
# is the same year with industry's decreed river share kept; `NORMAL` is 1402 itself.

# %% tags=["parameters"]
DRY = "../scenarios/basin-dry.toml"
DECREE = "../scenarios/basin-dry-decree.toml"
NORMAL = "../scenarios/basin-1402.toml"
WETLAND = "../scenarios/basin-wetland-right.toml"
BASE = "../scenarios/baseline.toml"
YEAR = "../scenarios/year-1404.toml"
SEALED = "../scenarios/borkhar-wells-sealed.toml"

# %%
import json

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import resourcemodel as rm

pd.options.display.float_format = "{:,.3g}".format
MM3 = 1e6
RIVER = "river_zayandeh"

dry = rm.run(DRY, strict=True)
decree = rm.run(DECREE, strict=True)
normal = rm.run(NORMAL, strict=True)
wetland = rm.run(WETLAND, strict=True)


def value_added(res):
    """Industry's value added, USD."""
    return json.loads(res.attrs["cost_totals_usd"])["value_added"]


def river_draw(res):
    """Industry's river water over the year, Mm3."""
    return float(res["supply"].sel(source=RIVER).sum()) / MM3


# %% [markdown]
# ## The dam through the year
#
# Storage at the end of each month. The dry year starts and must end at 152 Mm3 (its level
# on 20 Oct 2025); 1402 starts and ends at 415 Mm3. The spring snowmelt fills it, the
# summer and autumn releases empty it.

# %%
months = [str(m) for m in dry["period_name"].values]
storage = pd.DataFrame(
    {
        "1402": normal["storage"].sum("reservoir").values / MM3,
        "dry year": dry["storage"].sum("reservoir").values / MM3,
    },
    index=months,
)
ax = storage.plot(marker="o", figsize=(8, 3.5))
ax.set_ylabel("storage at month end [million m3]")
ax.set_title("Zayandeh Rud dam")
plt.xticks(rotation=45, ha="right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Who gets the river
#
# Water delivered over the year to each use, against what it asks (industry: its draws on
# the river). Drinking water is served first (a hard minimum and a priority of 2,000 USD per
# m3 short); after it, the model gives each m3 to the use that earns most from it.


# %%
def sharing(res):
    """Delivered and asked per use over the year, Mm3."""
    users = res["user_delivery"].sum("period") / MM3
    short = res["user_shortfall"].sum("period") / MM3
    rows = {
        str(res["user_name"].sel(user=u).item()): (
            float(users.sel(user=u)),
            float(users.sel(user=u) + short.sel(user=u)),
        )
        for u in res["user"].values
    }
    rows["Industry (river water)"] = (river_draw(res), float("nan"))
    return pd.DataFrame(rows, index=["delivered", "asked"]).T


table = pd.concat(
    {
        "1402 (decree)": sharing(normal),
        "dry, by value": sharing(dry),
        "dry, by decree": sharing(decree),
    },
    axis=1,
)
display(table.round(1))

# %% [markdown]
# ## What a m3 earns in each use
#
# - **Farms and green space**: their value per m3 (0.175 USD, the middle of 0.1-0.25 USD
#   in Iranian studies).
# - **Industry, the last m3**: the value of a m3 at the river (the dual of the river's
#   water balance, USD/m3 above the 0.20 USD industry pays) plus that price: what one more
#   m3 would add to industry's value added. In the dry year industry is the marginal user.
# - **Industry, on average**: value added per m3 of all the fresh water industry draws
#   (river and wells); most of it would be lost without water, so this is the order of
#   magnitude of what industry's water carries, not what one m3 more would add.
# - **Drinking water and the wetland** have no value per m3 in the model: drinking water
#   is a priority (served whatever it costs); the wetland's right has no price.

# %%
price = float(dry["cost_supply"].sel(source=RIVER).sum() / dry["supply"].sel(source=RIVER).sum())
river_value = dry["source_water_value"].sel(source=RIVER)
wells = [s for s in dry.source.values.astype(str) if s.startswith("groundwater_")]  # plains
fresh = float(dry["supply"].sel(source=[RIVER, *wells]).sum()) / MM3
earns = pd.DataFrame(
    {
        "USD per m3": [
            float(dry["user_unit_value"].sel(user="agriculture")),
            float(river_value.mean()) + price,
            value_added(dry) / (fresh * MM3),
            float("nan"),
            0.0,
        ]
    },
    index=[
        "agriculture (its value)",
        "industry, the last m3 (mean over months)",
        "industry, average value added per m3 of fresh water",
        "drinking water (priority, no price)",
        "Gavkhouni wetland (no value in the model)",
    ],
)
display(earns)
months_value = pd.DataFrame(
    {
        "dry, by value": dry["source_water_value"].sel(source=RIVER).values,
        "1402": normal["source_water_value"].sel(source=RIVER).values,
    },
    index=months,
)
display(months_value.T.round(3))

# %% [markdown]
# ## Groundwater by plain: which plain binds, and what is a m3 worth in each?
#
# Industry's wells are on three plains (sources `groundwater_lenjanat` for the Mobarakeh and
# Lenjan plants, `groundwater_isfahan_borkhar` for the Shahin Shahr plants,
# `groundwater_other_plains` for the aggregates and the unlocated plants; the map is by
# county, an assumption: the Isfahan Regional Water Company's boundaries were not
# available). Each is closed to new wells (S46) and capped at its share of the 1402 draw;
# its safe yield for industry is 72% of that (an assumption, see safe_yield.csv), so the
# **depletion account** is what industry draws beyond it. 1402 (`baseline`) and 1404
# (`year-1404`) are compared with `borkhar-wells-sealed`: the what-if (not a decree) of
# half of industry's wells on the Isfahan-Borkhar plain sealed in 1404.

# %%
base = rm.run(BASE, strict=True)
year = rm.run(YEAR, strict=True)
sealed = rm.run(SEALED, strict=True)
PLAINS = [s for s in year.source.values.astype(str) if s.startswith("groundwater_")]


def plains(res):
    """Per plain: draw, cap, safe yield, depletion (Mm3); binding months and their value."""
    sp = res["source_cap_shadow_price"].sel(source=PLAINS)
    slack = res["source_cap_slack"].sel(source=PLAINS)
    cap = res["source_cap_annual_limit"].sel(source=PLAINS)
    binding = (slack <= 1e-6 * res["source_cap_limit"].sel(source=PLAINS)) & (sp > 1e-6)
    names = res["period_name"].values
    return pd.DataFrame(
        {
            "drawn": res["source_draw_total"].sel(source=PLAINS).values / MM3,
            "annual cap": cap.values / MM3,
            "depletion": res["depletion"].sel(source=PLAINS).values / MM3,
            "months the cap binds": [
                ", ".join(str(m).split(" (")[0] for m in names[binding.sel(source=p).values]) or "-"
                for p in PLAINS
            ],
            "top value of a m3 [USD]": sp.max("period").values,
            "annual cap's value [USD/m3]": res["source_cap_annual_shadow_price"]
            .sel(source=PLAINS)
            .values,
        },
        index=[str(res["source_name"].sel(source=p).item()).split(" (")[0] for p in PLAINS],
    )


by_plain = pd.concat({"1402": plains(base), "1404": plains(year), "sealed": plains(sealed)})
display(by_plain)
depletion = pd.DataFrame(
    {
        n: r["depletion"].sel(source=PLAINS).values / MM3
        for n, r in (("1402", base), ("1404", year), ("1404, Borkhar half sealed", sealed))
    },
    index=by_plain.loc["1402"].index,
)
ax = depletion.plot.bar(figsize=(8, 3.5), rot=0)
ax.axhline(0, color="black", linewidth=0.8)
ax.set_ylabel("drawn beyond safe yield [million m3]")
ax.set_title("Depletion account by plain (industry's wells)")
plt.tight_layout()
plt.show()


# %% [markdown]
# Who pays when the Borkhar wells are halved: the change in each plant's water bill and
# measure spending, and where its water comes from (million USD and million m3 over 1404).


# %%
def spend(res):
    """Per plant: measures and water bought (USD), over the year."""
    return pd.DataFrame(
        {
            "measures": res["cost_measures"].fillna(0).sum("measure").to_pandas(),
            "water bought": res["cost_supply"]
            .sel(source=res.source.values[res["source_resource"].values == "water"])
            .fillna(0)
            .sum(["source", "period"])
            .to_pandas(),
        }
    )


moved = (sealed["supply"] - year["supply"]).fillna(0).sum("period") / MM3
water_sources = [RIVER, *PLAINS, "reclaimed_wastewater", "desal_transfer"]
who = ((spend(sealed) - spend(year)) / 1e6).join(moved.sel(source=water_sources).to_pandas())
who = who.loc[who.abs().sum(axis=1) > 1e-3]
display(who.round(2))

# %% [markdown]
# ## Conclusion

# %%
delivered = dry["user_delivery"].sum("period") / MM3
agri = float(delivered.sel(user="agriculture"))
drink = float(delivered.sel(user="drinking"))
wet = float(delivered.sel(user="gavkhouni"))
ind = river_draw(dry)
last_m3 = float(river_value.mean()) + price
gap = value_added(dry) - value_added(decree)
wetland_cost = value_added(normal) - value_added(wetland)
assert wetland_cost > 0
assert abs(drink - 320.0) < 0.01
assert agri < 1e-6 and wet < 1e-6
assert 60 < ind < 75
assert last_m3 > 2 * 0.175
assert gap >= -1e-3
conclusion = f"""In a dry year (400 million m3 into the dam, which starts and ends at 152 million
m3) the river holds about {drink + ind:,.0f} million m3 for its users. Drinking water takes
its {drink:,.0f} million m3 first. Of what is left, a m3 earns about {last_m3:.2f} USD in
industry at the margin against 0.175 USD on a farm, so shared by value all
{ind:,.0f} million m3 go to industry and none to the farms ({agri:,.0f}), the green space
or the Gavkhouni wetland ({wet:,.0f} of its 176 million m3 right). Industry's average
value added per m3 of fresh water is about {value_added(dry) / (fresh * MM3):,.0f} USD:
what its water carries, not what one more m3 adds. Keeping industry's decreed monthly
shares instead changes little in this year (industry's value added
{gap / 1e6:+.2f} million USD by value against by decree): the decree's 73 million m3 are
more than the river has left after drinking water, so industry takes all of it either
way. In 1402 (527 million m3) farms got about
{float(normal["user_delivery"].sel(user="agriculture").sum()) / MM3:,.0f} million m3. Honouring
the wetland's right as a hard minimum in 1402 (scenario basin-wetland-right) would leave
industry {river_draw(wetland):,.1f} million m3 of river water and cost
{wetland_cost / 1e6:,.0f} million USD of value added."""
display(Markdown(conclusion))

# %%
borkhar = "groundwater_isfahan_borkhar"
sealed_cost = value_added(year) - value_added(sealed)
kept = float(
    year["source_draw_total"].sel(source=borkhar) - sealed["source_draw_total"].sel(source=borkhar)
)
top = year["source_cap_shadow_price"].sel(source=PLAINS).max("period")
mehr = str(
    year["period_name"].values[int(year["source_cap_shadow_price"].sel(source=borkhar).argmax())]
)
assert float(year["unmet"].sum()) == float(sealed["unmet"].sum())  # no output lost
assert float(top.max() - top.min()) < 1e-6  # the river links the plains: one value
assert 0 < sealed_cost < kept * float(top.max())
assert (
    float(sealed["depletion"].sel(source=borkhar))
    < 0
    < float(year["depletion"].sel(source=borkhar))
)
base_top = float(base["source_cap_shadow_price"].sel(source=PLAINS).max())
plains_text = f"""**Groundwater by plain.** No plain binds on its own: every plant with wells but
Sepahan Cement can also take river water, so the river links the plains and a m3 is
worth the same on each (in 1402 {base_top:.2f} USD in
Khordad-Shahrivar, the pumping price gap to the river; in 1404 {float(top.max()):.2f} USD in
{mehr.split(" (")[0]}, when river and wells bind together). The plains' annual caps do not
bind. Industry draws beyond its assumed safe yield on every plain (1404: Lenjanat
{float(year["depletion"].sel(source=PLAINS[0])) / MM3:.1f}, Isfahan-Borkhar
{float(year["depletion"].sel(source=borkhar)) / MM3:.1f}, other plains
{float(year["depletion"].sel(source=PLAINS[2])) / MM3:.1f} million m3). Sealing half of
industry's wells on the Isfahan-Borkhar plain (a what-if) leaves {kept / MM3:.1f} million m3
in the aquifer, which then gains {-float(sealed["depletion"].sel(source=borkhar)) / MM3:.1f}
million m3 on industry's account, and costs {sealed_cost / 1e6:.1f} million USD of value
added a year ({sealed_cost / kept:.2f} USD per m3 kept), no output lost: Montazeri takes
river water the others give up, and Mobarakeh Steel, the refinery and the chemical and
manufacturing plants pay for more cooling cycles (M3)."""
display(Markdown(plains_text))
