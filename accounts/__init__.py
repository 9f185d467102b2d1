"""Users, their memberships (role and city), and API tokens; turns credentials into a `Caller`."""
