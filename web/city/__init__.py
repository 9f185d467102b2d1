"""The city's workspace: the pages a city's officers (and the secretariat) use to keep the
city's commitments up to date."""
