package confparse

import (
	"strings"
	"testing"
)

// ${_ENV NAME} (keepalived 2.4.0): substituted with a note saying 2.2.7
// would leave it as written; any other shape is not the parameter and
// stays as text.
func TestEnvParameterForms(t *testing.T) {
	t.Setenv("GOVRRPD_T_ENV", "v4lue")
	t.Setenv("GOVRRPD_T_EMPTY", "")
	cases := []struct {
		name, in, out, note string
	}{
		{"set", "a ${_ENV GOVRRPD_T_ENV} b\n", "1: a v4lue b", `${_ENV GOVRRPD_T_ENV} is a keepalived 2.4 parameter (2.2.7 leaves it as written); substituted "v4lue"`},
		{"several blanks", "a ${_ENV   GOVRRPD_T_ENV}\n", "1: a v4lue", `substituted "v4lue"`},
		{"set but empty", "a ${_ENV GOVRRPD_T_EMPTY}b\n", "1: a b", `substituted ""`},
		{"unset", "a ${_ENV GOVRRPD_T_UNSET_XYZ} b\n", "1: a  b", `substituted ""`},
		// Left as text, the braces then part the line as any braces do.
		{"no name", "a ${_ENV } b\n", "1: a $\n1: {\n1: _ENV\n1: }\n1: b", ""},
		{"no blank before the name", "a ${_ENVGOVRRPD_T_ENV} b\n", "1: a $\n1: {\n1: _ENVGOVRRPD_T_ENV\n1: }\n1: b", ""},
		{"two names", "a ${_ENV GOVRRPD_T_ENV X} b\n", "1: a $\n1: {\n1: _ENV GOVRRPD_T_ENV X\n1: }\n1: b", ""},
		{"unclosed", "a ${_ENV GOVRRPD_T_ENV b\n", "1: a $\n1: {\n1: _ENV GOVRRPD_T_ENV b", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, diags := preLines(t, map[string]string{"main.conf": c.in}, Options{})
			if strings.Join(got, "\n") != c.out {
				t.Errorf("got %q, want %q", strings.Join(got, "\n"), c.out)
			}
			var notes []string
			for _, d := range diags {
				if d.Severity != Info || d.Pos.Line != 1 {
					t.Errorf("diagnostic %v: want a note at line 1", d)
				}
				notes = append(notes, d.Msg)
			}
			switch {
			case c.note == "" && len(notes) > 0:
				t.Errorf("notes %q, want none", notes)
			case c.note != "" && (len(notes) != 1 || !strings.Contains(notes[0], c.note)):
				t.Errorf("notes %q, want one containing %q", notes, c.note)
			}
		})
	}
}
