"""Who gets 200 on a GET in the permission matrix; everyone else of region A gets 403, of
region B 404, anonymous the login page. "public": everyone; "signed_in": every account."""

PUBLIC, SIGNED_IN = {"public"}, {"signed_in"}
READ_A = {"staff_a", "viewer_a", "coordinator_a", "state"}
COORD_A = {"coordinator_a"}
PLAN_A = {"coordinator_a", "staff_a"}  # staff_a works at family centre A
