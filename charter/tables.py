"""Tables of the charter app: what a charter says, and which cities have signed it."""

from __future__ import annotations

from piccolo.columns import JSON, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from charter.choices import SignatureStatus
from kernel.claim_columns import ClaimColumns


class Charter(Table, tablename="charter"):
    """A human-rights charter for cities (Lampedusa, Sousse, Global Charter-Agenda...).

    Its texts are translatable: `{"fr": ..., "ar": ...}`; `lang` is the language of the text the
    charter was first imported in, used when a translation is missing.
    """

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    slug = Varchar(length=64, unique=True, help_text="Stable public key used in URLs and exports.")
    lang = Varchar(length=8, help_text="Language of the base text, the fallback for translations.")
    title = JSON(help_text="Title by language.")
    preamble = JSON(help_text="Preamble (Markdown) by language.")
    issuer = Varchar(length=255, default="", help_text="Network or body that issued the charter.")
    adopted_on = Date(null=True, default=None, help_text="When the issuer adopted the text.")
    source_url = Varchar(length=1024, null=True, default=None, help_text="Where the text is published.")
    edition = Varchar(
        length=32,
        default="1",
        help_text="Edition of the charter's text (`version` in the API and its Markdown).",
    )
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
    updated_at = Timestamptz(default=TimestamptzNow())


class CharterPart:
    """The columns of every part of a charter (a principle, a commitment, an indicator): its
    public code and key, its place among its siblings, its title. Mixed into a table before
    `Table`; Piccolo copies each column into the table."""

    code = Varchar(length=64, help_text="Code, unique within the charter (e.g. DIG, LAM-DIG-01).")
    key = Varchar(length=160, unique=True, help_text="`charter-slug/CODE`, globally unique.")
    position = Integer(
        default=0, help_text="Order among its siblings (in the charter, the principle or the commitment)."
    )
    title = JSON(help_text="Title by language.")


class Principle(CharterPart, Table, tablename="principle"):
    """A principle of a charter (Dignity, Equity, Recognition...), grouping commitments."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    charter = ForeignKey(references=Charter, null=False, index=True)
    description = JSON(help_text="Description (Markdown) by language.")


class City(Table, tablename="city"):
    """A local government that can sign charters and report on its commitments."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    slug = Varchar(length=64, unique=True, help_text="Stable public key (e.g. sousse).")
    name = JSON(help_text="Name by language, in its own script too (سوسة beside Sousse).")
    country = Varchar(length=2, index=True, help_text="ISO 3166-1 alpha-2 code.")
    locale = Varchar(length=16, help_text="Locale for numbers and dates, e.g. fr-TN or ar-JO.")
    population = Integer(null=True, default=None, help_text="Residents, if known.")
    region = Varchar(
        length=3,
        null=True,
        default=None,
        index=True,
        help_text="UN M49 sub-region code, e.g. 015 Northern Africa, 039 Southern Europe.",
    )
    networks = JSON(default="[]", help_text="Codes of the city networks it belongs to (MC2CM, UCLG...).")
    time_zone = Varchar(
        length=64, null=True, default=None, help_text="IANA time zone the city lives in (Africa/Tunis)."
    )
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
    updated_at = Timestamptz(default=TimestamptzNow())


class Signature(ClaimColumns, Table, tablename="signature"):
    """A city's signature of a charter, by a named act (council decision, mayor's signature)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    charter = ForeignKey(references=Charter, null=False, index=True)
    signed_on = Date(help_text="Date of the act.")
    act = Text(default="", help_text="The act: council decision number, signature by the mayor...")
    status = Varchar(length=16, choices=SignatureStatus, default=SignatureStatus.signed)
    created_at = Timestamptz(default=TimestamptzNow())
