"""The balanced assignment's report in words, for its pages: the solver's reason codes (and the
service's own) as sentences, the rules of the assignment and how well a run met each, the solver's
status, and the report's sessions with their mix for the charts and tables. Reads only; the
service that writes the plan is ``services/assignment.py``."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from neuewege.core.models import Institution

from .models import TrainingSession

# the reasons of the service itself (the solver's codes are in planning/training_groups.py)
REGISTERED_DURING_RUN = "registered_during_run"
SESSION_CANCELLED_DURING_RUN = "session_cancelled_during_run"


# Reasons in words


def session_labels(sessions) -> dict[int, str]:
    """A short name of each session for the reasons: its date and place."""
    return {session.pk: session_label(session) for session in sessions}


def session_label(session: TrainingSession) -> str:
    day = formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT")
    place = session.place
    return f"{day} ({place})" if place else day


def _names(ids, labels) -> str:
    return ", ".join(labels.get(_int(sid), _("a session")) for sid in ids or ())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def kind_label(kind) -> str:
    try:
        return str(Institution.Kind(kind).label)
    except ValueError:
        return str(kind or "")


def reason_text(reason: dict | None, labels: dict[int, str]) -> str:
    """One sentence for a reason code of the solver (or of this service) with its parameters:
    why a person has their session or waits, why a session is proposed for cancellation, why a
    rule was relaxed."""
    if not reason or not reason.get("code"):
        return ""
    code, params = reason["code"], reason.get("params") or {}

    def session(name="session"):
        return labels.get(_int(params.get(name)), _("a session"))

    because = {
        "cancelled": _("it is proposed for cancellation"),
        "full": _("it is full"),
        "balance": _("the groups had to be balanced"),
    }.get(params.get("because"), _("the groups had to be balanced"))
    texts = {
        # why a person has their session
        "pinned": lambda: _("Pinned by the planner."),
        "unchanged": lambda: _("Unchanged since the last assignment."),
        "moved_session_cancelled": lambda: (
            _("Moved here: your previous session (%(previous)s) does not take place.")
            % {"previous": session("previous")}
        ),
        "moved_no_longer_available": lambda: (
            _("Moved here: you can no longer attend your previous session (%(previous)s).")
            % {"previous": session("previous")}
        ),
        "moved": lambda: (
            _("Moved here from %(previous)s to fill the sessions and balance the institutions.")
            % {"previous": session("previous")}
        ),
        "newly_placed": lambda: _("Placed in a free place of a session you can attend."),
        "only_available_session": lambda: _("The only session you can attend."),
        "available_session": lambda: _("One of the sessions you can attend (no preference given)."),
        "first_preference": lambda: _("Your first choice."),
        "ranked_preference": lambda: (
            _(
                "Your choice number %(rank)s: your first choice (%(first)s) was not possible "
                "because %(because)s."
            )
            % {"rank": params.get("rank"), "first": session("first_preference"), "because": because}
        ),
        "unranked_session": lambda: (
            _(
                "A session you can attend but did not rank: your first choice (%(first)s) was not "
                "possible because %(because)s."
            )
            % {"first": session("first_preference"), "because": because}
        ),
        # why a person waits
        "no_session_available": lambda: _(
            "Waiting list: none of the sessions you can attend takes place."
        ),
        "sessions_cancelled": lambda: (
            _(
                "Waiting list: the sessions you can attend (%(sessions)s) are proposed for "
                "cancellation."
            )
            % {"sessions": _names(params.get("sessions"), labels)}
        ),
        "sessions_full": lambda: (
            _("Waiting list: the sessions you can attend (%(sessions)s) are full.")
            % {"sessions": _names(params.get("sessions"), labels)}
        ),
        "not_placed": lambda: _(
            "Waiting list: placing you would have broken a session's size range."
        ),
        REGISTERED_DURING_RUN: lambda: _(
            "Waiting list: registered while the groups were being formed; the next run places you."
        ),
        SESSION_CANCELLED_DURING_RUN: lambda: _(
            "Waiting list: the session was cancelled while the groups were being formed."
        ),
        # why a session is proposed for cancellation
        "no_places": lambda: _("Proposed for cancellation: the session has no places."),
        "too_few_available": lambda: (
            _(
                "Proposed for cancellation: only %(available)s registrants can attend, at least "
                "%(minimum)s are needed."
            )
            % {"available": params.get("available"), "minimum": params.get("minimum")}
        ),
        "merged": lambda: (
            _(
                "Proposed for cancellation and merging: its %(available)s possible participants do "
                "not reach the minimum of %(minimum)s next to the other sessions; they went to "
                "%(into)s."
            )
            % {
                "available": params.get("available"),
                "minimum": params.get("minimum"),
                "into": _names(params.get("into"), labels) or _("the waiting list"),
            }
        ),
        # why a rule was relaxed
        "pin_not_available": lambda: _(
            "Pin not kept: the person cannot attend the session they were pinned to."
        ),
        "pin_session_full": lambda: (
            _("Pin not kept: %(pins)s people are pinned to a session of at most %(maximum)s.")
            % {"pins": params.get("pins"), "maximum": params.get("maximum")}
        ),
        "pin_session_below_minimum": lambda: (
            _(
                "Pin not kept: only %(available)s can attend the session, at least %(minimum)s are "
                "needed."
            )
            % {"available": params.get("available"), "minimum": params.get("minimum")}
        ),
        "pin_conflict": lambda: _("Pin not kept: it conflicts with other pins."),
        "above_ceiling": lambda: (
            _("%(count)s instead of at most %(ceiling)s: everyone placed who can be comes first.")
            % {"count": params.get("count"), "ceiling": params.get("ceiling")}
        ),
        "below_floor_too_few_available": lambda: (
            _(
                "%(count)s instead of at least %(floor)s: only %(available)s of this kind can "
                "attend the session."
            )
            % {
                "count": params.get("count"),
                "floor": params.get("floor"),
                "available": params.get("available"),
            }
        ),
        "below_floor": lambda: (
            _(
                "%(count)s instead of at least %(floor)s: the others of this kind are needed in "
                "other sessions."
            )
            % {"count": params.get("count"), "floor": params.get("floor")}
        ),
    }
    text = texts.get(code)
    return text() if text else code


# What the page shows of a run


def rules_met(result: dict) -> list[dict]:
    """The rules of the assignment and how well the run met each: ``met`` is True, False, or
    None (nothing to check)."""
    if not result or "objectives" not in result:
        return []
    objectives = result["objectives"]
    rules = []
    placed = objectives.get("placed", {})
    can = placed.get("bound") if placed.get("bound") is not None else result["registrants"]
    rules.append(
        {
            "rule": _("Everyone placed who can be"),
            "met": result["placed"] >= can,
            "detail": _("%(placed)s of %(registrants)s placed; at most %(can)s can be.")
            % {"placed": result["placed"], "registrants": result["registrants"], "can": int(can)},
        }
    )
    rules.append(
        {
            "rule": _("Availability and size ranges"),
            "met": True,
            "detail": _(
                "Kept everywhere: each person is in a session they can attend, each session that "
                "takes place is within its size range."
            ),
        }
    )
    band = [r for r in result["relaxations"] if r["rule"] == "mix_band"]
    rules.append(
        {
            "rule": _("Institution mix within its band"),
            "met": not band,
            "detail": ngettext(
                "Relaxed in %(count)d place (see the sessions).",
                "Relaxed in %(count)d places (see the sessions).",
                len(band),
            )
            % {"count": len(band)}
            if band
            else _("Every institution kind is within its band in every session."),
        }
    )
    deviation = objectives.get("worst_mix_deviation", {})
    bound = deviation.get("bound")
    rules.append(
        {
            "rule": _("Worst deviation from the target mix"),
            "met": bound is not None and deviation.get("value", 0) <= bound + 1e-9,
            "detail": (
                _("%(value)s persons; no plan can do better than %(bound)s.")
                % {"value": _number(deviation.get("value")), "bound": _number(bound)}
            )
            if bound is not None
            else _("%(value)s persons (no bound proven).")
            % {"value": _number(deviation.get("value"))},
        }
    )
    pins = [r for r in result["relaxations"] if r["rule"] == "pin"]
    if result.get("pins") or pins:
        rules.append(
            {
                "rule": _("Pins kept"),
                "met": not pins,
                "detail": _("%(kept)s of %(pins)s pins kept.")
                % {
                    "kept": int(objectives.get("pins_kept", {}).get("value", 0)),
                    "pins": result.get("pins", 0),
                },
            }
        )
    if result.get("rerun"):
        changes = objectives.get("changes", {})
        rules.append(
            {
                "rule": _("As few changes as possible"),
                "met": changes.get("bound") is None
                or changes.get("value", 0) <= changes["bound"] + 1e-9,
                "detail": ngettext(
                    "%(count)d person moved or unplaced since the last run.",
                    "%(count)d people moved or unplaced since the last run.",
                    int(changes.get("value", 0)),
                )
                % {"count": int(changes.get("value", 0))},
            }
        )
    first = sum(1 for r in result["reasons"].values() if r["code"] == "first_preference")
    ranked = sum(
        1
        for r in result["reasons"].values()
        if r["code"] in ("first_preference", "ranked_preference", "unranked_session")
    )
    if ranked:
        rules.append(
            {
                "rule": _("Preferences"),
                "met": None,
                "detail": _(
                    "%(first)s of %(ranked)s people with a preference got their first choice."
                )
                % {"first": first, "ranked": ranked},
            }
        )
    return rules


def _number(value) -> str:
    if value is None:
        return "–"
    return formats.number_format(round(float(value), 2), decimal_pos=None)


def solver_status_text(result: dict) -> str:
    status = result.get("status")
    gap = result.get("gap")
    if status == "optimal":
        return _("Optimal: every objective proven.")
    if status == "time_limit":
        return _(
            "Time limit reached: the best plan found; gap %(gap)s %% to the best bound proven."
        ) % {"gap": _number(100 * (gap or 0))}
    if status == "heuristic":
        return _("Heuristic plan (not optimised).")
    return str(status or "")


def sessions_shown(result: dict, sessions) -> list[dict]:
    """The report's sessions with their session record, label, chart data and reason."""
    by_pk = {session.pk: session for session in sessions}
    labels = session_labels(sessions)
    shown = []
    for row in result.get("sessions", []):
        record = by_pk.get(row["id"])
        band_relaxed = {
            r["kind"]: reason_text(r["reason"], labels)
            for r in result.get("relaxations", [])
            if r["rule"] == "mix_band" and r["session"] == row["id"]
        }
        mix = [
            {
                **line,
                "label": kind_label(line["kind"]),
                "relaxed": band_relaxed.get(line["kind"], ""),
            }
            for line in row["mix"]
        ]
        shown.append(
            {
                **row,
                "session": record,
                "label": labels.get(row["id"], "–"),
                "mix": mix,
                "reason_text": reason_text(row.get("reason"), labels),
                "chart": {
                    "id": f"mix-chart-{row['id']}",
                    "data": {
                        "labels": [line["label"] for line in mix],
                        "label": _("Participants"),
                        "values": [line["count"] for line in mix],
                    },
                },
            }
        )
    return shown


def pin_relaxations_shown(result: dict, sessions, registrations) -> list[str]:
    labels = session_labels(sessions)
    names = {registration.pk: registration.full_name for registration in registrations}
    return [
        _("%(name)s: %(reason)s")
        % {
            "name": names.get(_int(r["person"]), _("a person no longer registered")),
            "reason": reason_text(r["reason"], labels),
        }
        for r in result.get("relaxations", [])
        if r["rule"] == "pin"
    ]
