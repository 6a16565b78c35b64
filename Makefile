# Two entry points that bootstrap everything they need in .venv (Python 3.11+ and the
# package registries are all that is required): `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out

.PHONY: demo test lint docs interop browser softhsm postgres bench bench-batch bench-signer bench-status fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,render]'
	@# bytecode, as a pip install of the wheel has it (an editable install under
	@# PYTHONDONTWRITEBYTECODE=1 would compile every module from source at each start)
	$(BIN)/python -m compileall -q src/mbo_vc
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mbo-vc demo --out $(DEMO_OUT)

# The JS reference stack (Digital Bazaar) is installed when Node.js is present; the interop
# tests skip with a clear reason when it is not.
interop:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix interop/js --no-audit --no-fund --loglevel=error; \
	else echo "node/npm not found: interop tests will be skipped"; fi

# Debian's Chromium for the screenshot test of the rendered HTML (tests/test_render.py); in CI
# (CI=true) that test fails rather than skips when no browser could be installed.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium not found and cannot be installed: the browser test will be skipped"; fi

# SoftHSM2 (Debian's softhsm2), the PKCS#11 token the HSM signing tests (tests/test_signer.py)
# and `make bench-signer` use; in CI (CI=true) those tests fail rather than skip without it.
softhsm:
	@if command -v softhsm2-util >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 >/dev/null; \
	else echo "softhsm2 not found and cannot be installed: the HSM signing tests will be skipped"; fi

# Debian's PostgreSQL server binaries for the PostgreSQL status registry tests (the tests start
# a throw-away server themselves, as an unprivileged user); in CI (CI=true) those tests fail
# rather than skip when no server could be installed.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "PostgreSQL not found and cannot be installed: the PostgreSQL tests will be skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy src/mbo_vc
	$(BIN)/lint-imports

test: $(STAMP) interop browser softhsm postgres lint docs
	$(BIN)/python -m pytest -q

# The API reference from the docstrings (mkdocs + mkdocstrings), warnings are errors.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict -q

bench: $(STAMP) interop
	$(BIN)/python bench/bench_sign_verify.py
	$(BIN)/python bench/bench_startup.py

# Batch verification: 10,000 credentials, a single-core loop against verify_many on 2 workers.
bench-batch: $(STAMP)
	$(BIN)/python bench/bench_batch.py --n 10000 --jobs 2 --chunk-sizes 1,4,16,64

# Signing throughput: a key file against a key in SoftHSM2 over PKCS#11 (P-256 and Ed25519).
bench-signer: $(STAMP) softhsm
	$(BIN)/python bench/bench_signer.py

# The status registry at scale: 1 M entries allocated, revoked and published on SQLite and
# PostgreSQL, 4 writer processes (a few minutes; not part of `make test`).
bench-status: $(STAMP) postgres
	$(BIN)/python bench/bench_status_scale.py

# The long fuzz run (about 110,000 inputs; not part of `make test`).
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run_fuzz.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) site interop/js/node_modules
