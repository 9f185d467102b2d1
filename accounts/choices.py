"""Vocabularies of the accounts app: the roles a membership gives are the kernel's."""

from kernel.caller import Role

__all__ = ["Role"]
