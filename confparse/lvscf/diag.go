package lvscf

import (
	"fmt"

	"github.com/govrrpd/govrrpd/confparse"
)

// An lvs.cf message is a confparse.Diagnostic with a Key and the line in
// Pos (no file name, so it prints as "line N"). Info is a note (a key with
// no keepalived counterpart that loses nothing the user relied on),
// Warning a Piranha behaviour the converted configuration cannot reproduce
// or a leniency beyond Piranha's own parser, and Fatal stops the import:
// Piranha's daemons would not have run either.

// Err returns the first fatal diagnostic of ds as a Go error, or nil.
func Err(ds confparse.Diagnostics) error {
	for _, d := range ds {
		if d.Severity == confparse.Fatal {
			return &ParseError{Line: d.Pos.Line, Msg: d.Msg, Key: d.Key}
		}
	}
	return nil
}

// ParseError is a fatal problem. For syntax errors Msg is Piranha's own
// lvsStrerror text and Line is the line pulse would have named.
type ParseError struct {
	Line int
	Key  string
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Piranha's parse error texts (lvsStrerror), reproduced so that a user who
// knows pulse's messages recognises them.
const (
	errQuote      = "quotation mismatch"
	errEOF        = "unexpected end of file"
	errExtraArgs  = "unexpected arguments"
	errEqual      = "equal (=) expected after command"
	errMissing    = "missing arguments"
	errHost       = "invalid host name or ip address"
	errInvalidArg = "invalid argument"
	errInt        = "integer expected"
	errBool       = "boolean expected"
	errUnknown    = "unknown command"
	errList       = "list expected"
	errMask       = "Bad subnet mask specified"
	errEmpty      = "Empty configuration"
)
