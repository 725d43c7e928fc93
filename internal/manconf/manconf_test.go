package manconf

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/roff"
)

const sample = "# title\n\nintro text\n\n## Root keywords\n\n" +
	"| keyword | class | note |\n|---|---|---|\n" +
	"| `instance` | modelled | `GlobalDefs.Instance` |\n" +
	"| `child_wait_time`, `*_process_name` | no effect | |\n\n" +
	"Some *emphasis* and `vrrp_garp_*` prose.\n\n" +
	"## vrrp_instance\n\n| keyword | class |\n|---|---|\n| `debug` | no effect (a no-op in keepalived too) |\n"

func TestParse(t *testing.T) {
	tab, err := Parse("k.md", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Root keywords/instance":        "modelled",
		"Root keywords/child_wait_time": "no effect",
		"Root keywords/*_process_name":  "no effect",
		"vrrp_instance/debug":           "no effect (a no-op in keepalived too)",
	}
	got := tab.Statuses()
	if len(got) != len(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if p := tab.Sections[0].Prose; len(p) != 1 || !strings.Contains(p[0], "emphasis") {
		t.Errorf("prose %q", p)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no sections", "just text\n", "no ## sections"},
		{"no status column", "## a\n\n| keyword | note |\n|---|---|\n| `x` | y |\n", "k.md:3: table header"},
		{"empty status", "## a\n\n| keyword | class |\n|---|---|\n| `x` | |\n", "k.md:5: row \"`x`\" has no status"},
		{"no keyword in row", "## a\n\n| keyword | class |\n|---|---|\n| x | modelled |\n", "k.md:5: row \"x\" names no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("k.md", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// The statuses govrrpd.conf(5) shows, read back from the rendered page,
// must be the table's, keyword by keyword.
func TestPageStatusesMatchTable(t *testing.T) {
	src, err := os.ReadFile("../../docs/keywords.md")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Parse("docs/keywords.md", src)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := Write(&page, tab, "2026-12-06", "govrrpd test"); err != nil {
		t.Fatal(err)
	}
	want, got := tab.Statuses(), pageStatuses(t, page.String())
	if len(want) < 50 {
		t.Fatalf("only %d keywords in docs/keywords.md", len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("govrrpd.conf(5) %s: status %q, table %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("govrrpd.conf(5) lists %s, the table does not", k)
		}
	}
	if err := roff.Lint(page.Bytes()); errors.Is(err, roff.ErrNoLinter) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
}

var boldRe = regexp.MustCompile(`\\fB(.*?)\\fR`)

// pageStatuses reads "subsection/keyword" → status from the .SS and .TP
// items of a rendered page (tag line: bold keywords; body: "status: note").
func pageStatuses(t *testing.T, page string) map[string]string {
	unescape := strings.NewReplacer(`\-`, "-", `\e`, `\`, `\&`, "", `\:`, "").Replace
	m := map[string]string{}
	lines := strings.Split(page, "\n")
	sub := ""
	for i := 0; i < len(lines); i++ {
		switch {
		case strings.HasPrefix(lines[i], ".SS "):
			sub = unescape(strings.Trim(strings.TrimPrefix(lines[i], ".SS "), `"`))
		case strings.HasPrefix(lines[i], ".SH "):
			sub = ""
		case lines[i] == ".TP" && sub != "" && i+2 < len(lines):
			status, _, _ := strings.Cut(unescape(lines[i+2]), ": ")
			for _, b := range boldRe.FindAllStringSubmatch(lines[i+1], -1) {
				m[sub+"/"+unescape(b[1])] = status
			}
		}
	}
	return m
}
