"""The waitlist: patients for whom no time suits ask for earlier times; freed times are offered to
them by email (one at a time with a hold, or everyone at once) and claimed through a signed link."""
