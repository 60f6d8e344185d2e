"""Track the commitments in Chinese government work reports across years.

The pipeline, one module per step (data flows one way):
ingest -> segment -> quantity -> extract -> match -> diff -> render -> store.
"""

__version__ = "0.1.0"
