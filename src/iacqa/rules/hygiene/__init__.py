"""hygiene: conventions that make a stack deployable and removable many times (HYG*)."""
