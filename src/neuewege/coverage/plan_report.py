"""The coverage plan in words, for every page that shows one (the plan, the comparison, the
scenarios): the solver's status and reason codes (``planning/coverage.py``) as sentences with
their parameters, the centres' statuses, the headline figures and the rows of the tables and the
map. Reads only the plan's JSON (``services.plans.plan_json``); the one module of these texts."""

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from neuewege.core.models import EventFormat

# Colours of the map's dots by a centre's status (the table beside the map says it in words).
COLOURS = {
    "covered": "#1b7a3a",
    "partly": "#b86e00",
    "none": "#b00020",
    "no_requests": "#6b6b6b",
    "both": "#1b7a3a",
    "gained": "#1f5fbf",
    "lost": "#b86e00",
    "neither": "#b00020",
}


def format_label(code) -> str:
    return str(dict(EventFormat.choices).get(code, code or ""))


def institution_label(role) -> str:
    return {
        "AA": _("employment agency"),
        "JC": _("job centre"),
        "provider": _("education provider"),
    }.get(role, "")


FUNCTIONS = {
    "bca": _lazy("BCA"),
    "placement_officer": _lazy("Placement officer"),
    "case_manager": _lazy("Case manager"),
    "other": _lazy("Other function"),
}


def function_label(function) -> str:
    """The planner's functions, short (the person's record has the long names)."""
    return str(FUNCTIONS.get(function, FUNCTIONS["other"]))


def status_text(status) -> str:
    """A centre's status in words."""
    return {
        "covered": _("covered"),
        "partly": _("partly served"),
        "none": _("not served"),
        "no_requests": _("no requests"),
    }.get(status, status or "")


def solver_status_text(plan: dict) -> str:
    """The plan's status in one sentence: optimal, best found within the time limit (with how
    many more family centres the bound allows), or stopped with the quick plan only."""
    status = plan.get("status")
    if status == "optimal":
        return _("Optimal: no plan serves more family centres with these speakers.")
    if status == "time_limit":
        more = headline(plan)["gap"]
        if more:
            return ngettext(
                "The best plan found within the time limit: at most %(count)d more family "
                "centre could be covered (the bound).",
                "The best plan found within the time limit: at most %(count)d more family "
                "centres could be covered (the bound).",
                more,
            ) % {"count": more}
        return _(
            "The best plan found within the time limit: no plan covers more family centres; "
            "the speakers' hours and travel might still be spread a little better."
        )
    return _(
        "Stopped: a quick plan only, the optimisation did not finish. Compute it again with a "
        "longer time limit."
    )


def _requests_by_id(plan: dict) -> dict:
    return {str(r["id"]): r for r in plan.get("requests", [])}


def reason_text(reason: dict | None, plan: dict) -> str:
    """One sentence for a reason code of the solver with its parameters: why a centre or a
    request is not (fully) served, why a pin was not kept."""
    if not reason or not reason.get("code"):
        return ""
    params = reason.get("params") or {}
    request = _requests_by_id(plan).get(str(params.get("request")), {})
    fmt = format_label(request.get("format"))
    role = institution_label(params.get("role"))
    if role:
        fmt_role = _("%(format)s (%(institution)s)") % {"format": fmt, "institution": role}
    else:
        fmt_role = fmt
    texts = {
        "months_avoided": lambda: (
            _("The %(format)s cannot take place: every month left is one the centre avoids.")
            % {"format": fmt}
        ),
        "no_qualified_speaker": lambda: (
            _("No speaker is qualified for the %(format)s.") % {"format": fmt_role}
        ),
        "no_speaker_in_reach": lambda: (
            _("No speaker within reach for the %(format)s.") % {"format": fmt_role}
        ),
        "hours_too_few": lambda: (
            _("The speakers within reach for the %(format)s have too few hours a month for it.")
            % {"format": fmt_role}
        ),
        "opening_hours": lambda: (
            _("The speakers for the %(format)s have no half-day free when the centre is open.")
            % {"format": fmt_role}
        ),
        "capacity_used_up": lambda: (
            _("The speakers' hours were used for other family centres (the %(format)s).")
            % {"format": fmt}
        ),
        "half_days": lambda: (
            _("No free half-day was left for the %(format)s: the speakers' dates were taken.")
            % {"format": fmt}
        ),
        "pin_not_eligible": lambda: _(
            "Pin not kept: the speakers may not hold this event (qualification, reach, months "
            "or hours)."
        ),
        "pin_conflict": lambda: _(
            "Pin not kept: it clashes with another pin (hours or half-days of a speaker)."
        ),
    }
    text = texts.get(reason["code"])
    return text() if text else _("Not planned (%(code)s).") % {"code": reason["code"]}


