package store

import "errors"

var (
	// ErrBadURL is returned by Open for a store URL it cannot use. The
	// message names the wrong part of the URL and never repeats its text.
	ErrBadURL = errors.New("store: bad redis URL")
	// ErrUnavailable is returned when the store does not answer a ping, or
	// the embedded store cannot start.
	ErrUnavailable = errors.New("store: unavailable")
)
