"""AcuChart: offline charting for acupuncture practitioners who treat neuropathy pain."""

__version__ = "0.1.0"
