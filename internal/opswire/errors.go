package opswire

import (
	"context"
	"errors"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
)

// ErrorOf fills an answer's Err and Class from err.
func ErrorOf(m *Msg, err error) {
	if err == nil {
		return
	}
	m.Err = err.Error()
	switch {
	case errors.Is(err, ctlapi.ErrNotFound):
		m.Class = ClassNotFound
	case errors.Is(err, ctlapi.ErrInvalid):
		m.Class = ClassInvalid
	case errors.Is(err, context.DeadlineExceeded):
		m.Class = ClassDeadline
	}
}

// remoteError is an error the daemon answered: its text, and the class
// it wraps.
type remoteError struct {
	msg   string
	class error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.class }

// Failure is an answer.s error, wrapping the sentinel of its class so that
// errors.Is sees ctlapi.ErrNotFound where the daemon returned it; nil
// when the answer is no error.
func (m Msg) Failure() error {
	if m.Err == "" {
		return nil
	}
	var class error
	switch m.Class {
	case ClassNotFound:
		class = ctlapi.ErrNotFound
	case ClassInvalid:
		class = ctlapi.ErrInvalid
	case ClassDeadline:
		class = context.DeadlineExceeded
	}
	return &remoteError{msg: m.Err, class: class}
}
