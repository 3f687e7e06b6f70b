"""Rules, one subpackage per taxonomy family; see rules/base.py for the contract."""
