package confparse

import (
	"fmt"
	"github.com/govrrpd/govrrpd/srcpos"
	"sort"
	"strings"
)

// Pos is a place in the configuration, kept through includes and parameter
// expansion so that every message can name FILE:LINE.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Severity orders diagnostics the way keepalived's -t exit status does: the
// exit code is the numeric maximum, so a warning (5) hides a "cannot run"
// error (4), and a script-security violation (6) hides both.
type Severity int

const (
	// Info is logged but does not change the exit status.
	Info Severity = 0
	// Fatal is keepalived's "cannot run" class: file not found, missing
	// interface. Exit status 4.
	Fatal Severity = 4
	// Warning is any other error or warning: unknown keyword, invalid value,
	// deprecated usage, a value corrected to a default. Exit status 5.
	Warning Severity = 5
	// Security is a script that would run as root without
	// enable_script_security. Exit status 6.
	Security Severity = 6
	// Stop is keepalived's CONFIG_MISSING_PARAMETER: a keyword whose
	// handler reads a value that is not there makes keepalived exit at
	// once with status 2, also under -t, and never run. It ranks above
	// every other class (so a reload refuses it), yet -t exits 2.
	Stop Severity = 7
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Fatal:
		return "error"
	case Warning:
		return "warning"
	case Security:
		return "security"
	case Stop:
		return "stop"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Diagnostic is one message about the configuration.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Msg)
}

// Diagnostics is every message from one load of the configuration.
type Diagnostics []Diagnostic

// ExitCode is the status `govrrpd -t` returns, with keepalived's meaning.
func (ds Diagnostics) ExitCode() int {
	code := 0
	for _, d := range ds {
		if d.Severity == Stop {
			return 2
		}
		if int(d.Severity) > code {
			code = int(d.Severity)
		}
	}
	return code
}

// HasErrors reports whether anything stops the daemon from running this
// configuration as written (anything above Info).
func (ds Diagnostics) HasErrors() bool { return ds.ExitCode() != 0 }

// Sorted returns the diagnostics ordered by file, line, then insertion.
func (ds Diagnostics) Sorted() Diagnostics {
	out := append(Diagnostics(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.File != out[j].Pos.File {
			return out[i].Pos.File < out[j].Pos.File
		}
		return out[i].Pos.Line < out[j].Pos.Line
	})
	return out
}

func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// src is p in the eight-byte form the settings types keep.
func (p Pos) src() srcpos.Pos { return srcpos.Make(p.File, p.Line) }

// posOf is the Pos of a compact position, for messages about settings
// that keep only their srcpos.
func posOf(s srcpos.Pos) Pos { return Pos{File: s.File(), Line: s.Line()} }
