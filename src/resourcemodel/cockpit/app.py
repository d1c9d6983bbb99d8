"""The live cockpit: sliders on the caps, a project switch, charts updated in place.

:class:`Cockpit` keeps one :class:`~resourcemodel.model.Model` per project state (without
and with the project's overlay), each warm in HiGHS. A slider or the switch re-solves the
model in use (:func:`resourcemodel.cockpit.levers.apply`), reads the numbers
(:func:`resourcemodel.cockpit.readout.read`) and replaces the data of the plotly
``FigureWidget`` traces and the headline: no chart is drawn again. "Save scenario" writes
the what-if as a scenario file (:meth:`Model.to_scenario`); "Make brief" writes an HTML
brief comparing it with the baseline (:func:`resourcemodel.brief`).

Everything a test needs works without a browser: :meth:`Cockpit.move` is what a slider
does, :attr:`Cockpit.readout` and the figures' data are what the page shows.
"""

from __future__ import annotations

import base64
import html
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bqplot as bq
import ipywidgets as ipw
import numpy as np
import xarray as xr

from resourcemodel.brief import brief
from resourcemodel.cockpit import levers as lv
from resourcemodel.cockpit import readout as ro
from resourcemodel.exceptions import ResourceModelError
from resourcemodel.model import Model

#: Planner names of the resources in the value chart, with the unit of one more unit's value.
_RESOURCE_TITLES = {
    "water": "Water (USD/m3)",
    "electricity": "Grid power (USD/MWh)",
    "natural_gas": "Pipeline gas (USD/GJ)",
}
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_BASE_GREY = "#9e9e9e"


