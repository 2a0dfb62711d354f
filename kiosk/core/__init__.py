"""The session: what the patron sees and what happens on each scan, key and tap. Pure
Python (the standard library and this package only): no Kivy, no devices, no network;
everything else reacts to its View and its events. Settings come in as plain values."""
