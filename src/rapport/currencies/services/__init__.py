"""Every write of the currencies app: exchange rates, their CSV import, and the base currency."""

from rapport.currencies.services.base_currency import (
    BaseChange,
    change_base_currency,
    check_base_currency,
)
from rapport.currencies.services.rate_import import ImportResult, import_exchange_rates
from rapport.currencies.services.rates import (
    create_exchange_rate,
    delete_exchange_rate,
    update_exchange_rate,
)

__all__ = [
    "BaseChange",
    "ImportResult",
    "change_base_currency",
    "check_base_currency",
    "create_exchange_rate",
    "delete_exchange_rate",
    "import_exchange_rates",
    "update_exchange_rate",
]
