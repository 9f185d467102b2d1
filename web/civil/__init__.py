"""Civil society's pages once signed in as a reviewer: challenge a claim, answer back, follow
one's own challenges."""
