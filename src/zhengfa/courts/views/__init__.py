"""The courts' pages. Thin: forms parse, services decide, selectors read; a refused action
re-renders its form with the service's field errors next to the fields."""
