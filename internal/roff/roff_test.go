package roff

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"--use-file", `\-\-use\-file`},
		{`a\b`, `a\eb`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"run `govrrpd -t` first", `run \fBgovrrpd \-t\fR first`},
		{"an odd ` stays", "an odd ` stays"},
		{".x `y`", `\&.x \fBy\fR`},
	}
	for _, tt := range tests {
		if got := Inline(tt.in); got != tt.want {
			t.Errorf("Inline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPageLintsClean(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, "demo", 8, "2026-12-06", "demo 1.0", "System Administration")
	p.Name("demo", "a demonstration")
	p.Section("description")
	p.Para("Lines may start with\n.dots or 'quotes and hold `--flags`.")
	p.Item(Bold("-f")+", "+Bold("--use-file")+"="+Italic("FILE"), "the file")
	p.Example("demo -f /etc/x.conf", `echo \n`)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	err := Lint(b.Bytes())
	if errors.Is(err, ErrNoLinter) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if !strings.Contains(b.String(), `\&.dots`) {
		t.Errorf("a line starting with a dot was not protected:\n%s", b.String())
	}
	// The linter itself must catch a broken page.
	if Lint([]byte(".TH X 8\n.SH\n.BOGUS\n")) == nil {
		t.Error("Lint accepted a broken page")
	}
}
