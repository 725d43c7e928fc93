package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/srcpos"
)

// lvsSamples are the corpus files with an LVS part, plus the project's own
// LVS test files.
func lvsSamples(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, g := range []string{
		"testdata/corpus/doc-samples/keepalived.conf.*",
		"testdata/corpus/from-docs/*.conf",
		"testdata/corpus/other/*/keepalived.conf*",
		"testdata/lvs/*.conf",
		"testdata/lvs/piranha/*.conf",
	} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no sample configurations found")
	}
	return files
}

// lvsPart is the LVS half of a Config with the Source fields cleared.
type lvsPart struct {
	VS       []ipvs.VirtualServer
	Groups   []ipvs.Group
	Checkers []check.Checker
	SSL      *check.TLSSettings
}

func lvsPartOf(c *Config) lvsPart {
	p := lvsPart{SSL: c.SSL}
	for _, v := range c.VirtualServers {
		v.Source = srcpos.Pos{}
		v.Reals = append([]ipvs.RealServer(nil), v.Reals...)
		for i := range v.Reals {
			v.Reals[i].Source = srcpos.Pos{}
		}
		if v.Options().Sorry != nil {
			s := *v.Options().Sorry
			s.Source = srcpos.Pos{}
			v.EditOptions().Sorry = &s
		}
		p.VS = append(p.VS, v)
	}
	for _, g := range c.ServerGroups {
		g.Source = ""
		p.Groups = append(p.Groups, g)
	}
	for _, ck := range c.Checkers {
		ck := *ck
		ck.Source = srcpos.Pos{}
		p.Checkers = append(p.Checkers, ck)
	}
	return p
}

func TestRoundTripLVS(t *testing.T) {
	for _, f := range lvsSamples(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c1, _ := Load(f, Options{})
			var buf bytes.Buffer
			if err := Print(&buf, c1); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "printed.conf")
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			c2, d2 := Load(out, Options{})
			for _, d := range d2 {
				if d.Severity == Warning && lvsDiag(d.Msg) {
					t.Errorf("printed file gives an LVS diagnostic: %v", d)
				}
			}
			p1, p2 := lvsPartOf(c1), lvsPartOf(c2)
			if !reflect.DeepEqual(p1, p2) {
				t.Fatalf("round trip differs\nfirst:  %+v\nsecond: %+v\nprinted:\n%s", p1, p2, buf.String())
			}
		})
	}
}

// lvsDiag tells the LVS half's diagnostics from the rest, so that a
// round-trip failure in someone else's section does not fail this test.
func lvsDiag(msg string) bool {
	for _, k := range []string{"irtual server", "real server", "real_server", "CHECK", "HTTP_GET", "digest", "url"} {
		if bytes.Contains([]byte(msg), []byte(k)) {
			return true
		}
	}
	return false
}
