"""Municipal commitments, the cities' adoptions of them, and their status timelines."""
