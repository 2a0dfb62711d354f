"""The library system: IRBIS64 records and client protocol over TCP or the Web-IRBIS HTTP
tunnel, the library's loan rules, circulation for the session and `kiosk circ`, and the
embedded server (`kiosk sim`) used as the default gateway and in tests."""