def headline(plan: dict) -> dict:
    """The tiles: centres covered (share, bound), requests served, speakers planned, largest
    load, travel."""
    objectives = plan.get("objectives", {})
    covered = int((objectives.get("centres_covered") or {}).get("value") or 0)
    bound = (objectives.get("centres_covered") or {}).get("bound")
    total = plan.get("centres_with_requests", 0)
    served = int((objectives.get("requests_served") or {}).get("value") or 0)
    demand = sum(r["demand"] for r in plan.get("requests", []))
    speakers = plan.get("speakers", [])
    loads = [s["load"] for s in speakers]
    return {
        "covered": covered,
        "total": total,
        "share": round(100 * covered / total) if total else None,
        "bound": int(bound) if bound is not None else None,
        "gap": int(bound) - covered if bound is not None and int(bound) > covered else 0,
        "served": served,
        "demand": demand,
        "speakers_planned": sum(1 for s in speakers if s["events"]),
        "speakers": len(speakers),
        "largest_load": round(100 * max(loads)) if loads else None,
        "travel_km": round(sum(s["travel_km"] for s in speakers)),
        "nobody": not speakers,
    }


def served_by_format(plan: dict) -> list[dict]:
    return [
        {"format": format_label(code), "served": served, "demand": demand}
        for code, (served, demand) in plan.get("served_by_format", {}).items()
    ]


def centre_rows(plan: dict) -> list[dict]:
    """The family centres, not served first, then partly, covered, without requests; each with
    its reasons in words."""
    order = {"none": 0, "partly": 1, "covered": 2, "no_requests": 3}
    rows = []
    for centre in plan.get("centres", []):
        reasons = []
        for reason in centre.get("reasons") or []:
            text = reason_text(reason, plan)
            if text and text not in reasons:
                reasons.append(text)
        rows.append(
            {
                "id": centre["id"],
                "name": centre["name"],
                "status": centre["status"],
                "status_text": status_text(centre["status"]),
                "served": centre["served"],
                "demand": centre["demand"],
                "reasons": reasons,
            }
        )
    rows.sort(key=lambda row: (order.get(row["status"], 9), row["name"]))
    return rows


def speaker_rows(plan: dict) -> list[dict]:
    rows = [
        {
            "id": s["id"],
            "name": s["name"],
            "institution": institution_label(s.get("institution")),
            "function": function_label(s.get("function")),
            "extra": s.get("extra", False),
            "hours": s["hours"],
            "hours_available": s["hours_available"],
            "load": round(100 * s["load"]),
            "events": s["events"],
            "travel_km": round(s["travel_km"]),
        }
        for s in plan.get("speakers", [])
    ]
    rows.sort(key=lambda row: (-row["load"], row["name"]))
    return rows


def relaxation_rows(plan: dict) -> list[dict]:
    requests = _requests_by_id(plan)
    names = {c["id"]: c["name"] for c in plan.get("centres", [])}
    rows = []
    for relaxation in plan.get("relaxations", []):
        request = requests.get(str(relaxation["request"]), {})
        rows.append(
            {
                "centre": names.get(request.get("centre"), ""),
                "format": format_label(request.get("format")),
                "month": MONTHS.get(relaxation["month"], relaxation["month"]),
                "reason": reason_text(relaxation.get("reason"), plan),
            }
        )
    return rows


def map_points(plan: dict) -> list[dict]:
    """The centres with a location, coloured by their status (map.js)."""
    return [
        {
            "lat": centre["point"][0],
            "lon": centre["point"][1],
            "name": f"{centre['name']}: {status_text(centre['status'])}",
            "colour": COLOURS.get(centre["status"], COLOURS["no_requests"]),
        }
        for centre in plan.get("centres", [])
        if centre.get("point")
    ]


# The comparison


def _covered(plan: dict) -> dict:
    return {c["id"]: c["name"] for c in plan.get("centres", []) if c["status"] == "covered"}


