package confparse

import (
	"fmt"
	"strings"

	"github.com/govrrpd/govrrpd/script"
)

// parseScript is a temporary stand-in for the preprocessor engineer's
// scriptword.go, kept only until that file lands: it reads a command word
// and the optional run-as user and group with keepalived's simplest rules
// (spaces split argv, single quotes group).
func parseScript(words []Word) (script.Spec, error) {
	if len(words) == 0 || words[0].Text == "" {
		return script.Spec{}, fmt.Errorf("no command given")
	}
	s := script.Spec{Raw: words[0].Text}
	var cur strings.Builder
	inQ, have := false, false
	for _, c := range words[0].Text {
		switch {
		case c == '\'':
			inQ, have = !inQ, true
		case c == ' ' && !inQ:
			if have {
				s.Argv = append(s.Argv, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteRune(c)
			have = true
		}
	}
	if have {
		s.Argv = append(s.Argv, cur.String())
	}
	if len(words) > 1 {
		u := words[1].Text
		if i := strings.IndexByte(u, ':'); i >= 0 {
			s.User, s.Group = u[:i], u[i+1:]
		} else {
			s.User = u
		}
	}
	if len(words) > 2 && s.Group == "" {
		s.Group = words[2].Text
	}
	return s, nil
}
