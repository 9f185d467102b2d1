"""The public's pages: anyone may read them, without signing in. Only published claims appear."""
