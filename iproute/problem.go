package iproute

import "errors"

// Level says who minds a problem: keepalived's reader (confparse) and the
// installer (internal/netconf) have always differed, because keepalived
// keeps entries the kernel would refuse and govrrpd refuses entries it
// cannot install faithfully.
type Level uint8

const (
	// Deprecated is keepalived's warning about an old spelling; the entry
	// works as written.
	Deprecated Level = iota + 1
	// Unsupported is an entry keepalived accepts quietly that govrrpd
	// cannot install as written: the installer refuses it.
	Unsupported
	// Invalid is a value keepalived warns about and leaves at its default,
	// keeping the entry; the installer refuses it.
	Invalid
	// Skip is an entry keepalived drops with a warning.
	Skip
)

// Problem is one thing wrong with an entry, in keepalived's wording where
// keepalived has a message for it.
type Problem struct {
	Level Level
	Msg   string
}

// Problems are an entry's problems in the order its words were read.
type Problems []Problem

// Skip reports whether keepalived would drop the entry.
func (ps Problems) Skip() bool {
	for _, p := range ps {
		if p.Level == Skip {
			return true
		}
	}
	return false
}

// Err is the first problem the installer refuses the entry for, or nil.
func (ps Problems) Err() error {
	for _, p := range ps {
		if p.Level >= Unsupported {
			return errors.New(p.Msg)
		}
	}
	return nil
}

// reader walks an entry's words and collects problems.
type reader struct {
	w    []string
	i    int
	kind string // "route" or "rule", for messages
	ps   Problems
}

func (r *reader) done() bool { return r.i >= len(r.w) }

func (r *reader) next() string {
	r.i++
	return r.w[r.i-1]
}

func (r *reader) peek() string {
	if r.i < len(r.w) {
		return r.w[r.i]
	}
	return ""
}

// value takes opt's argument; a missing one is reported at lvl.
func (r *reader) value(opt string, lvl Level) (string, bool) {
	if r.done() {
		r.add(lvl, r.kind+" option "+opt+" needs a value")
		return "", false
	}
	return r.next(), true
}

func (r *reader) add(lvl Level, msg string) { r.ps = append(r.ps, Problem{lvl, msg}) }
