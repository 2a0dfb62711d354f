"""The staff tests' real mosquitto broker fixture, for the statistics over MQTT."""

from tests.staff.conftest import broker  # noqa: F401
