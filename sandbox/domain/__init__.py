"""The parts of a generated company: shared building blocks and one module per domain."""