def comparison(result: dict, scenario_name: str) -> dict:
    """The base and the scenario side by side (both planned by the same run on the same data):
    the headline sentence, gained and lost centres, requests by format, speakers, travel, the
    marginal value of each added speaker."""
    plan, base = result["plan"], result["base"]
    base_name = result.get("base_name", "")
    ours, theirs = headline(plan), headline(base)
    covered, base_covered = _covered(plan), _covered(base)
    gained = sorted(name for pk, name in covered.items() if pk not in base_covered)
    lost = sorted(name for pk, name in base_covered.items() if pk not in covered)
    served, base_served = plan.get("served_by_format", {}), base.get("served_by_format", {})
    formats = []
    for code in sorted(set(served) | set(base_served)):
        a = base_served.get(code, [0, 0])
        b = served.get(code, [0, 0])
        formats.append(
            {
                "format": format_label(code),
                "base": a[0],
                "scenario": b[0],
                "demand": max(a[1], b[1]),
                "difference": b[0] - a[0],
            }
        )
    sentence = _(
        "With “%(scenario)s” %(covered)d of %(total)d family centres can be served, with "
        "“%(base)s” %(base_covered)d."
    ) % {
        "scenario": scenario_name,
        "covered": ours["covered"],
        "total": ours["total"],
        "base": base_name,
        "base_covered": theirs["covered"],
    }
    marginal = [
        {
            "name": entry["name"],
            "centres": entry["centres"],
            "text": ngettext(
                "%(name)s adds %(count)d family centre",
                "%(name)s adds %(count)d family centres",
                entry["centres"],
            )
            % {"name": entry["name"], "count": entry["centres"]},
        }
        for entry in sorted(result.get("marginal", []), key=lambda e: (-e["centres"], e["name"]))
    ]
    return {
        "sentence": sentence,
        "covered_difference": ours["covered"] - theirs["covered"],
        "served_difference": ours["served"] - theirs["served"],
        "speakers_difference": ours["speakers_planned"] - theirs["speakers_planned"],
        "travel_difference": ours["travel_km"] - theirs["travel_km"],
        "base_name": base_name,
        "scenario": ours,
        "base": theirs,
        "gained": gained,
        "lost": lost,
        "formats": formats,
        "speakers": _speaker_pairs(base, plan),
        "marginal": marginal,
        "points": _compare_points(plan, base),
    }


def _speaker_pairs(base: dict, plan: dict) -> list[dict]:
    """Hours (and events, km) of each speaker in the base and in the scenario."""
    rows = {}
    for column, source in (("base", base), ("scenario", plan)):
        for s in source.get("speakers", []):
            row = rows.setdefault(
                s["id"],
                {"name": s["name"], "extra": s.get("extra", False), "base": None, "scenario": None},
            )
            row[column] = {
                "hours": s["hours"],
                "available": s["hours_available"],
                "events": s["events"],
                "km": round(s["travel_km"]),
            }
    for row in rows.values():
        row["pair"] = [row["base"], row["scenario"]]
    return sorted(rows.values(), key=lambda row: (row["extra"], row["name"]))


def compare_status(in_scenario: bool, in_base: bool) -> tuple[str, str]:
    if in_scenario and in_base:
        return "both", _("covered in both")
    if in_scenario:
        return "gained", _("covered only with the scenario")
    if in_base:
        return "lost", _("covered only without the scenario")
    return "neither", _("covered in neither")


def _compare_points(plan: dict, base: dict) -> list[dict]:
    covered, base_covered = _covered(plan), _covered(base)
    points = []
    for centre in plan.get("centres", []):
        if not centre.get("point") or centre["status"] == "no_requests":
            continue
        key, text = compare_status(centre["id"] in covered, centre["id"] in base_covered)
        points.append(
            {
                "lat": centre["point"][0],
                "lon": centre["point"][1],
                "name": f"{centre['name']}: {text}",
                "colour": COLOURS[key],
            }
        )
    return points


def compare_rows(result: dict) -> list[dict]:
    """Every centre with requests: covered in both, only with the scenario, only without, in
    neither (the map's text alternative)."""
    covered, base_covered = _covered(result["plan"]), _covered(result["base"])
    rows = []
    for centre in result["plan"].get("centres", []):
        if centre["status"] == "no_requests":
            continue
        key, text = compare_status(centre["id"] in covered, centre["id"] in base_covered)
        rows.append({"name": centre["name"], "key": key, "text": text})
    order = {"gained": 0, "lost": 1, "both": 2, "neither": 3}
    rows.sort(key=lambda row: (order[row["key"]], row["name"]))
    return rows
