package lvscf

import (
	"fmt"
	"strings"
)

// Severity separates what the tests compare (warnings, a stable key
// catalogue) from free-form notes and from errors that stop the import.
type Severity int

const (
	// Info is a note: a key with no keepalived counterpart that loses
	// nothing the user relied on.
	Info Severity = iota
	// Warning is a Piranha behaviour the converted configuration cannot
	// reproduce, or a leniency beyond Piranha's own parser.
	Warning
	// Error stops the import: Piranha's daemons would not have run either.
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "INFO"
	case Warning:
		return "WARNING"
	}
	return "ERROR"
}

// Diagnostic is one message about the input, keyed so that tools and tests
// can recognise it without parsing prose.
type Diagnostic struct {
	Severity Severity
	Key      string
	Line     int // 1-based line in lvs.cf; 0 when the message is about the whole file
	Msg      string
}

func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s %s: line %d: %s", d.Severity, d.Key, d.Line, d.Msg)
	}
	return fmt.Sprintf("%s %s: %s", d.Severity, d.Key, d.Msg)
}

// Diagnostics is every message of one parse or conversion, in order.
type Diagnostics []Diagnostic

// WarningKeys lists the keys of the warnings, one entry per warning, in
// order; the golden tests compare these.
func (ds Diagnostics) WarningKeys() []string {
	var keys []string
	for _, d := range ds {
		if d.Severity == Warning {
			keys = append(keys, d.Key)
		}
	}
	return keys
}

// Err returns the first error as a Go error, or nil.
func (ds Diagnostics) Err() error {
	for _, d := range ds {
		if d.Severity == Error {
			return &ParseError{Line: d.Line, Msg: d.Msg, Key: d.Key}
		}
	}
	return nil
}

func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
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
