"""A local Delta Sharing server: Procore Analytics' Delta Share, served from local Delta tables."""

from .deltalog import DeltaLog, DeltaLogError, Snapshot
from .server import DeltaSharingServer, SharingError

__all__ = ["DeltaLog", "DeltaLogError", "DeltaSharingServer", "SharingError", "Snapshot"]
