package deps

import (
	"os/exec"
	"strings"
	"testing"
)

// heavy are packages the daemon's binary must not link: each was there for
// a few bytes of work, and each cost resident pages in every govrrpd at
// idle (its code, its init-time tables) — see docs/scale.md, "Idle RSS".
var heavy = map[string]string{
	"github.com/gopacket/gopacket": "the BFD and GARP frames are a few fixed fields, built by hand",
	"github.com/prometheus": "/metrics is a text page internal/metrics writes itself; client_golang's " +
		"registry, protobuf model and process collector cost 2 MB resident at idle",
	"google.golang.org/protobuf": "only Prometheus's client linked it, and its registry initialises at start",
	"github.com/miekg/dns": "DNS_CHECK sends one question and reads a reply's header (check/dnsmsg.go); the " +
		"library was 300 KB of code whose init built its tables in every daemon",
	"html/template": "the console writes its pages in Go (internal/console/escape.go); text/template's " +
		"reflect.Value.MethodByName made the linker keep every exported method of the binary (docs/scale.md, Session 8)",
	"text/template": "as html/template: its method lookup by name keeps every exported method linked",
}

func TestBinaryLeavesOutHeavyPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/cmd/govrrpd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for p := range strings.Lines(string(out)) {
		p = strings.TrimSpace(p)
		seen++
		for h, why := range heavy {
			if p == h || strings.HasPrefix(p, h+"/") {
				t.Errorf("cmd/govrrpd links %s: %s", p, why)
			}
		}
	}
	if seen < 50 {
		t.Fatalf("go list -deps reported %d packages; the walk is broken", seen)
	}
}
