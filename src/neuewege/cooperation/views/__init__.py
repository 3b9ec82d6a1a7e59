"""Staff pages of regional cooperation: the region dashboard and the state overview (figures,
which the state level reads too), and the region's own records — the Regionen-Check and its
versions, goals, the action plan, the steering group and its meetings. The people of the region
read those; its coordinator changes them (the person a task is given to may change its status);
the state level does not see them. Import from the module that holds the name:

- ``base``: ``CooperationPage``, what the pages of a region's cooperation share;
- ``dashboards``: the region dashboard, the state overview and its export;
- ``checks``: the Regionen-Check (versions, comparison, PDF) and the action plan it adds;
- ``tasks``: the action plan's tasks;
- ``steering_group``: the steering group, its meetings, minutes and invitations;
- ``goals``: goals and the values measured by hand;
- ``materials``: the materials libraries of a region and of the programme.
"""
