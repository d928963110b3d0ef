"""The printed documents (ReportLab): visit summaries, progress reports, handouts.

ReportLab checks every attribute set on a drawing shape against its type when
``shapeChecking`` is on (the default, for developing drawings). Our diagrams set
hundreds of thousands of them per report and are read back by the tests, so the
check is off. It is set through the environment, which ReportLab reads when it is
first imported: this package must not import ReportLab itself (the command line
imports the handout texts at start, and ReportLab is not loaded at start).
"""

import os

os.environ.setdefault("RL_shapeChecking", "0")
