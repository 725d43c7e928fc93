package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Config says what to build.
type Config struct {
	Routers int  // 1..9
	Client  bool // add a client namespace
	// Second adds a second segment (bridge br1): every router gets eth1
	// at 198.51.100.(10+i)/24, for sync groups spanning two links.
	Second bool
}

// Host is one namespace on the segment.
type Host struct {
	Name  string     // r1, r2, ..., client
	NS    string     // namespace name
	If    string     // interface inside the namespace (eth0)
	Port  string     // the veth end on the bridge, in the switch namespace
	Addr4 netip.Addr // 192.0.2.(10+i) or 192.0.2.100
	Addr6 netip.Addr // 2001:db8::(10+i) or 2001:db8::100
	lab   *Lab
	env   []string // extra environment for the next command
	nl    *netlink.Handle
}

// Lab is a built segment. Close removes everything it made.
type Lab struct {
	ID      string
	Switch  string // switch namespace
	Bridge  string
	Routers []*Host
	Client  *Host
	made    []string // namespaces created, for cleanup
	procs   []*Proc
}

// Supported reports whether a lab can be built here, and why not.
func Supported() error {
	if os.Geteuid() != 0 {
		return errors.New("the namespace lab needs root (network namespaces, veth, bridge)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return errors.New("the namespace lab needs iproute2's ip command")
	}
	return nil
}

// New builds a lab. On error everything built so far is removed.
func New(cfg Config) (l *Lab, err error) {
	if err := Supported(); err != nil {
		return nil, err
	}
	if cfg.Routers < 1 || cfg.Routers > 9 {
		return nil, fmt.Errorf("lab: %d routers (want 1..9)", cfg.Routers)
	}
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	id := "gv" + hex.EncodeToString(b[:])
	l = &Lab{ID: id, Switch: id + "-sw", Bridge: "br0"}
	defer func() {
		if err != nil {
			l.Close()
			l = nil
		}
	}()
	if err := l.addNS(l.Switch); err != nil {
		return nil, err
	}
	sw := []string{
		"link add br0 type bridge stp_state 0 mcast_snooping 0",
		"link set br0 up",
		"link set lo up",
	}
	for _, c := range sw {
		if err := ipn(l.Switch, c); err != nil {
			return nil, err
		}
	}
	// The switch must not talk: no IPv6 autoconf noise, no bridge
	// netfilter (br_netfilter may be loaded on the host).
	l.sysctlQuiet(l.Switch, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
		"net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0")
	for i := 1; i <= cfg.Routers; i++ {
		h, err := l.addHost(fmt.Sprintf("r%d", i), byte(10+i))
		if err != nil {
			return nil, err
		}
		l.Routers = append(l.Routers, h)
	}
	if cfg.Client {
		if l.Client, err = l.addHost("client", 100); err != nil {
			return nil, err
		}
	}
	if cfg.Second {
		if err := l.addSecond(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// addSecond joins every router to a second bridge through eth1.
func (l *Lab) addSecond() error {
	for _, c := range []string{"link add br1 type bridge stp_state 0 mcast_snooping 0", "link set br1 up"} {
		if err := ipn(l.Switch, c); err != nil {
			return err
		}
	}
	for i, h := range l.Routers {
		port := h.Port + "b"
		cmds := [][]string{
			{"ip", "-n", l.Switch, "link", "add", port, "type", "veth", "peer", "name", "eth1", "netns", h.NS},
			{"ip", "-n", l.Switch, "link", "set", port, "master", "br1", "up"},
			{"ip", "-n", h.NS, "addr", "add", fmt.Sprintf("198.51.100.%d/24", 11+i), "dev", "eth1"},
			{"ip", "-n", h.NS, "link", "set", "eth1", "up"},
		}
		for _, c := range cmds {
			if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
				return fmt.Errorf("lab: %s: %v: %s", strings.Join(c, " "), err, out)
			}
		}
	}
	return nil
}

// SetLink2 brings h's port on the second segment up or down.
func (h *Host) SetLink2(up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return ipn(h.lab.Switch, "link set "+h.Port+"b "+state)
}

// HasAddrOn reports whether addr is configured on interface dev of h.
func (h *Host) HasAddrOn(dev string, addr netip.Addr) (bool, error) {
	nh, err := h.handle()
	if err != nil {
		return false, err
	}
	link, err := nh.LinkByName(dev)
	if err != nil {
		return false, err
	}
	list, err := nh.AddrList(link, netlink.FAMILY_ALL)
	if err != nil {
		return false, err
	}
	for _, a := range list {
		if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == addr {
			return true, nil
		}
	}
	return false, nil
}

func (l *Lab) addNS(name string) error {
	if _, err := os.Stat("/run/netns/" + name); err == nil {
		return fmt.Errorf("lab: namespace %s already exists; refusing to reuse it", name)
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		return fmt.Errorf("lab: ip netns add %s: %v: %s", name, err, out)
	}
	l.made = append(l.made, name)
	return nil
}

func (l *Lab) addHost(name string, octet byte) (*Host, error) {
	h := &Host{Name: name, NS: l.ID + "-" + name, If: "eth0", Port: l.ID[2:] + name, lab: l,
		Addr4: netip.AddrFrom4([4]byte{192, 0, 2, octet}),
		Addr6: netip.MustParseAddr(fmt.Sprintf("2001:db8::%d", octet))}
	if err := l.addNS(h.NS); err != nil {
		return nil, err
	}
	// Pitfall (notes/lab.md): DAD is skipped only if both "all" and the
	// device say so, so set it before the device exists (default) too.
	l.sysctlQuiet(h.NS, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
		"net.ipv6.conf.all.dad_transmits=0", "net.ipv6.conf.default.dad_transmits=0")
	cmds := [][]string{
		{"ip", "-n", l.Switch, "link", "add", h.Port, "type", "veth", "peer", "name", h.If, "netns", h.NS},
		{"ip", "-n", l.Switch, "link", "set", h.Port, "master", l.Bridge, "up"},
		{"ip", "-n", h.NS, "link", "set", "lo", "up"},
		{"ip", "-n", h.NS, "addr", "add", h.Addr4.String() + "/24", "dev", h.If},
		{"ip", "-n", h.NS, "addr", "add", h.Addr6.String() + "/64", "dev", h.If, "nodad"},
		{"ip", "-n", h.NS, "link", "set", h.If, "up"},
	}
	for _, c := range cmds {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("lab: %s: %v: %s", strings.Join(c, " "), err, out)
		}
	}
	return h, nil
}

func ipn(ns, args string) error {
	a := append([]string{"-n", ns}, strings.Fields(args)...)
	if out, err := exec.Command("ip", a...).CombinedOutput(); err != nil {
		return fmt.Errorf("lab: ip %s: %v: %s", strings.Join(a, " "), err, out)
	}
	return nil
}

// sysctlQuiet sets sysctls inside ns, ignoring those this kernel lacks.
func (l *Lab) sysctlQuiet(ns string, kv ...string) {
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		path := "/proc/sys/" + strings.ReplaceAll(k, ".", "/")
		_ = exec.Command("ip", "netns", "exec", ns, "sh", "-c", "echo "+v+" > "+path).Run()
	}
}

// Close stops every process the lab started and deletes its namespaces.
func (l *Lab) Close() error {
	for _, p := range l.procs {
		p.Stop(2 * time.Second)
	}
	for _, h := range append(append([]*Host(nil), l.Routers...), l.Client) {
		if h != nil && h.nl != nil {
			h.nl.Close()
			h.nl = nil
		}
	}
	var errs []error
	for i := len(l.made) - 1; i >= 0; i-- {
		if out, err := exec.Command("ip", "netns", "del", l.made[i]).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("ip netns del %s: %v: %s", l.made[i], err, out))
		}
	}
	l.made = nil
	return errors.Join(errs...)
}

