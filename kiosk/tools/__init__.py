"""Tools that drive the product from outside; the product never imports them.

script     `kiosk script`: the real app headless through a scenario
scenario   the scenario language (parser, event matching)
harness    scenarios against the pure session (no Kivy), virtual time
switch     the gateway behind a switch (`gateway down|up`, time spent in the gateway)
synthetic  synthetic IRBIS databases for benchmarks and tests
hwcheck    `kiosk hw-check`
stats      nearest-rank percentiles for the benchmarks
bench/     `kiosk bench` and its parts
"""
