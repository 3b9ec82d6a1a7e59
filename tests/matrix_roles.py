"""Who gets 200 on a GET in the permission matrix; everyone else of region A gets 403, of
region B 404, anonymous the login page. "public": everyone; "signed_in": every account.
"background": a long export — who may gets 302 to the page that waits for the file instead of
200. "owner": what one account made for itself (a long export's file): 404 for all others."""

PUBLIC, SIGNED_IN = {"public"}, {"signed_in"}
# Steps of signing in: anonymous is sent to the login page; a signed-in account gets the page or
# is sent on to the step it is at (e.g. "set up" redirects to "manage" once an app exists).
SIGN_IN_STEP = {"sign_in_step"}
READ_A = {"staff_a", "viewer_a", "coordinator_a", "state"}
COORD_A = {"coordinator_a"}
PLAN_A = {"coordinator_a", "staff_a"}  # staff_a works at family centre A


class Writers(frozenset):
    """An API write route that these roles may use (with a valid body: 200, 201 or 202) — where
    the policy grants a write beyond region A's coordinator (e.g. trainings.plan: the state level
    too); every other account gets 4xx and changes nothing."""


# The matrix's accounts and the role each one has; the "_a" accounts work in region A (staff_a at
# family centre A, where the matrix's records of an institution lie), the "_b" ones in region B.
ROLE_OF = {
    "staff_a": "staff",
    "viewer_a": "viewer",
    "coordinator_a": "coordinator",
    "staff_b": "staff",
    "coordinator_b": "coordinator",
    "state": "state",
}
# Pages and files of no region (the programme's catalogue and library, the state's figures): a
# there is a grant of PROGRAMME; everyone without it gets 403.
OF_NO_REGION = {
    "format-update",
    "state-overview",
    "state-overview-export",
    "results-state",
    "results-state-export",
    "export",  # walked with the state's overview
    "programme-material-list",
    "programme-material-create",
    "module-list",
    "module-update",
    "training-state-overview",
    "training-state-overview-export",
    "training-state-list",
    "training-state-create",
    "coverage-state",
}


def roles_granted(permission_name: str, page: str) -> set[str]:
    """Who gets 200 on ``page`` (of region A, unless it is of no region), read from the table of
    permissions (core.access.PERMISSIONS) — not from the views."""
    from neuewege.core.access import PERMISSIONS, Reach
    from neuewege.core.access import SIGN_IN_STEP as STEP
    from neuewege.core.access import SIGNED_IN as ANY

    permission = PERMISSIONS[permission_name]
    if permission.public:
        return PUBLIC
    if permission_name == ANY:
        return SIGNED_IN
    if permission_name == STEP:
        return SIGN_IN_STEP
    if page in OF_NO_REGION:
        granted = {
            account
            for account, role in ROLE_OF.items()
            if Reach.PROGRAMME in permission.reach(role)
        }
        return granted | {"no_region"}
    granted = set()
    for account in ("staff_a", "viewer_a", "coordinator_a", "state"):
        reach = permission.reach(ROLE_OF[account])
        if Reach.REGIONS in reach or (account == "staff_a" and Reach.INSTITUTION in reach):
            granted.add(account)
    return granted


BACKGROUND, OWNER = "background", "owner"
