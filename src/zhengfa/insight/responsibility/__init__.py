"""Target responsibility agreements (目标责任书): per unit and year, targets on measurable
indicators set by the commission, scored from the data with the formula shown."""
