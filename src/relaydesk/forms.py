"""What every area's forms share: a service's refusal shown beside the field it names."""

from relaydesk.errors import InvalidInput


class ShowsInvalidInput:
    """A form mixin: each error of an InvalidInput beside its field, or above the form when
    the field is not one of the form's."""

    def add_invalid_input(self, invalid: InvalidInput) -> None:
        for name, messages in invalid.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
