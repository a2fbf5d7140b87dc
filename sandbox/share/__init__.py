"""A local Delta Sharing server: Procore Analytics' Delta Share, served from local Delta tables."""

from .deltalog import DeltaLog, DeltaLogError, Snapshot
from .server import DeltaSharingServer, SharingError
from .tables import ShareSettings

__all__ = [
    "DeltaLog",
    "DeltaLogError",
    "DeltaSharingServer",
    "ShareSettings",
    "SharingError",
    "Snapshot",
]
