"""Courts: trial process management (审判流程管理) on the flow engine.

So far (docs/courts.md):
- ``casenumber``: parse_case_number / format_case_number / check_court_code, the SPC
  case-type table as data (pure Python, no Django);
- ``models``: CauseCatalogue and Cause, catalogues of causes of action with their dates;
- ``services.cause_catalogue_import`` and ``selectors.causes_in_force``;
- ``zhengfa courts case-number | case-types | import-causes``.
"""
