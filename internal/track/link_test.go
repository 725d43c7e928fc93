package track

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// labNS creates a network namespace for the test and deletes it at
// cleanup; links are only ever made inside it.
func labNS(t *testing.T) (name string, ip func(args ...string)) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("track_interface test needs root to create a network namespace")
	}
	name = fmt.Sprintf("gvt-%d-%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	ip = func(args ...string) {
		t.Helper()
		full := append([]string{"-n", name}, args...)
		if out, err := exec.Command("ip", full...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(full, " "), err, out)
		}
	}
	return name, ip
}

// The kernel here has no dummy links, so veth pairs stand in: a veth has
// carrier only while its peer is up, which also exercises IFF_RUNNING.
func TestTrackInterface(t *testing.T) {
	ns, ip := labNS(t)
	checkNoLeak(t)
	ip("link", "add", "d0", "type", "veth", "peer", "name", "p0")
	ip("link", "set", "p0", "up")
	ip("link", "add", "d1", "type", "veth", "peer", "name", "p1")
	ip("link", "set", "p1", "up")
	ip("link", "set", "d1", "up")
	rec := newRecorder()
	p := startProbes(t, Settings{Interfaces: []string{"d0", "d1", "later"}, NetNS: "/var/run/netns/" + ns}, rec)
	defer p.Stop()
	// The initial state is reported synchronously by Start.
	for name, up := range map[string]bool{"d0": false, "d1": true, "later": false} {
		if r, ok := rec.lastOf(vrrp.TrackKindInterface, name); !ok || r.Up != up {
			t.Fatalf("%s: initial report %v (%v), want up=%v", name, r, ok, up)
		}
	}
	step := func(what, name string, up bool, args ...string) {
		t.Helper()
		start := time.Now()
		ip(args...)
		rec.waitResult(t, vrrp.TrackKindInterface, name, 2*time.Second, upIs(up))
		t.Logf("%s: reported after %s", what, time.Since(start))
	}
	step("admin up", "d0", true, "link", "set", "d0", "up")
	step("admin down", "d0", false, "link", "set", "d0", "down")
	step("carrier lost", "d1", false, "link", "set", "p1", "down")
	step("carrier back", "d1", true, "link", "set", "p1", "up")
	ip("link", "add", "later", "type", "veth", "peer", "name", "pl")
	ip("link", "set", "later", "up")
	time.Sleep(300 * time.Millisecond)
	if r, _ := rec.lastOf(vrrp.TrackKindInterface, "later"); r.Up {
		t.Fatal("later reported up without carrier")
	}
	step("created, up with carrier", "later", true, "link", "set", "pl", "up")
	step("renamed away", "d1", false, "link", "set", "d1", "name", "d9")
	step("renamed in", "d1", true, "link", "set", "d9", "name", "d1")
	step("deleted", "later", false, "link", "del", "later")
	p.Update(Settings{Interfaces: []string{"d0"}, NetNS: "/var/run/netns/" + ns})
	step("tracked after Update", "d0", true, "link", "set", "d0", "up")
	if snap := p.Snapshot(); len(snap) != 1 || snap[0].Name != "d0" {
		t.Fatalf("after Update only d0 is tracked; snapshot %v", snap)
	}
}
