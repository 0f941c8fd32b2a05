"""The follow-up ledger: long-term care after the pairing, month by month.

programme folder ──load──▶ Programme ──sync──▶ ledger (SQLite by default,
PostgreSQL by URL) ◀──import── filled record sheets; ``due``, ``report`` and
``remind`` read the ledger. See docs/ARCHITECTURE.md.
"""
