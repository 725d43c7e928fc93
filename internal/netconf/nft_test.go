package netconf

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

var updateGolden = flag.Bool("update-keepalived-golden", false,
	"rewrite testdata/keepalived-2.2.7-nft.txt from a running keepalived")

// dumpRuleset renders the named tables of the namespace in a stable text
// form: handles and set IDs are left out, elements are sorted.
func dumpRuleset(c *nftables.Conn, table string) (string, error) {
	var b strings.Builder
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		t, err := c.ListTableOfFamily(table, fam)
		if err != nil || t == nil {
			continue
		}
		fmt.Fprintf(&b, "table %s %s\n", map[nftables.TableFamily]string{2: "ip", 10: "ip6"}[fam], t.Name)
		chains, err := c.ListChainsOfTableFamily(fam)
		if err != nil {
			return "", err
		}
		sort.Slice(chains, func(i, j int) bool { return chains[i].Name < chains[j].Name })
		for _, ch := range chains {
			if ch.Table.Name != table {
				continue
			}
			fmt.Fprintf(&b, "  chain %s", ch.Name)
			if ch.Hooknum != nil {
				fmt.Fprintf(&b, " type %s hook %d priority %d policy %d", ch.Type, *ch.Hooknum, *ch.Priority, *ch.Policy)
			}
			b.WriteString("\n")
			rules, err := c.GetRules(t, ch)
			if err != nil {
				return "", err
			}
			for _, r := range rules {
				b.WriteString("    rule")
				for _, e := range r.Exprs {
					b.WriteString(" " + exprString(e))
				}
				b.WriteString("\n")
			}
		}
		sets, err := c.GetSets(t)
		if err != nil {
			return "", err
		}
		sort.Slice(sets, func(i, j int) bool { return sets[i].Name < sets[j].Name })
		for _, s := range sets {
			els, err := c.GetSetElements(s)
			if err != nil {
				return "", err
			}
			var keys []string
			for _, e := range els {
				keys = append(keys, hex.EncodeToString(e.Key))
			}
			sort.Strings(keys)
			fmt.Fprintf(&b, "  set %s type %s constant %v elements [%s]\n", s.Name, s.KeyType.Name, s.Constant, strings.Join(keys, " "))
		}
	}
	return b.String(), nil
}

func exprString(e expr.Any) string {
	switch x := e.(type) {
	case *expr.Payload:
		return fmt.Sprintf("payload(base %d off %d len %d -> r%d)", x.Base, x.Offset, x.Len, x.DestRegister)
	case *expr.Lookup:
		return fmt.Sprintf("lookup(r%d @%s)", x.SourceRegister, x.SetName)
	case *expr.Cmp:
		return fmt.Sprintf("cmp(r%d op %d %x)", x.Register, x.Op, x.Data)
	case *expr.Bitwise:
		return fmt.Sprintf("bitwise(r%d & %x ^ %x -> r%d)", x.SourceRegister, x.Mask, x.Xor, x.DestRegister)
	case *expr.Meta:
		return fmt.Sprintf("meta(%d -> r%d)", x.Key, x.Register)
	case *expr.Verdict:
		return fmt.Sprintf("verdict(%d %s)", x.Kind, x.Chain)
	case *expr.Counter:
		return "counter"
	}
	return fmt.Sprintf("%T", e)
}

// fwLab is namespace a (a0: 192.0.2.1, 2001:db8::1, VIPs added by the
// test) linked to namespace b (b0: .2 / ::2), the client side.
func fwLab(t *testing.T) (a, b *testNS) {
	a, b = newTestNS(t, "fa"), newTestNS(t, "fb")
	vethPair(t, a, "a0", []string{"192.0.2.1/24", "2001:db8::1/64"}, b, "b0", []string{"192.0.2.2/24", "2001:db8::2/64", "fe80::2/64"})
	return a, b
}

const goldenNFT = "testdata/keepalived-2.2.7-nft.txt"

// The VIPs of the reference configuration, as keepalived's and ours.
var refVIPs = []string{"192.0.2.100", "2001:db8::52", "fe80::52%a0"}

