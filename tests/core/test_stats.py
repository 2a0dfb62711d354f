from kiosk.tools.stats import percentile


def test_nearest_rank_percentile():
    samples = [float(v) for v in range(1, 101)]  # 1..100, shuffled order does not matter
    assert percentile(samples[::-1], 50) == 51.0
    assert percentile(samples, 95) == 95.0
    assert percentile(samples, 100) == 100.0 and percentile(samples, 0) == 1.0
    assert percentile([], 95) is None
