"""`kiosk bench`: main (the suite, one JSON object), app (the real `kiosk run` path),
irbis (checkout latency, many kiosks), session (the pure session), server (the embedded
IRBIS server), speech (first audio, cue latency)."""
