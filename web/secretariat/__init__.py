"""The network secretariat's pages: the review queue and the reviews it leads to."""
