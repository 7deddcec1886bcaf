"""Manager digests: the figures of a period, their schedule, delivery, chart and the `partnerbot report` renderings."""
