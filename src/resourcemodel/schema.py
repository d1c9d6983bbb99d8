"""The single registry of dimensions, entity tables and parameters.

Validation, the formulation, plot labels, brief tables and the data-format documentation
all read from here. A parameter's canonical unit may depend on the row it is given for:
``"{resource}/{process.product}"`` means "the unit of the row's resource per unit of the
product of the row's process". Units of resources and products are declared in the
``resources.csv`` and ``products.csv`` tables of a case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Dimensions of the model, in the order they appear in arrays.
DIMS: dict[str, str] = {
    "period": "A time slice of the planning year (by default the 12 months jan..dec).",
    "plant": "An industrial site or an aggregate of small units of one sector.",
    "process": "A production route of one plant making one product.",
    "product": "A good made by processes; final (has demand) or intermediate.",
    "resource": "Something plants draw from sources: water, energy, materials.",
    "source": "One supply of one resource with its own caps (river, grid, pipeline gas...).",
    "group": "A named set of sources sharing a cap (e.g. freshwater = river + groundwater).",
    "measure": "A resource-saving measure a plant can adopt (share in [0, max_adoption]).",
    "pollutant": "Something plants emit, counted in tonnes (CO2, SO2, particulates...).",
    "reservoir": "A store of a source's resource carried from period to period (a dam).",
    "user": "A non-industrial user of a source (agriculture, drinking water, a wetland).",
}

#: Resource groups understood by reports.
RESOURCE_GROUPS = ("water", "energy", "material", "emission")

#: Confidence labels every shipped number must carry.
CONFIDENCE_LABELS = ("sourced", "estimate", "assumption")


@dataclass(frozen=True)
class EntitySpec:
    """An entity table: one row per label of a dimension.

    Attributes
    ----------
    dim : str
        The dimension whose labels the table defines.
    file : str
        File name inside a case folder.
    required : tuple of str
        Columns that must be present and non-empty.
    optional : tuple of str
        Columns that may be present.
    references : dict
        Column -> dimension it must refer to (e.g. ``{"plant": "plant"}``).
    table_required : bool
        Whether the file must exist in a case; a missing optional table means no labels.
    """

    dim: str
    file: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)
    table_required: bool = True


ENTITIES: dict[str, EntitySpec] = {
    "period": EntitySpec(
        "period",
        "periods.csv",
        ("period", "duration", "unit"),
        ("name", "name_fa", "reference", "confidence"),
    ),
    # lat/lon/county/estate locate a plant on maps only (see resourcemodel.locations).
    "plant": EntitySpec(
        "plant",
        "plants.csv",
        ("plant",),
        (
            "name",
            "name_fa",
            "sector",
            "note",
            "lat",
            "lon",
            "county",
            "estate",
            "location_reference",
            "location_confidence",
        ),
    ),
    "product": EntitySpec("product", "products.csv", ("product", "unit"), ("name", "name_fa")),
    "resource": EntitySpec(
        "resource", "resources.csv", ("resource", "group", "unit"), ("name", "name_fa")
    ),
    "source": EntitySpec(
        "source",
        "sources.csv",
        ("source", "resource"),
        ("name", "name_fa", "note"),
        {"resource": "resource"},
    ),
    "process": EntitySpec(
        "process",
        "processes.csv",
        ("process", "plant", "product"),
        ("name", "name_fa", "note"),
        {"plant": "plant", "product": "product"},
    ),
    "measure": EntitySpec(
        "measure",
        "measures.csv",
        ("measure",),
        ("name", "name_fa", "note", "source"),
        {"source": "source"},
        table_required=False,
    ),
    # Optional: a case without pollutants.csv counts no emissions and has no emission caps.
    "pollutant": EntitySpec(
        "pollutant",
        "pollutants.csv",
        ("pollutant",),
        ("name", "name_fa", "note"),
        table_required=False,
    ),
    # Optional: reservoirs (a dam feeding a source) and the source's other users.
    "reservoir": EntitySpec(
        "reservoir",
        "reservoirs.csv",
        ("reservoir", "source"),
        ("name", "name_fa", "note"),
        {"source": "source"},
        table_required=False,
    ),
    "user": EntitySpec(
        "user",
        "users.csv",
        ("user", "source"),
        ("name", "name_fa", "kind", "note"),
        {"source": "source"},
        table_required=False,
    ),
}

#: Membership tables (no numbers): which plant may draw on which source; which sources
#: form a capped group.
MEMBERSHIPS: dict[str, EntitySpec] = {
    "connection": EntitySpec(
        "connection",
        "connections.csv",
        ("plant", "source"),
        ("note", "reference", "confidence"),
        {"plant": "plant", "source": "source"},
    ),
    "group": EntitySpec(
        "group",
        "source_groups.csv",
        ("group", "source"),
        ("name", "name_fa", "note"),
        {"source": "source"},
    ),
}


@dataclass(frozen=True)
class ParameterSpec:
    """One numeric parameter.

    Attributes
    ----------
    name : str
        Parameter name, also the file stem (``capacity`` -> ``capacity.csv``).
    dims : tuple of str
        Dimensions, in array order.
    unit : str
        Canonical unit, possibly a template (see module docstring).
    default : float
        Value where no row is given. ``nan`` means absent (no variable, no row), which
        is not the same as zero.
    lower, upper : float
        Valid range of values (inclusive).
    description : str
        One sentence for docs and error messages.
    """

    name: str
    dims: tuple[str, ...]
    unit: str
    default: float
    lower: float = -math.inf
    upper: float = math.inf
    description: str = ""

    @property
    def file(self) -> str:
        """File name of the parameter's table inside a case folder."""
        return f"{self.name}.csv"


