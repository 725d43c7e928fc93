package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// topo is two router namespaces joined back to back by veth pairs, one per
// link: no bridge, so the only traffic on a link is the two routers'.
type topo struct {
	ns    [2]string // r1, r2
	links int
	nl    [2]*netlink.Handle
}

// newTopo builds the namespaces and links; on error it removes what it made.
func newTopo(links int) (t *topo, err error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("needs root (network namespaces, veth)")
	}
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	id := "sb" + hex.EncodeToString(b[:])
	t = &topo{ns: [2]string{id + "-r1", id + "-r2"}, links: links}
	defer func() {
		if err != nil {
			t.close()
			t = nil
		}
	}()
	for _, ns := range t.ns {
		if _, err := os.Stat("/run/netns/" + ns); err == nil {
			return nil, fmt.Errorf("namespace %s exists; refusing to reuse it", ns)
		}
		if err := ipCmd("ip", "netns", "add", ns); err != nil {
			return nil, err
		}
		if err := ipCmd("ip", "-n", ns, "link", "set", "lo", "up"); err != nil {
			return nil, err
		}
		// Nothing but VRRP and its ARP on the links: no IPv6 chatter.
		_ = ipCmd("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
			"net.ipv6.conf.default.disable_ipv6=1")
	}
	for i := 0; i < links; i++ {
		n := linkName(i)
		if err := ipCmd("ip", "-n", t.ns[0], "link", "add", n, "type", "veth", "peer", "name", n, "netns", t.ns[1]); err != nil {
			return nil, err
		}
		for r, ns := range t.ns {
			if err := ipCmd("ip", "-n", ns, "addr", "add", linkAddr(i, r+1).String(), "dev", n); err != nil {
				return nil, err
			}
			if err := ipCmd("ip", "-n", ns, "link", "set", n, "up"); err != nil {
				return nil, err
			}
		}
	}
	for r, ns := range t.ns {
		h, err := netns.GetFromName(ns)
		if err != nil {
			return nil, fmt.Errorf("open namespace %s: %w", ns, err)
		}
		t.nl[r], err = netlink.NewHandleAt(h)
		h.Close()
		if err != nil {
			return nil, fmt.Errorf("netlink in %s: %w", ns, err)
		}
	}
	return t, nil
}

// vips counts the benchmark VIPs configured in router r's namespace, with
// one rtnetlink dump (no process per poll, so polling every 10 ms is cheap).
func (t *topo) vips(r int) (int, error) {
	list, err := t.nl[r].AddrList(nil, netlink.FAMILY_V4)
	// A dump that ran while addresses changed is flagged and partial:
	// read again (the daemons add thousands of VIPs in a few seconds).
	for try := 0; errors.Is(err, netlink.ErrDumpInterrupted) && try < 100; try++ {
		list, err = t.nl[r].AddrList(nil, netlink.FAMILY_V4)
	}
	if err != nil {
		return 0, fmt.Errorf("address dump in %s: %w", t.ns[r], err)
	}
	n := 0
	for _, a := range list {
		if ip, ok := netip.AddrFromSlice(a.IP); ok && isVIP(ip.Unmap()) {
			n++
		}
	}
	return n, nil
}

// flushVIPs removes VIPs a killed daemon left behind, so the next
// implementation starts from clean links.
func (t *topo) flushVIPs() error {
	var errs []error
	for _, ns := range t.ns {
		for i := 0; i < t.links; i++ {
			if err := ipCmd("ip", "-n", ns, "addr", "flush", "dev", linkName(i), "to", "198.18.0.0/16"); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (t *topo) close() {
	for r, ns := range t.ns {
		if t.nl[r] != nil {
			t.nl[r].Close()
		}
		if ns != "" {
			if err := ipCmd("ip", "netns", "del", ns); err != nil {
				fmt.Fprintln(os.Stderr, "scalebench: cleanup:", err)
			}
		}
	}
}

func ipCmd(name string, args ...string) error {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
