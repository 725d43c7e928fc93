package script

import "strings"

// Spec is one configured command.
type Spec struct {
	// Raw is the command as written in the configuration (after keepalived's
	// unquoting), kept for dumps and for the /bin/sh -c fallback.
	Raw string
	// Argv is Raw split as keepalived splits it: spaces separate words,
	// single quotes group, backslash escapes are decoded.
	Argv []string
	// User and Group are the optional run-as identity given after the
	// command; empty means the global script_user (or root).
	User  string
	Group string
}

// IsZero reports whether no command was configured.
func (s Spec) IsZero() bool { return len(s.Argv) == 0 && s.Raw == "" }

// String renders the spec the way the printer writes it back.
func (s Spec) String() string {
	if s.User == "" {
		return s.Raw
	}
	if s.Group == "" {
		return s.Raw + " " + s.User
	}
	return strings.Join([]string{s.Raw, s.User, s.Group}, " ")
}