_INF = math.inf
_NAN = math.nan

PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in [
        ParameterSpec(
            "capacity",
            ("process",),
            "{process.product}/yr",
            _NAN,
            0,
            _INF,
            "Annual production capacity of a process; a process without one cannot run.",
        ),
        ParameterSpec(
            "availability",
            ("process", "period"),
            "fraction",
            1.0,
            0,
            1,
            "Share of capacity usable in a period (maintenance, seasonal limits).",
        ),
        ParameterSpec(
            "must_run",
            ("process", "period"),
            "fraction",
            0.0,
            0,
            1,
            "Minimum production as a share of the capacity available in the period.",
        ),
        ParameterSpec(
            "production_cost",
            ("process",),
            "USD/{process.product}",
            0.0,
            -_INF,
            _INF,
            "Variable production cost excluding the resources bought from sources.",
        ),
        ParameterSpec(
            "intensity",
            ("process", "resource"),
            "{resource}/{process.product}",
            0.0,
            -_INF,
            _INF,
            "Resource used per unit of product; negative means the process yields the "
            "resource at its plant (own power generation).",
        ),
        ParameterSpec(
            "intensity_season",
            ("process", "resource", "period"),
            "fraction",
            1.0,
            0,
            10,
            "Factor on the intensity in a period (e.g. more cooling-tower evaporation per MWh "
            "in summer); 1 where not given.",
        ),
        ParameterSpec(
            "product_input",
            ("process", "product"),
            "{product}/{process.product}",
            0.0,
            0,
            _INF,
            "Intermediate product consumed per unit of the process's product "
            "(DRI per tonne of EAF steel, clinker per tonne of cement).",
        ),
        ParameterSpec(
            "reserved_use",
            ("plant", "resource", "period"),
            "{resource}",
            0.0,
            0,
            _INF,
            "Use that must be covered regardless of production (e.g. green-space irrigation).",
        ),
        ParameterSpec(
            "source_cost",
            ("source", "period"),
            "USD/{source.resource}",
            0.0,
            -_INF,
            _INF,
            "Price paid per unit drawn from a source.",
        ),
        ParameterSpec(
            "source_cap",
            ("source", "period"),
            "{source.resource}",
            _INF,
            0,
            _INF,
            "Most that all plants together may draw from a source in a period.",
        ),
        ParameterSpec(
            "source_cap_annual",
            ("source",),
            "{source.resource}",
            _INF,
            0,
            _INF,
            "Most that all plants together may draw from a source over all periods.",
        ),
        ParameterSpec(
            "group_cap",
            ("group", "period"),
            "{group.resource}",
            _INF,
            0,
            _INF,
            "Most that all plants may draw from a group of sources in a period.",
        ),
        ParameterSpec(
            "group_cap_annual",
            ("group",),
            "{group.resource}",
            _INF,
            0,
            _INF,
            "Most that all plants may draw from a group of sources over all periods.",
        ),
        ParameterSpec(
            "contract",
            ("plant", "source"),
            "{source.resource}",
            _INF,
            0,
            _INF,
            "Most a plant may draw from one source over all periods (a contract or right).",
        ),
        ParameterSpec(
            "connection_cap",
            ("plant", "source", "period"),
            "{source.resource}",
            _INF,
            0,
            _INF,
            "Most a plant may draw from one source in a period (pipeline or intake size).",
        ),
        ParameterSpec(
            "permit",
            ("plant", "resource"),
            "{resource}",
            _INF,
            0,
            _INF,
            "A plant's annual permit for a resource over all its sources of that resource.",
        ),
        ParameterSpec(
            "demand",
            ("product", "period"),
            "{product}",
            _NAN,
            0,
            _INF,
            "Final demand for a product in a period; absent means an intermediate product.",
        ),
        ParameterSpec(
            "min_delivery",
            ("product", "period"),
            "fraction",
            0.0,
            0,
            1,
            "Share of demand that must be met (1 = hard demand; infeasible if it cannot).",
        ),
        ParameterSpec(
            "unmet_penalty",
            ("product",),
            "USD/{product}",
            _NAN,
            0,
            _INF,
            "An explicit social penalty per unit of demand not met, replacing the price "
            "(absent: a unit not delivered costs its price, so the loss is its value added); "
            "a price or a penalty is needed where demand may go unmet (min_delivery below 1).",
        ),
        ParameterSpec(
            "price",
            ("product",),
            "USD/{product}",
            _NAN,
            0,
            _INF,
            "Sale price: revenue of the value_added objective and the value of a unit of "
            "demand not met.",
        ),
        ParameterSpec(
            "max_adoption",
            ("plant", "measure"),
            "fraction",
            _NAN,
            0,
            1,
            "Largest share of a measure a plant can adopt; absent means not applicable.",
        ),
        ParameterSpec(
            "measure_cost",
            ("plant", "measure"),
            "USD/yr",
            0.0,
            0,
            _INF,
            "Annualised cost (capital and running) of adopting the whole measure.",
        ),
        ParameterSpec(
            "saving",
            ("plant", "measure", "resource"),
            "fraction",
            0.0,
            0,
            1,
            "Share of the plant's process use of a resource saved at full adoption.",
        ),
        ParameterSpec(
            "lead_time",
            ("plant", "measure"),
            "yr",
            0.0,
            0,
            50,
            "Years from the decision until a measure is in service; a scenario adopts it "
            "only if its [options] build_years is at least this long.",
        ),
        ParameterSpec(
            "measure_use",
            ("plant", "measure", "resource"),
            "{resource}/yr",
            0.0,
            0,
            _INF,
            "Extra resource use per year at full adoption (e.g. electricity of desalination).",
        ),
        ParameterSpec(
            "emission_factor",
            ("resource", "pollutant"),
            "t/{resource}",
            0.0,
            0,
            _INF,
            "Pollutant emitted per unit of the resource a plant draws from its sources "
            "(fuel burnt: t CO2 per GJ of gas); own generation and savings are thus counted.",
        ),
        ParameterSpec(
            "process_emission",
            ("process", "pollutant"),
            "t/{process.product}",
            0.0,
            0,
            _INF,
            "Pollutant emitted per unit of product besides the fuel drawn (calcination of "
            "limestone in a kiln, own fuel gas of a refinery).",
        ),
        ParameterSpec(
            "emission_cap",
            ("pollutant", "period"),
            "t",
            _INF,
            0,
            _INF,
            "Most that all plants together may emit of a pollutant in a period.",
        ),
        ParameterSpec(
            "emission_cap_annual",
            ("pollutant",),
            "t",
            _INF,
            0,
            _INF,
            "Most that all plants together may emit of a pollutant over all periods.",
        ),
        ParameterSpec(
            "jobs",
            ("process",),
            "job/({process.product}/yr)",
            _NAN,
            0,
            _INF,
            "Jobs per unit of annual output of a process (a plant's staff over its base "
            "output); absent means not counted. Reported, never optimised.",
        ),
        ParameterSpec(
            "source_available",
            ("source", "period"),
            "{source.resource}",
            _INF,
            0,
            _INF,
            "Water (or other resource) a source without a reservoir holds in a period for "
            "all its users together, industry's draws and other users' deliveries.",
        ),
        ParameterSpec(
            "safe_yield",
            ("source",),
            "{source.resource}",
            _NAN,
            0,
            _INF,
            "Renewable yield of a groundwater plain over all periods; what all users draw "
            "beyond it is reported as depletion (not a cap).",
        ),
        ParameterSpec(
            "source_closed",
            ("source",),
            "fraction",
            0.0,
            0,
            1,
            "1 for a source closed to new draw (a closed plain): a connection to it added "
            "by an overlay (a new plant or well) is refused.",
        ),
        ParameterSpec(
            "inflow",
            ("reservoir", "period"),
            "{reservoir.resource}",
            0.0,
            0,
            _INF,
            "Natural inflow into a reservoir in a period.",
        ),
        ParameterSpec(
            "storage_start",
            ("reservoir",),
            "{reservoir.resource}",
            0.0,
            0,
            _INF,
            "Storage at the start of the first period.",
        ),
        ParameterSpec(
            "storage_end",
            ("reservoir",),
            "{reservoir.resource}",
            0.0,
            0,
            _INF,
            "Least storage required at the end of the last period (carry-over).",
        ),
        ParameterSpec(
            "storage_min",
            ("reservoir", "period"),
            "{reservoir.resource}",
            0.0,
            0,
            _INF,
            "Least storage at the end of a period (dead storage, operating rule).",
        ),
        ParameterSpec(
            "storage_max",
            ("reservoir", "period"),
            "{reservoir.resource}",
            _INF,
            0,
            _INF,
            "Most storage at the end of a period (capacity); water above it spills.",
        ),
        ParameterSpec(
            "loss_rate",
            ("reservoir", "period"),
            "fraction",
            0.0,
            0,
            1,
            "Share of the storage at the start of a period lost in the period (evaporation).",
        ),
        ParameterSpec(
            "loss_fixed",
            ("reservoir", "period"),
            "{reservoir.resource}",
            0.0,
            0,
            _INF,
            "Volume lost from a reservoir in a period whatever its storage (evaporation, seepage).",
        ),
        ParameterSpec(
            "user_demand",
            ("user", "period"),
            "{user.resource}",
            0.0,
            0,
            _INF,
            "What a user of a source asks for in a period; deliveries never exceed it.",
        ),
        ParameterSpec(
            "user_value",
            ("user",),
            "USD/{user.resource}",
            0.0,
            0,
            _INF,
            "Value of a unit delivered to the user (the objective charges it per unit short).",
        ),
        ParameterSpec(
            "user_priority",
            ("user",),
            "dimensionless",
            0.0,
            0,
            100,
            "Priority tier of a user (0: by value only); each tier adds "
            "PRIORITY_STEP_USD_PER_M3 per unit short, above any economic value.",
        ),
        ParameterSpec(
            "user_min",
            ("user", "period"),
            "{user.resource}",
            0.0,
            0,
            _INF,
            "Least delivery to a user in a period: hard (a row) unless user_min_penalty is given.",
        ),
        ParameterSpec(
            "user_min_penalty",
            ("user",),
            "USD/{user.resource}",
            _NAN,
            0,
            _INF,
            "Penalty per unit delivered below user_min: makes the minimum soft (absent: hard).",
        ),
    ]
}

