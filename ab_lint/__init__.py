"""ab-lint: how far a Cumulus parachain is on the road to asynchronous backing."""

__version__ = "0.1.0"
