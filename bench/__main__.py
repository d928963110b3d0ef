import sys

from bench.patient_search import main

sys.exit(main())