class Cockpit:
    """Sliders, a project switch, charts and two buttons on warm models of one scenario.

    Parameters
    ----------
    scenario : str or Path
        The scenario the sliders start from (100% = its caps).
    project : str or Path, optional
        An overlay folder (a new plant or project) the switch adds.
    levers : sequence of Lever
        The sliders (default :data:`resourcemodel.cockpit.levers.ISFAHAN`).
    save_to : str or Path, optional
        Folder for saved scenario files; default the scenario's folder (a saved file must
        lie in that folder tree to extend it).
    briefs_to : str or Path, optional
        Folder for briefs; default ``results/briefs`` beside the scenario's folder.
    project_label : str
        What the switch says.
    """

    def __init__(
        self,
        scenario: str | Path,
        *,
        project: str | Path | None = None,
        levers: Sequence[lv.Lever] = lv.ISFAHAN,
        save_to: str | Path | None = None,
        briefs_to: str | Path | None = None,
        project_label: str = "New 1 Mt/yr DRI-EAF steel plant",
    ) -> None:
        scenario = Path(scenario)
        self.levers = tuple(levers)
        self.models = {False: Model(scenario)}
        if project is not None:
            self.models[True] = Model(scenario, overlays=[project])
        folder = scenario.parent if scenario.is_file() else Path.cwd()
        self.save_to = Path(save_to) if save_to is not None else folder
        self.briefs_to = (
            Path(briefs_to) if briefs_to is not None else folder.parent / "results" / "briefs"
        )
        # The baseline beside every chart: the scenario as it is, without the project.
        self.baseline = self.models[False].solve(ranging=True)
        starts = [self.baseline] + [m.solve() for key, m in self.models.items() if key]
        self.layout = ro.layout(starts, self.models[False].base_inputs)
        self.base_readout = ro.read(self.baseline, self.layout)
        self.values = {lever.name: 1.0 for lever in self.levers}
        self.project_on = False
        self.results: xr.Dataset = self.baseline
        self.readout = self.base_readout
        self.timings: dict[str, float] = {}
        self.solves = 0  # shown in the page (``data-solves``): each solve changes it
        self._build_widgets(project_label if project is not None else None)
        self._draw(self.readout)
        self._headline(self.readout, "Baseline.")

    # -- what the sliders and buttons do -------------------------------------------------
    @property
    def model(self) -> Model:
        """The model in use (with or without the project)."""
        return self.models[self.project_on]

    def move(self, project: bool | None = None, **values: float) -> ro.Readout:
        """Set levers (shares, 1 = the scenario's cap) and the project; solve and redraw.

        Parameters
        ----------
        project : bool, optional
            Switch the project on or off.
        **values : float
            Lever name -> share of the scenario's value.

        Returns
        -------
        Readout
            What the charts now show.
        """
        unknown = set(values) - set(self.values)
        if unknown:
            msg = f"unknown lever(s) {sorted(unknown)}; the levers are {list(self.values)}."
            raise ResourceModelError(msg)
        if project is not None and project not in self.models:
            raise ResourceModelError("this cockpit has no project to switch on.")
        self.values.update({k: float(v) for k, v in values.items()})
        if project is not None:
            self.project_on = bool(project)
        self._syncing = True
        try:  # the widgets follow a programmatic move (no second solve)
            for lever in self.levers:
                self.sliders[lever.name].value = round(self.values[lever.name] * 100)
            if self.switch is not None:
                self.switch.value = self.project_on
        finally:
            self._syncing = False
        return self.update()

    def update(self) -> ro.Readout:
        """Solve the model in use with the levers as they are, then update the page."""
        start = time.perf_counter()
        model = self.model
        try:
            lv.apply(model, self.levers, self.values)
            res = model.solve()
        except ResourceModelError as err:
            self._say(f"Not solved: {err}", error=True)
            return self.readout
        solved = time.perf_counter()
        if res.attrs.get("status") != "optimal":
            self._say(
                f"No plan meets every hard limit with these caps ({res.attrs.get('status')}); "
                "the charts still show the last solved plan. Run `resourcemodel explain` on "
                "the saved scenario for the cheapest repair.",
                error=True,
            )
            return self.readout
        out = ro.read(res, self.layout)
        read = time.perf_counter()
        self._draw(out)
        drawn = time.perf_counter()
        self.results, self.readout = res, out
        self.solves += 1
        self.timings = {
            **model.timings,
            "readout": read - solved,
            "charts": drawn - read,
            "total": drawn - start,
        }
        self._headline(out, f"Solved in {1000 * (drawn - start):.0f} ms ({model.mode}).")
        return out

    def save(self, name: str | None = None) -> Path:
        """Write the what-if as ``<save_to>/<name>.toml`` (extends the scenario)."""
        name = _file_name(name or self.name_box.value)
        path = self.model.to_scenario(self.save_to / f"{name}.toml")
        self._say(f"Saved scenario {path} (run it: resourcemodel run {path}).")
        return path

    def make_brief(self, name: str | None = None, lang: str | None = None) -> Path:
        """Write an HTML brief of the what-if against the baseline; return its path."""
        name = _file_name(name or self.name_box.value)
        lang = lang or self.lang.value
        self.update()
        full = self.model.solve(ranging=True)  # where each shadow price holds, for the brief
        self.briefs_to.mkdir(parents=True, exist_ok=True)
        target = self.briefs_to / f"{name}.{lang}.html"
        brief([self.baseline, full], lang=lang, format="html", out=target)
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        link = (
            f'<a download="{target.name}" href="data:text/html;base64,{data}">'
            f"download {html.escape(target.name)}</a>"
        )
        self._say(f"Brief written to {html.escape(str(target))}: {link}", markup=True)
        return target

    # -- the page --------------------------------------------------------------------
    def widget(self) -> ipw.Widget:
        """Return the whole cockpit as one widget (for a notebook or a Voila page)."""
        return self.page

    def _build_widgets(self, project_label: str | None) -> None:
        self._syncing = False
        self.sliders: dict[str, ipw.IntSlider] = {}
        for lever in self.levers:
            slider = ipw.IntSlider(
                value=100,
                min=round(lever.low * 100),
                max=round(lever.high * 100),
                step=round(lever.step * 100),
                description=f"{lever.label} (%)",
                continuous_update=False,
                style={"description_width": "200px"},
                layout=ipw.Layout(width="520px"),
            )
            slider.add_class(f"rm-lever-{lever.name}")
            slider.observe(self._on_slider, names="value")
            self.sliders[lever.name] = slider
        self.switch: ipw.Checkbox | None = None
        if project_label is not None:
            self.switch = ipw.Checkbox(
                value=False,
                description=f"Project on: {project_label}",
                indent=False,
                layout=ipw.Layout(width="520px"),
            )
            self.switch.observe(self._on_switch, names="value")
        self.name_box = ipw.Text(
            value="cockpit-what-if", description="Name", layout=ipw.Layout(width="300px")
        )
        self.lang = ipw.Dropdown(
            options=[("English", "en"), ("Persian", "fa")],
            value="en",
            description="Brief",
            layout=ipw.Layout(width="200px"),
        )
        save = ipw.Button(description="Save scenario", icon="save")
        save.on_click(lambda _: self._guard(self.save))
        make = ipw.Button(description="Make brief", icon="file")
        make.on_click(lambda _: self._guard(self.make_brief))
        self.message = ipw.HTML()
        self.message.add_class("rm-message")
        self.head = ipw.HTML()
        self.head.add_class("rm-headline")
        self.figures = self._figures()
        controls = ipw.VBox(
            [
                ipw.HTML("<b>Caps, as a share of the scenario's</b>"),
                *self.sliders.values(),
                *([self.switch] if self.switch is not None else []),
                ipw.HBox([self.name_box, save]),
                ipw.HBox([self.lang, make]),
                self.message,
            ]
        )
        charts = {
            k: ipw.VBox(
                [f, self.legends[k]], layout=ipw.Layout(width=f.layout.width, overflow="hidden")
            )
            for k, f in self.figures.items()
        }
        caps = [chart for key, chart in charts.items() if key.startswith("caps_")]
        self.page = ipw.VBox(
            [
                ipw.HBox([controls, self.head]),
                ipw.HBox([charts["sectors"], charts["water"]]),
                ipw.HTML(
                    "<b>Value of one more unit of each cap by month</b> (0: not binding;"
                    " dotted: baseline)"
                ),
                ipw.HBox(caps),
            ]
        )

    def _figures(self) -> dict[str, bq.Figure]:
        """Build the charts once; :meth:`_draw` only replaces the what-if marks' data."""
        lay, base = self.layout, self.base_readout
        figures: dict[str, bq.Figure] = {}
        self.marks: dict[str, bq.Mark] = {}
        self.legends: dict[str, ipw.HTML] = {}
        sectors = [s.replace("_", " ") for s in lay.sectors]
        x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=1.0)
        self.marks["sectors"] = bq.Bars(
            x=sectors,
            y=np.vstack([base.output_lost, base.output_lost, base.value_added * 0]),
            scales={"x": x, "y": y},
            type="grouped",
            orientation="horizontal",
            colors=[_BASE_GREY, _COLOURS[3], _COLOURS[1]],
        )
        figures["sectors"] = _figure(
            "Lost by sector (million USD a year)",
            [self.marks["sectors"]],
            bq.Axis(scale=x, side="left"),
            bq.Axis(scale=y, side="bottom", label="million USD a year", tick_format=",.0f"),
            left=110,
        )
        self.legends["sectors"] = _legend(
            [
                ("output lost, baseline", _BASE_GREY, False),
                ("output lost, what-if", _COLOURS[3], False),
                ("value added lost against the baseline", _COLOURS[1], False),
            ]
        )
        months = [m.split(" ")[0] for m in lay.period_names]
        colours = [_COLOURS[k % len(_COLOURS)] for k in range(len(lay.water_sources))]
        x, y = bq.OrdinalScale(), bq.LinearScale(min=0)
        self.marks["water"] = bq.Lines(
            x=months,
            y=base.water,
            scales={"x": x, "y": y},
            colors=colours,
            stroke_width=2.5,
        )
        baseline = bq.Lines(
            x=months,
            y=base.water,
            scales={"x": x, "y": y},
            colors=colours,
            line_style="dotted",
            opacities=[0.7] * len(colours),
        )
        figures["water"] = _figure(
            "Water drawn by source and month (Mm3)",
            [baseline, self.marks["water"]],
            bq.Axis(scale=x, tick_rotate=-45),
            bq.Axis(scale=y, side="left", label="Mm3", tick_format=",.1f"),
        )
        self.legends["water"] = _legend(
            [(_short(s), c, False) for s, c in zip(lay.water_sources, colours, strict=True)]
            + [("baseline", _BASE_GREY, True)]
        )
        for resource in dict.fromkeys(c.resource for c in lay.caps):
            rows = [k for k, c in enumerate(lay.caps) if c.resource == resource]
            colours = [_COLOURS[k % len(_COLOURS)] for k in range(len(rows))]
            unit = lay.caps[rows[0]].unit
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0)
            self.marks[f"caps_{resource}"] = bq.Lines(
                x=months,
                y=base.cap_value[rows],
                scales={"x": x, "y": y},
                colors=colours,
                stroke_width=2.5,
            )
            baseline = bq.Lines(
                x=months,
                y=base.cap_value[rows],
                scales={"x": x, "y": y},
                colors=colours,
                line_style="dotted",
                opacities=[0.7] * len(rows),
            )
            figures[f"caps_{resource}"] = _figure(
                _RESOURCE_TITLES.get(resource, f"{resource} (USD/{unit})"),
                [baseline, self.marks[f"caps_{resource}"]],
                bq.Axis(scale=x, tick_rotate=-45),
                bq.Axis(scale=y, side="left", label=f"USD/{unit}", tick_format=",.2~f"),
                width="380px",
            )
            self.legends[f"caps_{resource}"] = _legend(
                [(_short(lay.caps[k].label), c, False) for k, c in zip(rows, colours, strict=True)]
                + [("baseline", _BASE_GREY, True)]
            )
        return figures

    def _draw(self, out: ro.Readout) -> None:
        """Replace the what-if marks' data (the baseline marks never change)."""
        base = self.base_readout
        marks = self.marks
        bars = np.vstack([base.output_lost, out.output_lost, base.value_added - out.value_added])
        scale = marks["sectors"].scales["y"]
        with marks["sectors"].hold_sync(), scale.hold_sync():
            # An explicit range: a scale left to find it from all-zero bars stays at zero.
            scale.min = min(0.0, float(bars.min()) * 1.1)
            scale.max = max(1.0, float(bars.max()) * 1.1)
            marks["sectors"].y = bars
        marks["water"].y = out.water
        for resource in dict.fromkeys(c.resource for c in self.layout.caps):
            rows = [k for k, c in enumerate(self.layout.caps) if c.resource == resource]
            marks[f"caps_{resource}"].y = out.cap_value[rows]

    def _headline(self, out: ro.Readout, status: str) -> None:
        base = self.base_readout.totals
        now = out.totals
        change = now["value_added"] - base["value_added"]
        rows = [
            (
                "Value added",
                "rm-value-added",
                f"{now['value_added']:,.0f}",
                "million USD",
                f"{base['value_added']:,.0f}",
            ),
            (
                "Change against the baseline",
                "rm-value-added-change",
                f"{change:+,.0f}",
                "million USD",
                "",
            ),
            (
                "Output lost",
                "rm-output-lost",
                f"{now['output_lost']:,.0f}",
                "million USD",
                f"{base['output_lost']:,.0f}",
            ),
            (
                "Fresh water drawn",
                "rm-freshwater",
                f"{now['freshwater']:,.1f}",
                "Mm3",
                f"{base['freshwater']:,.1f}",
            ),
        ]
        cells = "".join(
            f"<tr><td>{label}</td><td id='{key}' style='text-align:right'><b>{value}</b></td>"
            f"<td>{unit}</td><td style='text-align:right;color:#777'>{was}</td></tr>"
            for label, key, value, unit, was in rows
        )
        spec = self.model.scenario
        title = spec.texts.get("title", spec.name) if spec else self.model.name
        project = " with the project" if self.project_on else ""
        self.head.value = (
            f"<div style='padding-left:24px'><h3 style='margin:0'>What-if on "
            f"{html.escape(title)}{project}</h3><table><tr><th></th><th>what-if</th><th></th><th>baseline</th></tr>"
            f"{cells}</table><p id='rm-status' data-solves='{self.solves}' style='color:#555'>"
            f"{html.escape(status)}</p></div>"
        )

    # -- events ----------------------------------------------------------------------
    def _on_slider(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        for name, slider in self.sliders.items():
            self.values[name] = slider.value / 100
        self.update()

    def _on_switch(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self.project_on = bool(change["new"])
        self.update()

    def _guard(self, action: Any) -> None:
        try:
            action()
        except (ResourceModelError, OSError) as err:
            self._say(f"Could not do it: {err}", error=True)

    def _say(self, text: str, *, error: bool = False, markup: bool = False) -> None:
        colour = "#b00020" if error else "#1b5e20"
        body = text if markup else html.escape(text)
        self.message.value = f"<span style='color:{colour}'>{body}</span>"


def _file_name(name: str) -> str:
    """Return ``name`` as a safe file stem (letters, digits, ``-`` and ``_``)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-")
    if not stem:
        raise ResourceModelError("give a name of letters, digits, '-' or '_'.")
    return stem


def _figure(
    title: str,
    marks: list[bq.Mark],
    x_axis: bq.Axis,
    y_axis: bq.Axis,
    *,
    width: str = "580px",
    left: int = 65,
) -> bq.Figure:
    return bq.Figure(
        marks=marks,
        axes=[x_axis, y_axis],
        title=title,
        fig_margin={"top": 50, "bottom": 70, "left": left, "right": 20},
        layout=ipw.Layout(width=width, height="420px"),
        animation_duration=0,
    )


def _legend(entries: list[tuple[str, str, bool]]) -> ipw.HTML:
    """Return a legend for under a chart: (name, colour, dotted) per series."""
    items = "".join(
        f"<span style='margin-right:14px;white-space:nowrap'><span style='display:inline-block;"
        f"width:18px;border-top:3px {'dotted' if dotted else 'solid'} {colour};"
        f"vertical-align:middle;margin-right:4px'></span>{html.escape(name)}</span>"
        for name, colour, dotted in entries
    )
    return ipw.HTML(f"<div style='font-size:12px;margin-left:60px'>{items}</div>")


def _short(label: str) -> str:
    """Return a label as a short name (``river_zayandeh`` -> ``River zayandeh``)."""
    return label.replace("_", " ").capitalize()
