"""The coverage plan in words, for every page that shows one (the plan, the comparison, the
scenarios): the solver's status and reason codes (``planning/coverage.py``) as sentences with
their parameters, the centres' statuses, the headline figures and the rows of the tables and the
map; and the facts of a plan compared with its base (``compared``), which the comparison page
and the API both build on. Reads only the plan's JSON (``services.plans.plan_json``); the one
module of these texts."""

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


def centre_name(centre: dict) -> str:
    """A family centre's name, marked if the scenario adds it (the maps' labels)."""
    if centre.get("added"):
        return _("%(name)s (added)") % {"name": centre["name"]}
    return centre["name"]


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
                "added": bool(centre.get("added")),
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
            "name": f"{centre_name(centre)}: {status_text(centre['status'])}",
            "colour": COLOURS.get(centre["status"], COLOURS["no_requests"]),
        }
        for centre in plan.get("centres", [])
        if centre.get("point")
    ]


# The comparison


def _key(centre: dict):
    """A centre's identity across the two plans: its id, or for a family centre a scenario adds
    (ids "new-<i>" count per scenario) its name."""
    return f"new:{centre['name']}" if centre.get("added") else centre["id"]


def _covered(plan: dict) -> dict:
    return {_key(c): c for c in plan.get("centres", []) if c["status"] == "covered"}


def _centre(centre: dict) -> dict:
    return {"id": centre["id"], "name": centre["name"], "added": bool(centre.get("added"))}


def compared(result: dict) -> dict:
    """The facts of a run's plan beside its base's (both planned on the same data), in ids and
    numbers; the one place of them, for the page (``comparison``, ``compare_rows``) and the API:

    - ``gained`` and ``lost``: the family centres covered only in the scenario, only in the base
      ({id, name, added}, by id); ``covered_difference``: how many more the scenario covers;
    - ``formats``: per format code, the events served in the base and in the scenario and the
      events asked for (the larger demand of the two);
    - ``centres``: every family centre with requests in either plan ({id, name, added,
      point}) with ``covered`` and ``base_covered``, whether it is covered in each.
    """
    plan, base = result["plan"], result["base"]
    covered, base_covered = _covered(plan), _covered(base)
    formats = {}
    for column, side in (("base", base), ("scenario", plan)):
        for code, (served, demand) in side.get("served_by_format", {}).items():
            row = formats.setdefault(code, {"base": 0, "scenario": 0, "demand": 0})
            row[column] = served
            row["demand"] = max(row["demand"], demand)
    centres = {}
    for side in (plan, base):
        for centre in side.get("centres", []):
            if centre["status"] != "no_requests" and _key(centre) not in centres:
                centres[_key(centre)] = _centre(centre) | {
                    "point": centre.get("point"),
                    "covered": _key(centre) in covered,
                    "base_covered": _key(centre) in base_covered,
                }

    def by_id(entries):
        return sorted((_centre(c) for c in entries), key=lambda c: str(c["id"]))

    return {
        "gained": by_id(c for key, c in covered.items() if key not in base_covered),
        "lost": by_id(c for key, c in base_covered.items() if key not in covered),
        "covered_difference": len(covered) - len(base_covered),
        "formats": dict(sorted(formats.items())),
        "centres": list(centres.values()),
    }


def comparison(result: dict, scenario_name: str) -> dict:
    """The base and the scenario side by side for the page (the facts: ``compared``): the
    headline sentence, gained and lost centres by name, requests by format, speakers, travel,
    the marginal value of each added speaker, the map's points."""
    plan, base = result["plan"], result["base"]
    facts = compared(result)
    base_name = result.get("base_name", "")
    ours, theirs = headline(plan), headline(base)
    formats = [
        {
            "format": format_label(code),
            "base": row["base"],
            "scenario": row["scenario"],
            "demand": row["demand"],
            "difference": row["scenario"] - row["base"],
        }
        for code, row in facts["formats"].items()
    ]
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
        "covered_difference": facts["covered_difference"],
        "served_difference": ours["served"] - theirs["served"],
        "speakers_difference": ours["speakers_planned"] - theirs["speakers_planned"],
        "travel_difference": ours["travel_km"] - theirs["travel_km"],
        "base_name": base_name,
        "scenario": ours,
        "base": theirs,
        "gained": sorted(c["name"] for c in facts["gained"]),
        "lost": sorted(c["name"] for c in facts["lost"]),
        "added": sorted(c["name"] for c in facts["centres"] if c["added"]),
        "formats": formats,
        "speakers": _speaker_pairs(base, plan),
        "marginal": marginal,
        "points": _compare_points(facts),
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


def _compare_points(facts: dict) -> list[dict]:
    points = []
    for centre in facts["centres"]:
        if not centre["point"]:
            continue
        status, text = compare_status(centre["covered"], centre["base_covered"])
        points.append(
            {
                "lat": centre["point"][0],
                "lon": centre["point"][1],
                "name": f"{centre_name(centre)}: {text}",
                "colour": COLOURS[status],
            }
        )
    return points


def compare_rows(result: dict) -> list[dict]:
    """Every centre with requests: covered in both, only with the scenario, only without, in
    neither (the map's text alternative)."""
    rows = []
    for centre in compared(result)["centres"]:
        key, text = compare_status(centre["covered"], centre["base_covered"])
        rows.append({"name": centre["name"], "added": centre["added"], "key": key, "text": text})
    order = {"gained": 0, "lost": 1, "both": 2, "neither": 3}
    rows.sort(key=lambda row: (order[row["key"]], row["name"]))
    return rows