const refConf = `global_defs {
	vrrp_strict
	router_id govrrpd-test
}
vrrp_instance V4 {
	state MASTER
	interface a0
	virtual_router_id 51
	priority 100
	advert_int 1
	virtual_ipaddress {
		192.0.2.100/24
	}
}
vrrp_instance V6 {
	state MASTER
	interface a0
	virtual_router_id 52
	priority 100
	advert_int 1
	virtual_ipaddress {
		fe80::52/64
		2001:db8::52/64
	}
}
`

// TestFirewallMatchesKeepalived compares our ruleset with the one
// keepalived 2.2.7 installs for the same VIPs under vrrp_strict: with
// keepalived installed, live; always, against the golden file taken from
// it.
func TestFirewallMatchesKeepalived(t *testing.T) {
	needRoot(t)
	a, _ := fwLab(t)
	golden, err := os.ReadFile(goldenNFT)
	if err != nil && !*updateGolden {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("keepalived"); err == nil {
		got := keepalivedRuleset(t, a)
		if *updateGolden {
			if err := os.WriteFile(goldenNFT, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			golden = []byte(got)
		}
		if got != string(golden) {
			t.Errorf("keepalived's ruleset differs from %s:\n%s", goldenNFT, got)
		}
	} else {
		t.Log("keepalived not installed: comparing with the golden file only")
	}
	a.run(t, func() error {
		fw := DefaultFirewall()
		fw.NetNS = int(a.h)
		if err := fw.Open(); err != nil {
			return err
		}
		var vips []netip.Addr
		for _, v := range refVIPs {
			vips = append(vips, netip.MustParseAddr(v))
		}
		if err := fw.SetNoAccept(vips, true); err != nil {
			return err
		}
		c, err := nftables.New(nftables.WithNetNSFd(int(a.h)))
		if err != nil {
			return err
		}
		got, err := dumpRuleset(c, "keepalived")
		if err != nil {
			return err
		}
		if got != string(golden) {
			return fmt.Errorf("our ruleset differs from keepalived's:\n--- ours\n%s--- keepalived\n%s", got, golden)
		}
		if err := fw.Close(); err != nil {
			return err
		}
		if got, _ := dumpRuleset(c, "keepalived"); got != "" {
			return fmt.Errorf("tables left after Close:\n%s", got)
		}
		return nil
	})
}

// keepalivedRuleset runs keepalived in a until both instances are MASTER
// and returns its ruleset; keepalived is stopped (by PID) before returning.
func keepalivedRuleset(t *testing.T, a *testNS) string {
	dir := t.TempDir()
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(refConf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", a.name, "keepalived", "-n", "-l", "-D", "-P", "-f", conf,
		"-p", dir+"/k.pid", "-r", dir+"/v.pid", "-c", dir+"/c.pid", "-b", dir+"/b.pid")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
	}
	defer stop()
	c, err := nftables.New(nftables.WithNetNSFd(int(a.h)))
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		got, _ = dumpRuleset(c, "keepalived")
		if strings.Count(got, "elements []") == 0 && strings.Count(got, "set vips ") == 2 &&
			strings.Contains(got, "set vips_link_local") {
			break
		}
	}
	stop()
	if strings.Count(got, "set vips ") != 2 {
		t.Fatalf("keepalived never became MASTER for both instances; ruleset:\n%s\nlog:\n%s", got, log.String())
	}
	return got
}

