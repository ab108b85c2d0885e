"""Django's SQLite backend with write transactions handed over in-process (see ``base``)."""
