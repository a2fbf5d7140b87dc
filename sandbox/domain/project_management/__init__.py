"""Project management records: RFIs, submittals, meetings and daily logs.

RFIs and their replies, submittals, meetings, manpower logs and daily log headers; their
shapes are in docs/procore-api.md#the-lists-we-read.

Generation walks every project's life up to the company clock; ``advance_project_management``
lets the same processes run on through a later window (RFIs answered and closed, submittals
moving through their workflow, new daily logs, some records deleted).

One module per Procore tool, each with its ``advance`` step: ``rfis``, ``submittals``,
``meetings``, ``daily_logs``; ``context`` holds a project's team and the shared moment
helpers, ``generation`` runs the tools in order.
"""

from .generation import advance_project_management, generate_project_management
from .rfis import RFIS_PER_PROJECT
from .submittals import SUBMITTAL_STATUSES, SUBMITTALS_PER_PROJECT

__all__ = [
    "RFIS_PER_PROJECT",
    "SUBMITTALS_PER_PROJECT",
    "SUBMITTAL_STATUSES",
    "advance_project_management",
    "generate_project_management",
]
