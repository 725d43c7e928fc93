package lab

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLabBuildsAndCleansUp checks the scaffolding every integration test
// relies on: routers reach each other and the client across the bridge,
// and Close leaves no namespace behind.
func TestLabBuildsAndCleansUp(t *testing.T) {
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	l, err := New(Config{Routers: 2, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if out, err := l.Routers[0].Run("ping", "-c", "1", "-W", "2", l.Client.Addr4.String()); err != nil {
		t.Fatalf("r1 cannot reach client: %v\n%s", err, out)
	}
	if out, err := l.Routers[1].Run("ping", "-c", "1", "-W", "2", l.Routers[0].Addr6.String()); err != nil {
		t.Fatalf("r2 cannot reach r1 over IPv6: %v\n%s", err, out)
	}
	if err := l.Routers[0].SetLink(false); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Routers[1].Run("ping", "-c", "1", "-W", "1", l.Routers[0].Addr4.String()); err == nil {
		t.Fatal("r1 still reachable with its link down")
	}
	ns := []string{l.Switch, l.Routers[0].NS, l.Client.NS}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("ip", "netns", "list").CombinedOutput()
	for _, n := range ns {
		if strings.Contains(string(out), n) {
			t.Fatalf("namespace %s left behind", n)
		}
	}
}
