"""The labels people read: translations (English and Persian), numbers, titles, cap names.

The one translation table of briefs, charts and maps, and their formatting. Charts
(:mod:`resourcemodel.plots`, :mod:`resourcemodel.plots_maps`) and briefs
(:mod:`resourcemodel.brief`) both import it; it imports neither (``resourcemodel.brief.i18n``
is this module under its old name). Every label a brief or a chart prints comes from
:data:`STRINGS` through :func:`text`; a key without a translation raises
:class:`MissingTranslationError`, so a Persian brief can never fall back to an English word.
Names of plants, products, sources... come from the data (``plant_name_fa`` and friends, see
:func:`display_name`). Numbers are written with Persian digits and separators in Persian,
dates in the Jalali calendar.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import xarray as xr

from resourcemodel.exceptions import ResourceModelError
from resourcemodel.units import SPELLED_OUT

#: Languages a brief can be written in.
LANGUAGES = ("en", "fa")

#: Unicode isolates: keep a signed number left-to-right inside right-to-left text.
LRI, PDI = "\u2066", "\u2069"

_FA_DIGITS = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")


class MissingTranslationError(ResourceModelError, KeyError):
    """A label has no translation in the requested language."""

    def __str__(self) -> str:
        return str(self.args[0])


STRINGS: dict[str, dict[str, str]] = {
    # Titles and headings
    "title_single": {"en": "Policy brief: {scenario}", "fa": "گزارش سیاستی: {scenario}"},
    "title_comparison": {
        "en": "Policy brief: {scenarios} compared with {baseline}",
        "fa": "گزارش سیاستی: مقایسهٔ {scenarios} با {baseline}",
    },
    "prepared": {
        "en": "Prepared {date} with package version {version}; the run card is in the appendix.",
        "fa": "تهیه‌شده در {date} با نسخهٔ {version} بسته؛ کارت اجرا در پیوست آمده است.",
    },
    "key_messages": {"en": "Key messages", "fa": "پیام‌های اصلی"},
    "key_figures": {"en": "Key figures for the planning year", "fa": "ارقام کلیدی سال برنامه"},
    "charts": {"en": "Charts", "fa": "نمودارها"},
    "binding_caps": {
        "en": "Binding caps and what one more unit is worth",
        "fa": "سقف‌های الزام‌آور و ارزش یک واحد بیشتر",
    },
    "measures": {"en": "Resource-saving measures", "fa": "اقدامات صرفه‌جویی منابع"},
    "scenario_changes": {
        "en": "What the scenario changes",
        "fa": "آنچه سناریو تغییر می‌دهد",
    },
    "caveats_title": {
        "en": "Caveats: how firm are these numbers?",
        "fa": "ملاحظات: این ارقام تا چه حد قطعی‌اند؟",
    },
    "appendix_title": {"en": "Appendix: run card", "fa": "پیوست: کارت اجرا"},
    "page": {"en": "Page", "fa": "صفحه"},
    "of": {"en": "of", "fa": "از"},
    "baseline": {"en": "baseline", "fa": "پایه"},
    "and": {"en": "and", "fa": "و"},
    "list_sep": {"en": ", ", "fa": "، "},
    "none": {"en": "none", "fa": "هیچ"},
    # Table columns
    "col_indicator": {"en": "Indicator", "fa": "شاخص"},
    "col_value": {"en": "Value", "fa": "مقدار"},
    "col_unit": {"en": "Unit", "fa": "واحد"},
    "col_cap_share": {"en": "Share of cap", "fa": "سهم از سقف"},
    "col_cap": {"en": "Cap", "fa": "سقف"},
    "col_limit": {"en": "Limit", "fa": "حد"},
    "col_worth": {"en": "One more unit is worth", "fa": "ارزش یک واحد بیشتر"},
    "col_holds": {"en": "Holds for a cap between", "fa": "معتبر برای سقف بین"},
    "worth_kink": {
        "en": "{more}\none less costs {less}",
        "fa": "{more}\nهزینهٔ یک واحد کمتر: {less}",
    },
    "worth_kink_infeasible": {
        "en": "{more}\nless is infeasible",
        "fa": "{more}\nکمتر ناممکن است",
    },
    "holds_for_less": {"en": "{range}\n(one less)", "fa": "{range}\n(یک واحد کمتر)"},
    "holds_for_more": {"en": "{range}\n(one more)", "fa": "{range}\n(یک واحد بیشتر)"},
    "col_measure": {"en": "Measure", "fa": "اقدام"},
    "col_plant": {"en": "Plant", "fa": "واحد صنعتی"},
    "col_adopted": {"en": "Adopted", "fa": "پذیرش"},
    "col_cost": {"en": "Annual cost", "fa": "هزینهٔ سالانه"},
    "col_saves": {"en": "Saves", "fa": "صرفه‌جویی"},
    "col_parameter": {"en": "Parameter", "fa": "پارامتر"},
    "col_element": {"en": "Applies to", "fa": "مورد"},
    "col_before": {"en": "Before", "fa": "پیش از تغییر"},
    "col_after": {"en": "After", "fa": "پس از تغییر"},
    "col_origin": {"en": "Set in", "fa": "منشأ"},
    "col_item": {"en": "Item", "fa": "مورد"},
    "range": {"en": "{lower} to {upper}", "fa": "{lower} تا {upper}"},
    "range_dash": {"en": "–", "fa": " تا "},
    "every_month": {"en": "every month", "fa": "همهٔ ماه‌ها"},
    "every_period": {"en": "every period", "fa": "همهٔ دوره‌ها"},
    "unbounded_above": {"en": "no upper end", "fa": "بدون حد بالا"},
    "not_known": {"en": "not known", "fa": "نامعلوم"},
    "absent": {"en": "absent", "fa": "ندارد"},
    "no_limit": {"en": "no cap", "fa": "بدون سقف"},
    # Sections of the key figures
    "sec_output": {"en": "Output delivered", "fa": "تولید تحویل‌شده"},
    "sec_water": {"en": "Water by source", "fa": "آب به تفکیک منبع"},
    "sec_energy": {"en": "Energy by source", "fa": "انرژی به تفکیک منبع"},
    "sec_cost": {"en": "Cost", "fa": "هزینه"},
    "sec_unmet": {"en": "Unmet demand", "fa": "تقاضای تأمین‌نشده"},
    "sec_impact": {"en": "Emissions and jobs", "fa": "انتشار آلاینده‌ها و اشتغال"},
    "row_emission": {"en": "{pollutant} emitted", "fa": "انتشار {pollutant}"},
    "row_jobs": {"en": "Jobs supported by the output", "fa": "اشتغال وابسته به تولید"},
    "row_jobs_unmet": {
        "en": "Jobs of the output not delivered",
        "fa": "اشتغال وابسته به تولید تحویل‌نشده",
    },
    "row_total_water": {"en": "All water", "fa": "کل آب"},
    "row_generated": {"en": "{resource} made on site", "fa": "{resource} تولیدشده در محل"},
    "row_cost_total": {"en": "Total cost", "fa": "هزینهٔ کل"},
    "row_cost_production": {"en": "of which production", "fa": "از آن: تولید"},
    "row_cost_supply": {"en": "of which resources bought", "fa": "از آن: خرید منابع"},
    "row_cost_measures": {
        "en": "of which resource-saving measures",
        "fa": "از آن: اقدامات صرفه‌جویی",
    },
    "row_unmet_penalty": {
        "en": "Sales lost (unmet demand at its price, or at a penalty the scenario sets)",
        "fa": "فروش ازدست‌رفته (تقاضای تأمین‌نشده به قیمت آن یا جریمه‌ای که سناریو تعیین کند)",
    },
    "row_value_added": {
        "en": "Value added (sales minus the modelled costs)",
        "fa": "ارزش افزوده (فروش منهای هزینه‌های مدل)",
    },
    "row_revenue": {"en": "Revenue", "fa": "درآمد"},
    "percentage_points": {"en": "percentage points", "fa": "واحد درصد"},
    "row_unmet_share": {
        "en": "Largest unmet share of one product's demand",
        "fa": "بیشترین سهم تأمین‌نشده از تقاضای یک محصول",
    },
    "row_unmet_product": {"en": "{product}, not delivered", "fa": "{product}، تحویل‌نشده"},
    "fig_unchanged": {
        "en": "The same in every scenario: {items}.",
        "fa": "در همهٔ سناریوها یکسان: {items}.",
    },
    # Key messages
    "msg_all_met": {"en": "All final demand is met.", "fa": "همهٔ تقاضای نهایی تأمین می‌شود."},
    "msg_unmet": {
        "en": "{n} of {m} products fall short; the largest shortfall is {product}: "
        "{share} of its demand ({amount}).",
        "fa": "{n} محصول از {m} محصول کمبود دارد؛ بیشترین کمبود مربوط به {product} است: "
        "{share} از تقاضای آن ({amount}).",
    },
    "msg_top_cap": {
        "en": "{subject}: the most valuable cap is {cap}; one more unit is worth {price}, "
        "as long as the cap stays between {lower} and {upper}.",
        "fa": "{subject}: باارزش‌ترین سقف، {cap} است؛ هر واحد بیشتر {price} می‌ارزد، تا "
        "وقتی سقف بین {lower} و {upper} بماند.",
    },
    "msg_top_cap_no_range": {
        "en": "{subject}: the most valuable cap is {cap}; one more unit is worth {price}.",
        "fa": "{subject}: باارزش‌ترین سقف، {cap} است؛ هر واحد بیشتر {price} می‌ارزد.",
    },
    "msg_top_cap_kink": {
        "en": "{subject}: the most valuable cap is {cap}. It sits at a kink: one more unit "
        "is worth {more}, one unit less costs {less}.",
        "fa": "{subject}: باارزش‌ترین سقف، {cap} است و در نقطهٔ شکست قرار دارد: هر واحد "
        "بیشتر {more} می‌ارزد و هر واحد کمتر {less} هزینه دارد.",
    },
    "msg_binding_count": {
        "en": "{n} caps bind (each period counted separately).",
        "fa": "{n} سقف الزام‌آور است (هر دوره جداگانه شمرده شده).",
    },
    "msg_no_binding": {
        "en": "No cap binds: the caps do not limit this plan.",
        "fa": "هیچ سقفی الزام‌آور نیست: سقف‌ها این برنامه را محدود نمی‌کنند.",
    },
    "msg_tightest": {
        "en": "The tightest source is {source}: {share} of its cap is used.",
        "fa": "تنگ‌ترین منبع {source} است: {share} از سقف آن مصرف می‌شود.",
    },
    "msg_cost": {
        "en": "Total cost is {cost}, of which {measures} for resource-saving measures.",
        "fa": "هزینهٔ کل {cost} است که {measures} از آن صرف اقدامات صرفه‌جویی می‌شود.",
    },
    "msg_change": {
        "en": "{scenario} against {baseline}: value added {value_added} (sales lost to unmet "
        "demand {unmet}; costs paid {cost}, as less is made), water drawn {water}.",
        "fa": "{scenario} در برابر {baseline}: ارزش افزوده {value_added} (فروش ازدست‌رفته "
        "{unmet}؛ هزینهٔ پرداختی {cost}، چون کمتر تولید می‌شود)، آب برداشت‌شده {water}.",
    },
    "msg_cap_item": {"en": "{cap} {price}", "fa": "{cap} {price}"},
    "msg_caps_short": {
        "en": "One more unit is worth most on: {items}.",
        "fa": "بیشترین ارزش یک واحد بیشتر: {items}.",
    },
    "list_semicolon": {"en": "; ", "fa": "؛ "},
    "msg_measures": {
        "en": "{n} measures adopted for {cost} a year, the largest {measure} at {plant} "
        "({largest}).",
        "fa": "{n} اقدام با هزینهٔ سالانهٔ {cost} پذیرفته شده؛ بزرگ‌ترین آن‌ها {measure} در "
        "{plant} ({largest}).",
    },
    "msg_measures_none": {"en": "No measure is adopted.", "fa": "هیچ اقدامی پذیرفته نشده است."},
    "msg_not_optimal": {
        "en": "{scenario} has no optimal solution (solver status: {status}). The caps, "
        "must-run levels and minimum deliveries clash; relax one of them.",
        "fa": "سناریوی {scenario} جواب بهینه ندارد (وضعیت حل: {status}). سقف‌ها، حداقل "
        "تولید الزامی و حداقل تحویل با هم ناسازگارند؛ یکی از آن‌ها را کاهش دهید.",
    },
    "unchanged": {"en": "unchanged", "fa": "بدون تغییر"},
    # Charts
    "chart_cap_use_title": {
        "en": "Use against caps by period",
        "fa": "مصرف در برابر سقف در هر دوره",
    },
    "chart_cap_use_y": {"en": "Share of cap used (%)", "fa": "سهم مصرف‌شده از سقف (٪)"},
    "chart_cap_line": {"en": "cap", "fa": "سقف"},
    "chart_no_caps": {
        "en": "No cap per period in this case",
        "fa": "در این مورد سقف دوره‌ای وجود ندارد",
    },
    "chart_resource_title": {
        "en": "{resource} drawn, by source",
        "fa": "{resource} برداشت‌شده به تفکیک منبع",
    },
    "chart_resource_title_cmp": {
        "en": "{resource} drawn per period, by scenario",
        "fa": "{resource} برداشت‌شده در هر دوره به تفکیک سناریو",
    },
    "chart_per_period": {"en": "{unit} per period", "fa": "{unit} در هر دوره"},
    "chart_group_cap": {"en": "cap: {group}", "fa": "سقف: {group}"},
    "chart_no_resource": {
        "en": "Nothing of this resource is drawn",
        "fa": "از این منبع برداشتی نمی‌شود",
    },
    "chart_head_title": {
        "en": "What each scenario gains and loses in the year",
        "fa": "دستاورد و زیان هر سناریو در سال",
    },
    "chart_head_value_added": {"en": "Value added", "fa": "ارزش افزوده"},
    "chart_head_sales_lost": {
        "en": "Sales lost to unmet demand",
        "fa": "فروش ازدست‌رفته بر اثر تقاضای تأمین‌نشده",
    },
    "chart_head_water": {"en": "Water drawn", "fa": "آب برداشت‌شده"},
    "chart_head_drawn": {"en": "{resource} drawn", "fa": "{resource} برداشت‌شده"},
    "chart_water_capped": {
        "en": "Drawn under the cap: {sources}",
        "fa": "برداشت زیر سقف: {sources}",
    },
    "chart_water_all": {"en": "{resource} drawn", "fa": "{resource} برداشت‌شده"},
    "chart_water_uncapped": {
        "en": "Outside that cap: {sources}",
        "fa": "خارج از آن سقف: {sources}",
    },
    "chart_drawn": {"en": "drawn", "fa": "برداشت"},
    "chart_measures_cost_title": {
        "en": "Measures adopted, by annual cost",
        "fa": "اقدامات پذیرفته‌شده به ترتیب هزینهٔ سالانه",
    },
    "chart_measures_cost_x": {"en": "Annual cost ({unit})", "fa": "هزینهٔ سالانه ({unit})"},
    "chart_more": {
        "en": "(largest {shown} of {total})",
        "fa": "(بزرگ‌ترین {shown} مورد از {total})",
    },
    "chart_saves": {"en": "saves {amount}", "fa": "صرفه‌جویی {amount}"},
    "measures_more": {
        "en": "{n} more measures adopted, each costing less than those shown.",
        "fa": "{n} اقدام دیگر نیز پذیرفته شده که هزینهٔ هر یک کمتر از موارد نشان‌داده‌شده است.",
    },
    "chart_output_title": {"en": "Output by plant", "fa": "تولید به تفکیک واحد صنعتی"},
    "chart_output_x": {"en": "Output per year ({unit})", "fa": "تولید سالانه ({unit})"},
    "chart_no_output": {"en": "No final product is made", "fa": "هیچ محصول نهایی تولید نمی‌شود"},
    "chart_other_units": {
        "en": "Also made (other units): {items}.",
        "fa": "سایر محصولات (با واحدهای دیگر): {items}.",
    },
    "chart_measures_title": {
        "en": "Resource-saving measures adopted",
        "fa": "اقدامات صرفه‌جویی پذیرفته‌شده",
    },
    "chart_measures_x": {"en": "Share adopted (%)", "fa": "سهم پذیرش (٪)"},
    "chart_no_measures": {
        "en": "No measure is adopted",
        "fa": "هیچ اقدامی پذیرفته نشده است",
    },
    "chart_shadow_title": {
        "en": "Value of one more unit of each binding cap, and where it holds",
        "fa": "ارزش یک واحد بیشتر از هر سقف الزام‌آور و بازهٔ اعتبار آن",
    },
    "chart_shadow_x": {
        "en": "Cap level over which the value holds (% of today's cap)",
        "fa": "بازهٔ سقف که این ارزش در آن برقرار است (٪ سقف فعلی)",
    },
    "chart_today": {"en": "today's cap", "fa": "سقف فعلی"},
    "chart_no_binding": {"en": "No cap is binding", "fa": "هیچ سقفی الزام‌آور نیست"},
    # Sensitivity
    # Portfolio of half-finished projects
    "pf_heading": {
        "en": "Half-finished projects: which to complete under the caps",
        "fa": "طرح‌های نیمه‌تمام: کدام‌ها زیر سقف‌ها تکمیل شوند",
    },
    "pf_heading_synthetic": {
        "en": "Half-finished projects: which to complete under the caps "
        "(SYNTHETIC register, not the province's projects)",
        "fa": "طرح‌های نیمه‌تمام: کدام‌ها زیر سقف‌ها تکمیل شوند (فهرست ساختگی، نه طرح‌های واقعی استان)",
    },
    "pf_summary": {
        "en": "{n} of {total} projects completed: {investment} of remaining investment, "
        "{water} of freshwater a year, {jobs} jobs.",
        "fa": "{n} طرح از {total} طرح تکمیل می‌شود: {investment} سرمایه‌گذاری باقی‌مانده، "
        "{water} آب شیرین در سال، {jobs} شغل.",
    },
    "pf_col_project": {"en": "Project", "fa": "طرح"},
    "pf_col_sector": {"en": "Sector", "fa": "بخش"},
    # Sectors of the project register (portfolio/sector_defaults.csv).
    "sector_steel": {"en": "Steel", "fa": "فولاد"},
    "sector_cement": {"en": "Cement", "fa": "سیمان"},
    "sector_chemicals": {"en": "Chemicals", "fa": "مواد شیمیایی"},
    "sector_food_textile": {"en": "Food and textiles", "fa": "غذایی و نساجی"},
    "sector_minerals_mining": {"en": "Minerals and mining", "fa": "کانی و معدن"},
    "sector_manufacturing": {"en": "Manufacturing", "fa": "ساخت و تولید"},
    "sector_textile": {"en": "Textiles", "fa": "نساجی"},
    "sector_petrochemicals": {"en": "Petrochemicals", "fa": "پتروشیمی"},
    "sector_power": {"en": "Power", "fa": "نیروگاه"},
    "pf_col_county": {"en": "County", "fa": "شهرستان"},
    "pf_col_contribution": {"en": "Contribution, MUSD/yr", "fa": "سهم، میلیون دلار در سال"},
    "pf_col_jobs_added": {"en": "Contribution, jobs", "fa": "سهم، شغل"},
    "pf_col_water": {"en": "Freshwater, {unit}/yr", "fa": "آب شیرین، {unit} در سال"},
    "pf_col_jobs": {"en": "Jobs", "fa": "شغل"},
    "pf_col_investment": {"en": "Investment left, MUSD", "fa": "سرمایهٔ باقی‌مانده، میلیون دلار"},
    "pf_table_note": {
        "en": "A project's contribution is its value added less the annualised remaining "
        "investment and less what the caps it draws on are worth to the plants already "
        "running (their shadow prices with the choice fixed).",
        "fa": "سهم هر طرح ارزش افزودهٔ آن منهای قسط سالانهٔ سرمایهٔ باقی‌مانده و منهای ارزش "
        "سقف‌هایی است که از آن‌ها برداشت می‌کند برای کارخانه‌های موجود (قیمت سایه با انتخاب "
        "ثابت).",
    },
    "pf_more": {
        "en": "{n} more completed projects are not listed.",
        "fa": "{n} طرح تکمیل‌شدهٔ دیگر فهرست نشده است.",
    },
    "pf_marginal": {
        "en": "The project left out closest to admission is {project} (net {net}): {why}.",
        "fa": "نزدیک‌ترین طرح کنارگذاشته به پذیرش {project} است (خالص {net}): {why}.",
    },
    "pf_reason_caps": {
        "en": "the caps it draws on are worth more than it adds",
        "fa": "ارزش سقف‌هایی که از آن‌ها برداشت می‌کند از افزودهٔ آن بیشتر است",
    },
    "pf_reason_budget": {"en": "the budget is spent", "fa": "بودجه تمام شده است"},
    "pf_reason_exclusive": {
        "en": "its site goes to another project",
        "fa": "محل آن به طرح دیگری می‌رسد",
    },
    "pf_reason_precedence": {
        "en": "the project it requires is not completed",
        "fa": "طرح پیش‌نیاز آن تکمیل نمی‌شود",
    },
    "pf_reason_county_quota": {
        "en": "its county has reached its quota",
        "fa": "سهمیهٔ شهرستان آن پر شده است",
    },
    "pf_reason_no_margin": {
        "en": "its sales do not cover its costs and investment, caps or not",
        "fa": "فروش آن حتی بدون سقف‌ها هزینه و سرمایه‌گذاری‌اش را نمی‌پوشاند",
    },
    "pf_reason_completion": {
        "en": "it would be completed after the year asked for",
        "fa": "پس از سال خواسته‌شده تکمیل می‌شود",
    },
    "pf_reason_pooled_products": {
        "en": "the products it takes from the province's pools are worth more than it adds",
        "fa": "ارزش محصولاتی که از ذخایر مشترک استان می‌گیرد از افزودهٔ آن بیشتر است",
    },
    "pf_reason_other": {
        "en": "see its reason in the per-project table",
        "fa": "دلیل آن در جدول طرح‌ها آمده است",
    },
    "pf_reason_rules": {
        "en": "the rules together favour others",
        "fa": "قواعد با هم طرح‌های دیگر را ترجیح می‌دهند",
    },
    "pf_front_title": {
        "en": "The province with the best portfolio at each cap on freshwater drawn",
        "fa": "استان با بهترین سبد طرح‌ها در هر سقف برداشت آب شیرین",
    },
    "pf_front_base": {
        "en": "today's plants, no project",
        "fa": "کارخانه‌های کنونی، بدون طرح",
    },
    "pf_front_x": {
        "en": "freshwater drawn by existing plants and projects, {unit}/yr",
        "fa": "آب شیرین برداشتی کارخانه‌های موجود و طرح‌ها، {unit} در سال",
    },
    "pf_front_y": {
        "en": "value added of plants and projects less investment, MUSD/yr",
        "fa": "ارزش افزودهٔ کارخانه‌ها و طرح‌ها منهای سرمایه‌گذاری، میلیون دلار در سال",
    },
    "pf_front_y_jobs": {"en": "jobs", "fa": "شغل"},
    "pf_front_note": {
        "en": "Each point is the best portfolio when the freshwater drawn by the plants and "
        "the projects together is capped at that amount ({n} caps); both axes are the "
        "province's, plants and projects together. Left of the square (today's plants, no "
        "project) the cap also cuts the existing plants' draw.",
        "fa": "هر نقطه بهترین سبد طرح‌هاست وقتی برداشت آب شیرین کارخانه‌ها و طرح‌ها با هم به "
        "آن مقدار محدود شود ({n} سقف)؛ هر دو محور مربوط به استان است، کارخانه‌ها و طرح‌ها با "
        "هم. در سمت چپ مربع (کارخانه‌های کنونی، بدون طرح) سقف برداشت کارخانه‌های موجود را هم "
        "کم می‌کند.",
    },
    "pf_map_title": {
        "en": "Completed projects (dot area: freshwater drawn)",
        "fa": "طرح‌های تکمیل‌شده (مساحت نقطه: آب شیرین برداشتی)",
    },
    "pf_map_note": {
        "en": "{n} completed projects are on the map.",
        "fa": "{n} طرح تکمیل‌شده روی نقشه است.",
    },
    "pf_map_missing": {
        "en": "{n} have no coordinates in the register and are not shown.",
        "fa": "{n} طرح در فهرست مختصات ندارد و نشان داده نشده است.",
    },
    "pf_no_map": {
        "en": "No map: no completed project has coordinates (lat, lon) in the register.",
        "fa": "نقشه‌ای نیست: هیچ طرح تکمیل‌شده‌ای در فهرست مختصات ندارد.",
    },
    "basin_heading": {
        "en": "The river basin: who gets the water",
        "fa": "حوضهٔ رودخانه: آب به چه کسی می‌رسد",
    },
    "basin_col_use": {"en": "Use", "fa": "مصرف"},
    "basin_col_value": {"en": "Value of a m3", "fa": "ارزش هر متر مکعب"},
    "basin_col_delivered": {"en": "Delivered of asked, year", "fa": "تحویل‌شده از درخواست، سال"},
    "basin_first": {"en": "served first", "fa": "در اولویت نخست"},
    "basin_left": {"en": "none: gets what is left", "fa": "بدون ارزش: باقی‌مانده را می‌گیرد"},
    "basin_below": {"en": "the river below the {dam}", "fa": "رودخانهٔ پایین‌دست {dam}"},
    "basin_of": {"en": "{got} of {asked} ({share})", "fa": "{got} از {asked} ({share})"},
    "basin_industry": {
        "en": "Industry (what the plants draw)",
        "fa": "صنعت (برداشت کارخانه‌ها)",
    },
    "basin_industry_value": {"en": "see the caps", "fa": "در جدول سقف‌ها"},
    "basin_table_note": {
        "en": "{unit} over the year; every use takes from {river}. A m3 is valued as in "
        "the data; a use served first is met before the others; industry's row is what "
        "the plants draw from the same river.",
        "fa": "{unit} در سال؛ همهٔ مصارف از {river} برداشت می‌کنند. ارزش هر متر مکعب "
        "همان ارزش داده‌هاست؛ مصرف در اولویت نخست پیش از دیگران تأمین می‌شود؛ ردیف صنعت "
        "برداشت کارخانه‌ها از همین رودخانه است.",
    },
    "basin_storage_title": {
        "en": "Water in the dam at the end of each month",
        "fa": "آب ذخیره‌شده در سد در پایان هر ماه",
    },
    "basin_value_title": {
        "en": "Value of one more m3 in {river}, to whichever use takes it",
        "fa": "ارزش یک متر مکعب بیشتر در {river} برای هر مصرفی که آن را بگیرد",
    },
    "basin_note": {
        "en": "{scenario}: one more m3 at the river is worth {low} to {high} USD over the months.",
        "fa": "{scenario}: یک متر مکعب بیشتر در رودخانه در ماه‌های سال {low} تا {high} "
        "دلار ارزش دارد.",
    },
    # The pathway section (brief/pathway.py) and pathway charts (pathway/plots.py)
    "pw_axis_year": {"en": "year (representative)", "fa": "سال (نماینده)"},
    "pw_axis_water": {
        "en": "water drawn, Mm3 per year",
        "fa": "آب برداشت‌شده، میلیون متر مکعب در سال",
    },
    "pw_water_title": {"en": "Water drawn by source", "fa": "آب برداشت‌شده به تفکیک منبع"},
    "pw_axis_decided": {
        "en": "decision year (representative; marker area: share of the measure built)",
        "fa": "سال تصمیم (نماینده؛ اندازهٔ نشانه: سهم ساخته‌شده از اقدام)",
    },
    "pw_timeline_title": {
        "en": "What is built, where and when (annual capital charge)",
        "fa": "چه چیزی، کجا و چه زمانی ساخته می‌شود (هزینهٔ سرمایه‌ای سالانه)",
    },
    "pw_value_added": {"en": "value added", "fa": "ارزش افزوده"},
    "pw_jobs": {"en": "jobs", "fa": "اشتغال"},
    "pw_axis_value_added": {
        "en": "value added, MUSD per year",
        "fa": "ارزش افزوده، میلیون دلار در سال",
    },
    "pw_output_title": {"en": "Value added and jobs", "fa": "ارزش افزوده و اشتغال"},
    "pw_title": {"en": "Pathway brief: {scenario}", "fa": "گزارش سیاستی مسیر: {scenario}"},
    "pw_heading": {
        "en": "The pathway {start}-{end}: what to build, where and when",
        "fa": "مسیر {start} تا {end}: چه چیزی، کجا و چه زمانی ساخته شود",
    },
    "pw_head_water": {
        "en": "Freshwater drawn in {end}: {now}, against {before} in {start} ({change}).",
        "fa": "آب شیرین برداشت‌شده در {end}: {now}، در برابر {before} در {start} ({change}).",
    },
    "pw_head_water_all": {
        "en": "Water drawn in {end}: {now}, against {before} in {start} ({change}).",
        "fa": "آب برداشت‌شده در {end}: {now}، در برابر {before} در {start} ({change}).",
    },
    "pw_head_cost": {
        "en": "Cost of the whole pathway, discounted to {start} at {rate} a year: {discounted} "
        "({undiscounted} undiscounted), operations and capital charges together.",
        "fa": "هزینهٔ کل مسیر، تنزیل‌شده به {start} با نرخ {rate} در سال: {discounted} "
        "({undiscounted} بدون تنزیل)، هزینهٔ بهره‌برداری و سرمایه‌ای با هم.",
    },
    "pw_head_value": {
        "en": "Objective of the whole pathway (value added), discounted to {start} at {rate} a "
        "year: {discounted} ({undiscounted} undiscounted).",
        "fa": "هدف کل مسیر (ارزش افزوده)، تنزیل‌شده به {start} با نرخ {rate} در سال: "
        "{discounted} ({undiscounted} بدون تنزیل).",
    },
    "pw_head_output": {
        "en": "Value added in {end}: {now} a year against {before} in {start} ({change}), net "
        "of the capital charges; jobs in {end}: {jobs} ({jobs_change} against {start}).",
        "fa": "ارزش افزوده در {end}: {now} در سال در برابر {before} در {start} ({change})، پس "
        "از کسر هزینهٔ سرمایه‌ای؛ اشتغال در {end}: {jobs} ({jobs_change} نسبت به {start}).",
    },
    "pw_head_nothing": {
        "en": "Nothing is built: no candidate pays for itself on this pathway.",
        "fa": "هیچ چیزی ساخته نمی‌شود: هیچ گزینه‌ای در این مسیر هزینهٔ خود را جبران نمی‌کند.",
    },
    "pw_head_builds": {
        "en": "Builds decided: {n} (plants: {plants}), the first in {first}; the annual "
        "capital charges peak at {charge} in {year}.",
        "fa": "تصمیم‌های ساخت: {n} (کارخانه‌ها: {plants})، نخستین در {first}؛ هزینهٔ سرمایه‌ای "
        "سالانه در {year} به بیشترین مقدار خود، {charge}، می‌رسد.",
    },
    "pw_col_what": {"en": "What", "fa": "چه چیزی"},
    "pw_col_where": {"en": "Where", "fa": "کجا"},
    "pw_col_decided": {"en": "Decided", "fa": "سال تصمیم"},
    "pw_col_service": {"en": "In service", "fa": "آغاز بهره‌برداری"},
    "pw_col_built": {"en": "Built", "fa": "ساخته‌شده"},
    "pw_col_capital": {"en": "Capital cost, MUSD", "fa": "هزینهٔ سرمایه‌ای کل، میلیون دلار"},
    "pw_col_charge": {
        "en": "Capital charge, MUSD a year",
        "fa": "هزینهٔ سرمایه‌ای، میلیون دلار در سال",
    },
    "pw_capacity_of": {"en": "More capacity at {source}", "fa": "ظرفیت بیشتر در {source}"},
    "pw_plan_note": {
        "en": "Decided: a representative year; in service: the decision year plus the lead "
        "time. Built: share of the measure's full adoption (or capacity per year). Capital "
        "cost: the build's whole cost in {unit} (where the scenario gives none, the present "
        "value of the measure's annual cost over its lifetime at the discount rate). Capital "
        "is charged as an annuity in each year the asset is in service; the last column gives "
        "the highest annual charge of the plant's measure, all its builds together, in {unit} "
        "a year.",
        "fa": "سال تصمیم یک سال نماینده است؛ آغاز بهره‌برداری: سال تصمیم به‌اضافهٔ زمان ساخت. "
        "ساخته‌شده: سهم از پذیرش کامل اقدام (یا ظرفیت در سال). هزینهٔ سرمایه‌ای کل: هزینهٔ کل "
        "ساخت به {unit} (جایی که سناریو آن را نمی‌دهد، ارزش فعلی هزینهٔ سالانهٔ اقدام در طول عمر "
        "آن با نرخ تنزیل). هزینهٔ سرمایه‌ای به صورت اقساط سالانه در هر سالی که دارایی در "
        "بهره‌برداری است منظور می‌شود؛ ستون آخر بیشترین هزینهٔ سالانهٔ اقدام آن کارخانه، همهٔ "
        "ساخت‌ها با هم، به {unit} در سال است.",
    },
    "pw_more": {"en": "{n} more builds are not listed.", "fa": "{n} ساخت دیگر فهرست نشده است."},
    "pw_water_note": {
        "en": "Water drawn by source in each representative year, million m3 a year.",
        "fa": "آب برداشت‌شده به تفکیک منبع در هر سال نماینده، میلیون متر مکعب در سال.",
    },
    "pw_timeline_note": {
        "en": "Each marker is a build decision; its area is the share of the measure built.",
        "fa": "هر نشانه یک تصمیم ساخت است؛ اندازهٔ آن سهم ساخته‌شده از اقدام است.",
    },
    "pw_output_note": {
        "en": "Value added is sales minus the year's costs and capital charges.",
        "fa": "ارزش افزوده برابر فروش منهای هزینه‌ها و هزینهٔ سرمایه‌ای همان سال است.",
    },
    "sens_heading": {
        "en": "How sensitive are the results?",
        "fa": "نتایج تا چه حد به ورودی‌ها حساس‌اند؟",
    },
    "sens_sweep": {
        "en": "From a sweep of {runs} runs: each input moved over its range, the others "
        "at their base values.",
        "fa": "از یک تحلیل حساسیت با {runs} اجرا: هر ورودی در بازهٔ خود تغییر کرده و بقیه در "
        "مقدار پایه مانده‌اند.",
    },
    "sens_no_tornado": {
        "en": "The sweep has no runs with all but one input at their base values, so no "
        "tornado can be drawn from it (run a one-at-a-time sweep).",
        "fa": "این تحلیل اجرایی ندارد که در آن همهٔ ورودی‌ها جز یکی در مقدار پایه باشند؛ "
        "نمودار گردبادی از آن رسم نمی‌شود (تحلیل یک‌به‌یک اجرا کنید).",
    },
    "sens_tornado_title": {
        "en": "Change of the objective when one input moves",
        "fa": "تغییر تابع هدف با تغییر یک ورودی",
    },
    "sens_tornado_x": {
        "en": "Change from the base run ({unit})",
        "fa": "تغییر نسبت به اجرای پایه ({unit})",
    },
    "sens_tornado_note": {
        "en": "The objective of the base run is {base} (cost, with sales lost at their price).",
        "fa": "تابع هدف اجرای پایه {base} است (هزینه، با فروش ازدست‌رفته به قیمت آن).",
    },
    "sens_failed": {
        "en": "{n} runs had no optimal solution and are left out.",
        "fa": "{n} اجرا جواب بهینه نداشت و کنار گذاشته شد.",
    },
    "sens_low": {"en": "input at the low end", "fa": "ورودی در حد پایین"},
    "sens_high": {"en": "input at the high end", "fa": "ورودی در حد بالا"},
    "sens_scale": {"en": "×{low} to ×{high}", "fa": "×{low} تا ×{high}"},
    "sens_add": {"en": "{low} to {high}", "fa": "{low} تا {high}"},
    "sens_curve_title": {
        "en": "Marginal cost of saving {resource}",
        "fa": "هزینهٔ نهایی صرفه‌جویی {resource}",
    },
    "sens_curve_x": {"en": "Saving, cumulative ({unit})", "fa": "صرفه‌جویی تجمعی ({unit})"},
    "sens_more_steps": {
        "en": "… and {n} more steps, each dearer per unit saved.",
        "fa": "… و {n} گام دیگر که هزینهٔ هر واحد صرفه‌جویی در آن‌ها بیشتر است.",
    },
    "sens_col_step": {"en": "Step", "fa": "گام"},
    "sens_col_saves": {"en": "Saves", "fa": "صرفه‌جویی"},
    "sens_col_unit_cost": {"en": "Cost per unit saved", "fa": "هزینه به ازای هر واحد"},
    "sens_col_does": {"en": "What it adopts", "fa": "آنچه پذیرفته می‌شود"},
    "sens_measure_at": {"en": "{measure} at {plant}", "fa": "{measure} در {plant}"},
    "sens_output_cut": {"en": "less output", "fa": "کاهش تولید"},
    "sens_reallocation": {"en": "reallocation of supply", "fa": "جابه‌جایی تأمین"},
    # Cap families
    "cap_source_cap": {"en": "period cap", "fa": "سقف دوره‌ای"},
    "cap_source_cap_annual": {"en": "annual cap", "fa": "سقف سالانه"},
    "cap_group_cap": {"en": "period group cap", "fa": "سقف دوره‌ای گروه"},
    "cap_group_cap_annual": {"en": "annual group cap", "fa": "سقف سالانهٔ گروه"},
    "cap_contract": {"en": "contract", "fa": "قرارداد"},
    "cap_permit": {"en": "permit", "fa": "مجوز"},
    "cap_connection_cap": {"en": "connection cap", "fa": "سقف اتصال"},
    "cap_decree_limit": {"en": "plant's limit under the decree", "fa": "سقف واحد در مصوبه"},
    "cap_emission_cap": {"en": "period emission cap", "fa": "سقف دوره‌ای انتشار"},
    "cap_emission_cap_annual": {"en": "annual emission cap", "fa": "سقف سالانهٔ انتشار"},
    # Scenario diff
    "diff_none": {
        "en": "The scenario changes no value of the case data.",
        "fa": "این سناریو هیچ مقداری از داده‌های پایه را تغییر نمی‌دهد.",
    },
    "diff_shared": {"en": "In {scenarios}", "fa": "در {scenarios}"},
    "caps_note": {
        "en": "One more unit's worth in the cap's own unit, where it is worth most; below it, "
        "the periods in which the cap binds.",
        "fa": "ارزش یک واحد بیشتر به واحد خود سقف، در دوره‌ای که بیشترین ارزش را دارد؛ "
        "زیر آن، دوره‌هایی که سقف الزام‌آور است.",
    },
    "diff_more": {
        "en": "… and {n} more changes (the full list is in the results file).",
        "fa": "… و {n} تغییر دیگر (فهرست کامل در پروندهٔ نتایج).",
    },
    "origin_change": {"en": "change {n}", "fa": "تغییر {n}"},
    "origin_curtailment": {"en": "curtailment {n}", "fa": "محدودیت عرضهٔ {n}"},
    # Caveats
    "caveat_counts": {
        "en": "Of the {total} input values behind this run, {sourced} are sourced, "
        "{estimate} are estimates and {assumption} are assumptions.",
        "fa": "از {total} مقدار ورودی این اجرا، {sourced} مقدار مستند، {estimate} مقدار "
        "برآوردی و {assumption} مقدار فرضی است.",
    },
    "caveat_resources": {
        "en": "Share of use at plants whose intensity is an estimate or an assumption: {items}.",
        "fa": "سهم مصرف در واحدهایی که شدت مصرف آن‌ها برآوردی یا فرضی است: {items}.",
    },
    "caveat_cost": {
        "en": "Cost: {share} of the total rests on unit costs that are estimates or assumptions.",
        "fa": "هزینه: {share} از کل بر هزینه‌های واحدی تکیه دارد که برآوردی یا فرضی‌اند.",
    },
    "caveat_caps": {
        "en": "Binding caps whose limit is an estimate or an assumption: {caps}.",
        "fa": "سقف‌های الزام‌آوری که حد آن‌ها برآوردی یا فرضی است: {caps}.",
    },
    "caveat_caps_sourced": {
        "en": "The limit of every binding cap is sourced.",
        "fa": "حد همهٔ سقف‌های الزام‌آور مستند است.",
    },
    "caveat_capacity": {
        "en": "Output: the capacity of {n} producing processes is an estimate or an "
        "assumption ({processes}).",
        "fa": "تولید: ظرفیت {n} فرایند تولیدی برآوردی یا فرضی است ({processes}).",
    },
    "caveat_no_provenance": {
        "en": "The results carry no provenance records; treat every number as unverified.",
        "fa": "نتایج هیچ سابقهٔ منبعی ندارند؛ همهٔ ارقام را تأییدنشده بدانید.",
    },
    "caveat_same_data": {
        "en": "These caveats are of the data of {baseline}; the other scenarios use them, "
        "changed only as listed under “What the scenario changes”.",
        "fa": "این ملاحظات مربوط به داده‌های {baseline} است؛ سناریوهای دیگر همین داده‌ها را "
        "به کار می‌برند و فقط مطابق بخش «آنچه سناریو تغییر می‌دهد» تغییر کرده‌اند.",
    },
    "caveat_model": {
        "en": "The model is linear: costs and intensities per unit are constant, and the "
        "value of one more unit of a cap holds only within the range shown.",
        "fa": "مدل خطی است: هزینه و شدت مصرف هر واحد ثابت فرض شده و ارزش یک واحد بیشتر از "
        "هر سقف فقط در بازهٔ نشان‌داده‌شده برقرار است.",
    },
    "scenario_prefix": {"en": "{scenario}:", "fa": "{scenario}:"},
    "utc": {"en": "UTC", "fa": "به وقت جهانی"},
    "more_items": {"en": "{n} more", "fa": "{n} مورد دیگر"},
    "conf_sourced": {"en": "sourced", "fa": "مستند"},
    "conf_estimate": {"en": "estimate", "fa": "برآورد"},
    "conf_assumption": {"en": "assumption", "fa": "فرض"},
    # Run card
    "rc_same": {
        "en": "The same for every scenario: {items}.",
        "fa": "برای همهٔ سناریوها یکسان: {items}.",
    },
    "rc_scenario": {"en": "Scenario", "fa": "سناریو"},
    "rc_chain": {"en": "Scenario chain", "fa": "زنجیرهٔ سناریو"},
    "rc_description": {"en": "Description", "fa": "شرح"},
    "rc_status": {"en": "Solver status", "fa": "وضعیت حل"},
    "rc_objective": {"en": "Objective", "fa": "مقدار تابع هدف"},
    "rc_solver": {"en": "Solver (options)", "fa": "حل‌کننده (تنظیمات)"},
    "rc_default_options": {"en": "defaults", "fa": "پیش‌فرض"},
    "rc_solve_time": {"en": "Solve time", "fa": "زمان حل"},
    "rc_seconds": {"en": "{n} s", "fa": "{n} ثانیه"},
    "rc_input_hash": {"en": "Input data hash", "fa": "شناسهٔ درهم‌سازی داده‌های ورودی"},
    "rc_package": {"en": "Package version", "fa": "نسخهٔ بسته"},
    "rc_python": {"en": "Python version", "fa": "نسخهٔ پایتون"},
    "rc_created": {"en": "Run date", "fa": "تاریخ اجرا"},
    "rc_lp_size": {"en": "Size of the linear program", "fa": "اندازهٔ برنامهٔ خطی"},
    "rc_lp_size_value": {
        "en": "{rows} rows, {cols} columns, {nnz} non-zeros",
        "fa": "{rows} سطر، {cols} ستون، {nnz} درایهٔ ناصفر",
    },
    "rc_measures": {"en": "Measures", "fa": "اقدامات"},
    "rc_integer_yes": {
        "en": "all or nothing: none or the largest share (MILP; shadow prices from the LP "
        "with adoption fixed)",
        "fa": "همه یا هیچ: صفر یا بیشترین سهم مجاز (برنامه‌ریزی عدد صحیح؛ قیمت سایه از مدل "
        "خطی با پذیرش ثابت)",
    },
    "rc_integer_no": {"en": "adopted in shares (LP)", "fa": "پذیرش جزئی (برنامه‌ریزی خطی)"},
    "obj_cost": {"en": "cost", "fa": "هزینه"},
    "obj_value_added": {"en": "value added", "fa": "ارزش افزوده"},
    "obj_min_resource": {"en": "least resource use", "fa": "کمترین مصرف منابع"},
    "status_optimal": {"en": "optimal", "fa": "بهینه"},
    "status_infeasible": {"en": "infeasible", "fa": "ناشدنی"},
    "status_unbounded": {"en": "unbounded", "fa": "بی‌کران"},
    "status_infeasible_or_unbounded": {
        "en": "infeasible or unbounded",
        "fa": "ناشدنی یا بی‌کران",
    },
    "status_time_limit": {"en": "stopped at the time limit", "fa": "توقف در سقف زمان"},
    "status_iteration_limit": {
        "en": "stopped at the iteration limit",
        "fa": "توقف در سقف تکرار",
    },
    "status_error": {"en": "solver error", "fa": "خطای حل‌کننده"},
    # Parameters (scenario changes and caveats)
    "param_capacity": {"en": "capacity", "fa": "ظرفیت"},
    "param_availability": {"en": "availability", "fa": "دسترس‌پذیری"},
    "param_must_run": {"en": "must-run minimum", "fa": "حداقل تولید الزامی"},
    "param_production_cost": {"en": "production cost", "fa": "هزینهٔ تولید"},
    "param_intensity": {"en": "intensity", "fa": "شدت مصرف"},
    "param_product_input": {"en": "product input", "fa": "نهادهٔ محصول"},
    "param_intensity_season": {"en": "seasonal factor on intensity", "fa": "ضریب فصلی شدت مصرف"},
    "param_reserved_use": {"en": "reserved use", "fa": "مصرف رزروشده"},
    "param_source_cost": {"en": "source cost", "fa": "هزینهٔ منبع"},
    "param_source_cap": {"en": "source cap", "fa": "سقف منبع"},
    "param_source_cap_annual": {"en": "annual source cap", "fa": "سقف سالانهٔ منبع"},
    "param_group_cap": {"en": "group cap", "fa": "سقف گروه"},
    "param_group_cap_annual": {"en": "annual group cap", "fa": "سقف سالانهٔ گروه"},
    "param_contract": {"en": "contract", "fa": "قرارداد"},
    "param_connection_cap": {"en": "connection cap", "fa": "سقف اتصال"},
    "param_permit": {"en": "permit", "fa": "مجوز"},
    "param_demand": {"en": "demand", "fa": "تقاضا"},
    "param_min_delivery": {"en": "minimum delivery", "fa": "حداقل تحویل"},
    "param_unmet_penalty": {
        "en": "social penalty on unmet demand",
        "fa": "جریمهٔ اجتماعی تقاضای تأمین‌نشده",
    },
    "param_price": {"en": "price", "fa": "قیمت"},
    "param_lead_time": {"en": "lead time of a measure", "fa": "زمان اجرای اقدام"},
    "param_max_adoption": {"en": "maximum adoption", "fa": "حداکثر پذیرش"},
    "param_measure_cost": {"en": "measure cost", "fa": "هزینهٔ اقدام"},
    "param_saving": {"en": "saving", "fa": "صرفه‌جویی"},
    "param_measure_use": {"en": "measure's own use", "fa": "مصرف خود اقدام"},
    "param_emission_factor": {"en": "emission factor", "fa": "ضریب انتشار"},
    "param_process_emission": {"en": "process emission", "fa": "انتشار فرایندی"},
    "param_emission_cap": {"en": "emission cap", "fa": "سقف انتشار"},
    "param_emission_cap_annual": {"en": "annual emission cap", "fa": "سقف سالانهٔ انتشار"},
    "param_jobs": {"en": "jobs per unit of output", "fa": "اشتغال به ازای واحد تولید"},
    "param_source_available": {"en": "water in the source", "fa": "آب موجود در منبع"},
    "param_safe_yield": {"en": "safe yield", "fa": "آبدهی مجاز (تجدیدپذیر)"},
    "param_source_closed": {"en": "closed to new draw", "fa": "ممنوعه برای برداشت جدید"},
    "param_inflow": {"en": "reservoir inflow", "fa": "آورد مخزن"},
    "param_storage_start": {"en": "storage at the start", "fa": "حجم ذخیره در آغاز"},
    "param_storage_end": {"en": "storage required at the end", "fa": "حجم ذخیرهٔ لازم در پایان"},
    "param_storage_min": {"en": "least storage", "fa": "کمینهٔ حجم ذخیره"},
    "param_storage_max": {"en": "storage capacity", "fa": "ظرفیت مخزن"},
    "param_loss_rate": {"en": "evaporation rate", "fa": "نرخ تبخیر"},
    "param_loss_fixed": {"en": "fixed losses", "fa": "تلفات ثابت"},
    "param_user_demand": {"en": "user demand", "fa": "نیاز مصرف‌کننده"},
    "param_user_value": {"en": "value per m3 to the user", "fa": "ارزش هر متر مکعب برای مصرف‌کننده"},
    "param_user_priority": {"en": "user priority", "fa": "اولویت مصرف‌کننده"},
    "param_user_min": {"en": "minimum delivery", "fa": "کمینهٔ تحویل"},
    "param_user_min_penalty": {"en": "penalty below the minimum", "fa": "جریمهٔ کمتر از کمینه"},
    "group_of": {"en": "{resource} sources", "fa": "منابع {resource}"},
    # Periods that are not months
    "period_year": {"en": "year", "fa": "سال"},
}

#: Calendar months as period labels (the default periods jan..dec).
MONTHS: dict[str, dict[str, str]] = {
    "jan": {"en": "Jan", "fa": "ژانویه"},
    "feb": {"en": "Feb", "fa": "فوریه"},
    "mar": {"en": "Mar", "fa": "مارس"},
    "apr": {"en": "Apr", "fa": "آوریل"},
    "may": {"en": "May", "fa": "مه"},
    "jun": {"en": "Jun", "fa": "ژوئن"},
    "jul": {"en": "Jul", "fa": "ژوئیه"},
    "aug": {"en": "Aug", "fa": "اوت"},
    "sep": {"en": "Sep", "fa": "سپتامبر"},
    "oct": {"en": "Oct", "fa": "اکتبر"},
    "nov": {"en": "Nov", "fa": "نوامبر"},
    "dec": {"en": "Dec", "fa": "دسامبر"},
}

_GREGORIAN_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: Months of the Jalali (Solar Hijri) calendar, for dates in Persian.
JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

#: Planner units and their Persian names (English keeps the symbol).
UNITS_FA: dict[str, str] = {
    "t": "تن",
    "kt": "هزار تن",
    "Mt": "میلیون تن",
    "m3": "متر مکعب",
    "Mm3": "میلیون متر مکعب",
    "bcm": "میلیارد متر مکعب",
    "MWh": "مگاوات‌ساعت",
    "GWh": "گیگاوات‌ساعت",
    "TWh": "تراوات‌ساعت",
    "kWh": "کیلووات‌ساعت",
    "GJ": "گیگاژول",
    "TJ": "تراژول",
    "PJ": "پتاژول",
    "USD": "دلار",
    "kUSD": "هزار دلار",
    "MUSD": "میلیون دلار",
    "BUSD": "میلیارد دلار",
    "bbl": "بشکه",
    "kbbl": "هزار بشکه",
    "Mbbl": "میلیون بشکه",
    "fraction": "کسر",
    "%": "٪",
    "d": "روز",
    "yr": "سال",
    "job": "شغل",
}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is supported; raise ``ValueError`` naming the choices."""
    if lang not in LANGUAGES:
        msg = f"Unknown brief language {lang!r}; use one of {', '.join(LANGUAGES)}."
        raise ValueError(msg)
    return lang


