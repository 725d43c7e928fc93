package manconf

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/roff"
)

// TestBGPKeysMatchParser: the manual lists exactly the --bgp-config
// keywords the parser reads, each under its block.
func TestBGPKeysMatchParser(t *testing.T) {
	got := map[string][]string{}
	for _, k := range BGPKeys {
		got[k.Block] = append(got[k.Block], k.Keyword)
	}
	for b := range got {
		slices.Sort(got[b])
	}
	want := confparse.BGPKeywords()
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("manual %v\nparser %v", got, want)
	}
}

func TestBGPSectionRenders(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, &Table{}, "2026-01-01", "test"); err != nil {
		t.Fatal(err)
	}
	if err := roff.Lint(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `.SH "BGP CONFIGURATION FILE"`) || !strings.Contains(b.String(), `\fBshutdown_grace\fR`) {
		t.Errorf("no BGP section:\n%s", b.String())
	}
}
