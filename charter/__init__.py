"""Charters, their principles, the cities that sign them, and their signatures."""