def text(key: str, lang: str, **values: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{placeholders}`` filled in.

    Raises
    ------
    MissingTranslationError
        If the key is unknown or has no text in ``lang``.

    Examples
    --------
    >>> text("col_unit", "fa")
    'واحد'
    >>> text("no_such_label", "fa")
    Traceback (most recent call last):
    ...
    resourcemodel.labels.MissingTranslationError: No 'fa' text for label 'no_such_label'; add it to STRINGS in resourcemodel/labels.py.
    """  # noqa: E501
    entry = STRINGS.get(key, {})
    template = entry.get(lang)
    if not template:
        msg = f"No {lang!r} text for label {key!r}; add it to STRINGS in resourcemodel/labels.py."
        raise MissingTranslationError(msg)
    return template.format(**values) if values else template


def digits(value: str, lang: str) -> str:
    """Write the ASCII digits, ``.`` and ``,`` of ``value`` the way ``lang`` does."""
    return value.translate(_FA_DIGITS) if lang == "fa" else value


def number(value: float | None, lang: str, *, signed: bool = False, sig: int = 3) -> str:
    r"""Format a number for a planner: three significant digits, thousands separated.

    Examples
    --------
    >>> number(1234.6, "en"), number(0.04567, "en"), number(-12.5, "fa", signed=True)
    ('1,235', '0.0457', '\u2066−۱۲٫۵\u2069')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        body = "0"
    elif abs(value) >= 10 ** (sig - 1):
        body = f"{abs(value):,.0f}"
    else:
        decimals = min(9, sig - 1 - math.floor(math.log10(abs(value))))
        body = f"{abs(value):.{decimals}f}"
        if "." in body:
            body = body.rstrip("0").rstrip(".")
    sign = "" if body == "0" else ("−" if value < 0 else ("+" if signed else ""))
    out = sign + digits(body, lang)
    if lang == "fa" and sign:
        out = LRI + out + PDI
    return out


def percent(share: float | None, lang: str, *, signed: bool = False) -> str:
    """Format a share (0.25) as a percentage (``25%``, ``۲۵٪``)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    value = 100 * share
    if abs(value) >= 1:
        body = number(round(value, 1), lang, signed=signed, sig=3)
    else:
        body = number(value, lang, signed=signed, sig=2)
    if lang == "fa":
        if body.endswith(PDI):
            return body[:-1] + "٪" + PDI
        return body + "٪"
    return body + "%"


#: Unit symbols a director may not read in English: written out (``Mm3`` is a megametre
#: cubed to a physicist).
UNITS_EN = {unit: SPELLED_OUT[unit] for unit in ("Mm3", "bcm")}


def unit_name(unit: str, lang: str) -> str:
    """Return how ``unit`` is written in ``lang`` (``Mm3`` -> ``million m3``, ``میلیون متر مکعب``).

    Compound units (``USD/m3``) are translated part by part (``دلار بر متر مکعب``); a unit
    symbol without a Persian name is kept as the symbol.
    """
    if not unit:
        return unit
    if lang != "fa":
        return UNITS_EN.get(unit, unit)
    if unit in UNITS_FA:
        return UNITS_FA[unit]
    if "/" in unit:
        head, _, tail = unit.partition("/")
        return f"{unit_name(head, lang)} بر {unit_name(tail, lang)}"
    return unit


def quantity(value: float | None, unit: str, lang: str, *, signed: bool = False) -> str:
    """Format ``value`` followed by its unit (``12.5 Mm3``, ``۱۲٫۵ میلیون متر مکعب``)."""
    return f"{number(value, lang, signed=signed)} {unit_name(unit, lang)}".strip()


def join(items: list[str], lang: str) -> str:
    """Join items with the language's list separator."""
    return text("list_sep", lang).join(items)


def display_name(res: xr.Dataset, dim: str, label: str, lang: str) -> str:
    """Return the planner-facing name of ``label`` of dimension ``dim``.

    Persian uses the data's ``<dim>_name_fa`` coordinate when present; English uses
    ``<dim>_name`` without a trailing parenthesis (a period keeps it: the Gregorian span of
    a Jalali month). Calendar months jan..dec and the ``year`` period come from the
    translation table. Otherwise the label itself is shown.
    """
    label = str(label)
    if dim == "period" and label.lower() in MONTHS:
        if lang == "en" and f"{dim}_name" in res.coords and label in res[dim].values:
            return str(res[f"{dim}_name"].sel({dim: label}).item())[:3] or label
        return MONTHS[label.lower()][lang]
    if dim == "period" and label.lower() == "year":
        return text("period_year", lang)
    if dim == "process" and f"process{'_name_fa' if lang == 'fa' else '_name'}" not in res.coords:
        # A process is its plant's route to a product: name it by both.
        plant = str(res["process_plant"].sel(process=label).item())
        product = str(res["process_product"].sel(process=label).item())
        return (
            f"{display_name(res, 'plant', plant, lang)} "
            f"({display_name(res, 'product', product, lang)})"
        )
    if dim == "group" and not _named(res, "group", label, lang):
        # No name for the group: name it by its sources, else its resource.
        members = group_members(res, label)
        if members:
            return " + ".join(display_name(res, "source", s, lang) for s in members)
        resource = str(res["group_resource"].sel(group=label).item())
        return text("group_of", lang, resource=display_name(res, "resource", resource, lang))
    suffix = "_name_fa" if lang == "fa" else "_name"
    coord = f"{dim}{suffix}"
    if coord in res.coords and dim in res.dims and label in res[dim].values:
        value = str(res[coord].sel({dim: label}).item()).strip()
        if value and value.lower() != "nan":
            # A period's remark is its span ("Tir (Jun-Jul)"): keep it.
            return _short(value) if lang == "en" and dim != "period" else value
    return label


def _named(res: xr.Dataset, dim: str, label: str, lang: str) -> bool:
    coord = f"{dim}{'_name_fa' if lang == 'fa' else '_name'}"
    if coord not in res.coords or label not in res[dim].values:
        return False
    value = str(res[coord].sel({dim: label}).item()).strip()
    return bool(value) and value.lower() != "nan"


def group_members(res: xr.Dataset, group: str) -> list[str] | None:
    """Return the sources that make up a source group, read from results.

    Results hold ``group_member`` (group x source) since they name groups; older results
    files do not, and then the members are inferred: the smallest set of the group
    resource's sources whose summed draws equal the group's use in every period,
    provided every source of the set draws something (else the set is not known). None
    when the group is unknown, or (inferring) no set matches or there is no solution.
    """
    import itertools

    import numpy as np

    if "group" not in res.dims or group not in res["group"].values:
        return None
    if "group_member" in res:
        member = np.asarray(res["group_member"].sel(group=group).values, dtype=bool)
        return [str(s) for s in res.source.values[member]] or None
    if "group_cap_use" not in res:
        return None
    if str(res.attrs.get("status", "optimal")) != "optimal":
        return None
    resource = str(res["group_resource"].sel(group=group).item())
    sources = [str(s) for s in res.source.values[res["source_resource"].values == resource]]
    use = np.asarray(res["group_cap_use"].sel(group=group).values, dtype=float)
    drawn = res["supply"].fillna(0).sum("plant").sel(source=sources)
    known = np.isfinite(use)
    if not known.any():
        return None
    scale = max(1.0, float(np.nanmax(np.abs(use))))
    active = [s for s in sources if float(drawn.sel(source=s).sum()) > 1e-9 * scale]
    for size in range(1, len(active) + 1):
        for subset in itertools.combinations(active, size):
            total = drawn.sel(source=list(subset)).sum("source").values
            if np.allclose(total[known], use[known], rtol=0, atol=1e-6 * scale):
                return list(subset)
    return None


def _short(name: str) -> str:
    """Drop a trailing parenthetical remark: ``Saba Steel (MSC subsidiary)`` -> ``Saba Steel``."""
    cut = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    return cut or name


def date(when: str | _dt.date | _dt.datetime, lang: str) -> str:
    """Format a date: ``26 November 2026`` in English, Jalali ``۵ آذر ۱۴۰۵`` in Persian."""
    if isinstance(when, str):
        try:
            when = _dt.datetime.fromisoformat(when)
        except ValueError:
            return digits(str(when), lang)
    day = when.date() if isinstance(when, _dt.datetime) else when
    if lang == "fa":
        import jdatetime

        jd = jdatetime.date.fromgregorian(date=day)
        return (
            digits(f"{jd.day} ", lang) + JALALI_MONTHS[jd.month - 1] + digits(f" {jd.year}", lang)
        )
    return f"{day.day} {_GREGORIAN_MONTHS_EN[day.month - 1]} {day.year}"


def confidence(label: str, lang: str) -> str:
    """Translate a confidence label (``sourced``, ``estimate``, ``assumption``)."""
    return text(f"conf_{label}", lang)


def keys_used_by_templates(source: str) -> set[str]:
    """Return the label keys a template calls ``t("...")`` with (for tests)."""
    return set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", source))


def scenario_name(res: xr.Dataset, lang: str = "") -> str:
    """Return the scenario's title in ``lang`` from the run card, else its name.

    A scenario file may carry ``title`` and ``title_fa``; Persian falls back to the English
    title, and both to the file's ``name``.
    """
    name = str(res.attrs.get("scenario", "")) or "?"
    title = str(res.attrs.get("title", "") or name)
    if lang == "fa":
        return str(res.attrs.get("title_fa", "") or title)
    return title if lang else name


def cap_label(res: xr.Dataset, cap: str, where: str, lang: str) -> str:
    """Name a cap row of :func:`resourcemodel.report.binding_caps` for a planner."""
    dims = res[f"{cap}_binding"].dims
    labels = where.split(", ")
    names = [display_name(res, str(d), lab, lang) for d, lab in zip(dims, labels, strict=False)]
    key = "cap_" + cap
    element = dict(zip(map(str, dims), labels, strict=False))
    if cap == "connection_cap" and _decree_limit(res, element):
        key = "cap_decree_limit"
    return f"{join(names, lang)} ({text(key, lang)})"


def _decree_limit(res: xr.Dataset, labels: dict[str, str]) -> bool:
    """Whether a pro-rata decree wrote this connection cap (its record in the run card)."""
    import json

    records = json.loads(str(res.attrs.get("scenario_diff", "[]")))
    return any(
        r.get("parameter") == "connection_cap"
        and r.get("labels") == labels
        and "(pro rata of the draws in" in str(r.get("origin", ""))
        for r in records
    )