// TestFirewallBlocksVIP is the behaviour: with no_accept a TCP connection
// to a VIP from the LAN goes unanswered, the router's own address keeps
// working, and with the block lifted the VIP answers again.
func TestFirewallBlocksVIP(t *testing.T) {
	needRoot(t)
	a, b := fwLab(t)
	vips := []netip.Addr{ip("192.0.2.100"), ip("2001:db8::100"), netip.MustParseAddr("fe80::100%a0")}
	var ln net.Listener
	a.run(t, func() error {
		for _, v := range []string{"192.0.2.100/32", "2001:db8::100/128", "fe80::100/64"} {
			if err := upWithAddrs("a0", []string{v}); err != nil {
				return err
			}
		}
		var err error
		ln, err = net.Listen("tcp", ":0") // dual stack, in a
		return err
	})
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	dial := func(host string) error {
		var derr error
		b.run(t, func() error {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 700*time.Millisecond)
			if err == nil {
				c.Close()
			}
			derr = err
			return nil
		})
		return derr
	}
	targets := []string{"192.0.2.100", "2001:db8::100", "fe80::100%b0"}
	// A fresh link needs a moment for IPv6 (ND, addrconf); wait until every
	// VIP answers before measuring anything.
	for _, h := range targets {
		err := dial(h)
		for deadline := time.Now().Add(10 * time.Second); err != nil && time.Now().Before(deadline); err = dial(h) {
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("before blocking, %s: %v", h, err)
		}
	}
	fw := DefaultFirewall()
	fw.NetNS = int(a.h)
	a.run(t, func() error {
		if err := fw.Open(); err != nil {
			return err
		}
		if err := fw.SetNoAccept(vips, true); err != nil {
			return err
		}
		return fw.SetNoAccept(vips[:1], true) // idempotent: a second holder
	})
	t.Cleanup(func() { fw.Close() })
	for _, h := range targets {
		var ne net.Error
		if err := dial(h); !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("no_accept on, %s: want a timeout (packets dropped), got %v", h, err)
		}
	}
	for _, h := range []string{"192.0.2.1", "2001:db8::1"} {
		if err := dial(h); err != nil {
			t.Errorf("no_accept on, own address %s must still answer: %v", h, err)
		}
	}
	a.run(t, func() error { return fw.SetNoAccept(vips, false) })
	if err := dial("192.0.2.100"); err == nil {
		t.Error("192.0.2.100 unblocked while a second holder still wants it blocked")
	}
	a.run(t, func() error { return fw.SetNoAccept(vips, false) })
	a.run(t, func() error { return fw.SetNoAccept(vips, false) }) // nothing left: no-op
	for _, h := range targets {
		if err := dial(h); err != nil {
			t.Errorf("no_accept off, %s: %v", h, err)
		}
	}
}

func TestFirewallRejectsZonelessLinkLocal(t *testing.T) {
	if _, err := fwKeyOf(ip("fe80::1")); err == nil {
		t.Error("link-local VIP without interface accepted")
	}
	if k, err := fwKeyOf(netip.MustParseAddr("2001:db8::1%eth9")); err != nil || k.ifindex != 0 || k.addr.Zone() != "" {
		t.Errorf("global VIP with zone: %+v %v", k, err)
	}
	if k, _ := fwKeyOf(ip("::ffff:192.0.2.1")); !k.addr.Is4() {
		t.Errorf("mapped address not unmapped: %v", k.addr)
	}
}

// nftables, nftables_priority and nftables_counters change the table name,
// the hook priority and add a counter before every verdict.
func TestFirewallOptions(t *testing.T) {
	needRoot(t)
	a, _ := fwLab(t)
	a.run(t, func() error {
		fw := &Firewall{Table: "kalv", Priority: -5, Counters: true, NetNS: int(a.h)}
		if err := fw.Open(); err != nil {
			return err
		}
		defer fw.Close()
		if err := fw.SetNoAccept([]netip.Addr{ip("192.0.2.100")}, true); err != nil {
			return err
		}
		c, err := nftables.New(nftables.WithNetNSFd(int(a.h)))
		if err != nil {
			return err
		}
		got, err := dumpRuleset(c, "kalv")
		if err != nil {
			return err
		}
		if !strings.Contains(got, "table ip kalv") || strings.Count(got, "priority -5") != 2 ||
			strings.Count(got, "counter verdict") != 2 || strings.Contains(got, "ip6") {
			return fmt.Errorf("ruleset:\n%s", got)
		}
		return nil
	})
}

func BenchmarkParseRouteWords(b *testing.B) {
	w := strings.Fields("198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 2 nexthop via 192.0.2.2 dev eth1 table 100 metric 5 mtu lock 1400")
	for b.Loop() {
		if _, err := readRoute(w); err != nil {
			b.Fatal(err)
		}
	}
}