#: Columns every parameter table has besides its dimension columns.
VALUE_COLUMNS = ("value", "unit")
PROVENANCE_COLUMNS = ("reference", "confidence")
OPTIONAL_COLUMNS = ("note",)

#: Wildcard meaning "every label of this dimension" in a parameter table.
WILDCARD = "*"

#: Variables of the LP and the dims of their results arrays.
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "production": (("process", "period"), "{process.product}", "Production of each process."),
    "supply": (("plant", "source", "period"), "{source.resource}", "Draw from each source."),
    "adoption": (("plant", "measure"), "fraction", "Share of each measure adopted."),
    "saving_amount": (
        ("plant", "measure", "resource", "period"),
        "{resource}",
        "Resource saved by measures.",
    ),
    "delivery": (("product", "period"), "{product}", "Deliveries to final demand."),
    "storage": (("reservoir", "period"), "{reservoir.resource}", "Storage at period end."),
    "release": (("reservoir", "period"), "{reservoir.resource}", "Release to the source."),
    "spill": (("reservoir", "period"), "{reservoir.resource}", "Water spilled unused."),
    "user_delivery": (("user", "period"), "{user.resource}", "Delivered to each user."),
    "user_below_min": (("user", "period"), "{user.resource}", "Soft minimum not met."),
}
