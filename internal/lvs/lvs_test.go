package lvs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// load parses a keepalived.conf written to a temporary directory; dir
// replaces DIR in the text so that a config can name files beside it.
func load(t *testing.T, dir, text string) *confparse.Config {
	t.Helper()
	p := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, diags := confparse.Load(p, confparse.Options{})
	for _, d := range diags {
		if d.Severity >= confparse.Warning {
			t.Fatalf("config: %s: %s", d.Pos, d.Msg)
		}
	}
	return cfg
}

// newMem starts a subsystem over an in-memory table.
func newMem(t *testing.T, ctx context.Context, cfg *confparse.Config) *Subsystem {
	t.Helper()
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewMemory(), nil }})
	s.Start(ctx, cfg)
	t.Cleanup(s.Stop)
	return s
}

// real finds a real server in a snapshot; Key is empty when it is not
// there.
func real(vss []status.VirtualServer, vs, rs string) status.RealServer {
	for _, v := range vss {
		for _, r := range v.Reals {
			if v.Key == vs && r.Key == rs {
				return r
			}
		}
	}
	return status.RealServer{}
}

// eventually polls f until it returns "" or the deadline passes.
func eventually(t *testing.T, what string, f func() string) {
	t.Helper()
	var last string
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if last = f(); last == "" {
			return
		}
	}
	t.Fatalf("%s: %s", what, last)
}

const fileConf = `
track_file tf {
    file DIR/weight
}
virtual_server 192.0.2.10 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 198.51.100.1 80 {
        weight 10
        FILE_CHECK {
            track_file tf
            weight 2
        }
    }
}
`

// TestFileCheckWeightReachesTable is the bug #12 names: FILE_CHECK's value
// × weight is added to the real server's weight in the table, clamped at
// 0, through the daemon's own conversion (HealthOf).
func TestFileCheckWeightReachesTable(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, "weight")
	if err := os.WriteFile(wf, []byte("3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newMem(t, ctx, load(t, dir, fileConf))
	weightIs := func(want int) func() string {
		return func() string {
			r := real(s.Snapshot(), "TCP 192.0.2.10:80", "198.51.100.1:80")
			dump := string(s.Dump())
			if r.Key == "" || r.WeightCurrent != want || r.WeightConfigured != 10 || !strings.Contains(dump, fmt.Sprintf("weight %d ", want)) {
				return fmt.Sprintf("snapshot %+v, dump %q", r, dump)
			}
			return ""
		}
	}
	eventually(t, "3 × 2 added to weight 10", weightIs(16))
	if err := os.WriteFile(wf, []byte("-20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, "-20 × 2 clamps at 0", weightIs(0))
	r := real(s.Snapshot(), "TCP 192.0.2.10:80", "198.51.100.1:80")
	if len(r.Checkers) != 1 || r.Checkers[0].Kind != "FILE_CHECK" || !strings.HasSuffix(r.Checkers[0].At, "keepalived.conf:12") ||
		!r.Checkers[0].Up || r.Checkers[0].LastCheck.IsZero() || !strings.Contains(r.Checkers[0].LastResult, "-20") {
		t.Errorf("checkers %+v", r.Checkers)
	}
}
