package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/govrrpd/govrrpd/srcpos"
)

// vrrpHalf is the part of a Config that the VRRP half reads and prints,
// with Source positions cleared (they name lines of a different file after
// printing).
func vrrpHalf(c *Config) Config {
	h := Config{Global: c.Global, VRRP: c.VRRP, IPVS: c.IPVS,
		Instances: c.Instances, SyncGroups: c.SyncGroups, Scripts: c.Scripts,
		Processes: c.Processes, Files: c.Files, StaticAddresses: c.StaticAddresses,
		StaticRoutes: c.StaticRoutes, StaticRules: c.StaticRules, TrackGroups: c.TrackGroups}
	h.Instances = append(h.Instances[:0:0], h.Instances...)
	for i := range h.Instances {
		h.Instances[i].Source = srcpos.Pos{}
	}
	h.SyncGroups = append(h.SyncGroups[:0:0], h.SyncGroups...)
	for i := range h.SyncGroups {
		h.SyncGroups[i].Source = srcpos.Pos{}
	}
	h.Scripts = append(h.Scripts[:0:0], h.Scripts...)
	for i := range h.Scripts {
		h.Scripts[i].Source = ""
	}
	h.Processes = append(h.Processes[:0:0], h.Processes...)
	for i := range h.Processes {
		h.Processes[i].Source = ""
	}
	h.Files = append(h.Files[:0:0], h.Files...)
	for i := range h.Files {
		h.Files[i].Source = ""
	}
	return h
}

// roundTrip loads path, prints it, loads the print, and compares.
func roundTrip(t *testing.T, path string) {
	t.Helper()
	opts := Options{}
	c1, _ := Load(path, opts)
	var buf bytes.Buffer
	if err := Print(&buf, c1); err != nil {
		t.Fatal(err)
	}
	p2 := filepath.Join(t.TempDir(), "printed.conf")
	if err := os.WriteFile(p2, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c2, _ := Load(p2, opts)
	forgetHMACKeys(c1, c2)
	h1, h2 := vrrpHalf(c1), vrrpHalf(c2)
	if !reflect.DeepEqual(h1, h2) {
		t.Errorf("round trip differs\nfirst:  %+v\nsecond: %+v\nprinted:\n%s", h1, h2, buf.String())
	}
}

func TestRoundTripSamplesVRRP(t *testing.T) {
	var files []string
	for _, g := range []string{"doc-samples/*", "other/*/*", "from-docs/*"} {
		m, _ := filepath.Glob(filepath.Join("testdata/corpus", g))
		files = append(files, m...)
	}
	local, _ := filepath.Glob("testdata/sem/*.conf")
	files = append(files, local...)
	if len(files) == 0 {
		t.Skip("keepalived-samples corpus not present")
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) { roundTrip(t, f) })
	}
}
