"""A faithful local Procore: one generated construction company behind the REST API."""

from .generator import SCALES, Company, advance, generate_company
from .server import ProcoreSandbox, SandboxSettings

__all__ = [
    "SCALES",
    "Company",
    "ProcoreSandbox",
    "SandboxSettings",
    "advance",
    "generate_company",
]
