package deps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// noInit are packages of the daemon's binary that do no work when the
// process starts: each did once, and every package initialised at start
// maps its part of the binary into every govrrpd for good (the kernel maps
// the 64 KiB around each page touched) — see docs/scale.md, "Session 7:
// the binary's resident pages". What they need is built on first use.
var noInit = map[string]string{
	"internal/console": "the pages, helpers and expressions are built on the first page served",
	"confparse/lvscf":  "the lvs.cf key tables and the probe's expressions are built on first use",
	"internal/manconf": "the man pages' keyword scan needs no expression built at start",
	"check":            "DNS_CHECK's type names are a switch; confparse names the checker blocks itself",
	"internal/snmpmib": "the MIB roots and notification OIDs are written out, the scheduler codes an array",
	"agentx":           "the codec names binary.BigEndian where it writes",
}

func TestStartInitialisesNoLazyPackage(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "govrrpd")
	build := exec.Command("go", "build", "-o", bin, module+"/cmd/govrrpd")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := exec.Command(bin, "--version")
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("govrrpd --version: %v\n%s", err, out)
	}
	inits := 0
	for l := range strings.Lines(string(out)) {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "init" {
			continue
		}
		inits++
		if why, ok := noInit[rel(f[1])]; ok {
			t.Errorf("%s does work at start (%s): %s", f[1], strings.TrimSpace(l), why)
		}
	}
	if inits < 20 {
		t.Fatalf("%d init lines in GODEBUG=inittrace=1's output: the trace is not read\n%s", inits, out)
	}
}
