"""The patient-facing views of the booking page: the form and its confirmation (book), and the
pages behind the emailed manage link (manage)."""
