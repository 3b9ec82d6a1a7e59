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
BACKGROUND, OWNER = "background", "owner"
