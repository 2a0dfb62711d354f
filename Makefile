# The two commands the README promises: `make run` and `make test`.
# Both create .venv at the repository root and install what they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := libgl1 libegl1 libgl1-mesa-dri libmtdev1 libusb-1.0-0 espeak-ng alsa-utils sox \
	mosquitto fonts-dejavu-core linux-libc-dev systemd \
	chromium chromium-driver openssl shellcheck

export KIVY_NO_ARGS := 1
export KIVY_NO_CONSOLELOG := 1

.PHONY: run test deps apt lint bench clean

run: deps
	$(VENV)/bin/kiosk run

test: deps
	$(PY) -m ruff check kiosk hardware tests
	$(PY) -m pytest -q tests

bench: deps
	$(VENV)/bin/kiosk bench --quick

lint: deps
	$(PY) -m ruff check kiosk hardware tests

deps: apt $(STAMP)

# Debian packages: installed only when running as root and something is missing.
apt:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then \
			echo "apt-get install:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
