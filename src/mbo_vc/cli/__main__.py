"""``python -m mbo_vc.cli``: the same as ``mbo-vc``."""

from mbo_vc.cli import main

raise SystemExit(main())