// Command returns a command that runs inside h's namespace.
func (h *Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	a := append([]string{"netns", "exec", h.NS, name}, args...)
	c := exec.CommandContext(ctx, "ip", a...)
	if h.env != nil {
		c.Env = append(os.Environ(), h.env...)
	}
	return c
}

// Run runs a command in h's namespace and returns its combined output.
func (h *Host) Run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	c := h.Command(ctx, name, args...)
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), h.Name, err, out.String())
	}
	return out.String(), nil
}

// SetLink brings h's bridge port up or down: the router sees its link go
// down, as when a cable is pulled.
func (h *Host) SetLink(up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return ipn(h.lab.Switch, "link set "+h.Port+" "+state)
}

// SetPartition cuts h off the bridge, or joins it back, while its link
// stays up: the router is alive and believes its network is fine, but
// nothing it sends arrives and it hears nothing. (Bridge port states cannot
// be set by hand with STP off, so the port leaves the bridge instead.)
func (h *Host) SetPartition(blocked bool) error {
	if blocked {
		return ipn(h.lab.Switch, "link set dev "+h.Port+" nomaster")
	}
	return ipn(h.lab.Switch, "link set dev "+h.Port+" master "+h.lab.Bridge)
}

// HasAddr reports whether addr is configured on h's interface. It asks
// rtnetlink inside the namespace directly (no process per poll), so
// tests can poll every few milliseconds without loading the machine.
func (h *Host) HasAddr(addr netip.Addr) (bool, error) { return h.HasAddrOn(h.If, addr) }

func (h *Host) handle() (*netlink.Handle, error) {
	if h.nl != nil {
		return h.nl, nil
	}
	ns, err := netns.GetFromName(h.NS)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	h.nl, err = netlink.NewHandleAt(ns)
	return h.nl, err
}

// MAC returns the hardware address of h's interface.
func (h *Host) MAC() (string, error) {
	b, err := h.Run("cat", "/sys/class/net/"+h.If+"/address")
	return strings.TrimSpace(b), err
}

// MustAddr parses an address literal in test code.
func MustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
