"""Core's pages. Import from the module that holds the name:

- ``base``: what every staff page builds on, in every app (``AccessMixin``, ``submit``,
  ``add_domain_errors``, ``paginate``, ``ConfirmDeleteMixin``, ``progress_response``);
- ``master_data``: regions, institutions (opening hours, a family centre's network), people;
- ``accounts``: a region's accounts, invitations, second-factor reset and requirement; API tokens;
- ``imports``: upload, check and confirmation of an import, the template to fill in;
- ``privacy``: the region's change log, a parent's data (copy, erasure);
- ``signing_in``: password change, the invitation link, the second factor;
- ``public_pages``: the start page, legal pages, barrier report, language switch, health check.
"""
