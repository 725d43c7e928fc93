package reliability

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// A client that stays on the wrong MAC (issue #16 item 9) is explained by
// the order of what it heard: which ARP frames naming the VIP reached it,
// from whom, and when its neighbour entry changed. trail keeps both, seen
// from the client, so a miss prints its own evidence.

// trailEvent is one ARP frame naming the VIP, or one neighbour change.
type trailEvent struct {
	at   time.Time
	what string
}

// trail records, in the client's namespace, the ARP frames whose sender or
// target address is the VIP and the changes of its neighbour entry for it.
type trail struct {
	mu     sync.Mutex
	events []trailEvent
	arp    *recorder
	adv    *recorder
	done   chan struct{}
	names  map[string]string // MAC → router name
	hosts  []*lab.Host
}

// filterARPFor accepts ARP frames whose sender or target protocol address
// is vip (offsets in the ARP header, as filterGARP).
func filterARPFor(vip netip.Addr) []bpf.Instruction {
	v := binary.BigEndian.Uint32(vip.AsSlice())
	return []bpf.Instruction{
		bpf.LoadAbsolute{Off: 14, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: 2},
		bpf.LoadAbsolute{Off: 24, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipFalse: 1},
		bpf.RetConstant{Val: 0xffff},
		bpf.RetConstant{Val: 0},
	}
}

// newTrail starts recording on the rig's client.
func (r *rig) newTrail() (*trail, error) {
	tr := &trail{done: make(chan struct{}), names: map[string]string{}}
	tr.hosts = append([]*lab.Host{r.client}, r.l.Routers...)
	for _, h := range tr.hosts {
		if mac, err := h.MAC(); err == nil {
			tr.names[mac] = h.Name
		}
	}
	var err error
	tr.arp, err = recordFrames(r.client, filterARPFor(vip), func() (int, error) {
		return unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM, int(htons(unix.ETH_P_ARP)))
	}, tr.arpFrame)
	if err != nil {
		return nil, err
	}
	tr.adv, err = recordFrames(r.client, []bpf.Instruction{bpf.RetConstant{Val: 0xffff}}, func() (int, error) {
		return joinedVRRP(r.client)
	}, tr.advertFrame)
	if err != nil {
		tr.close()
		return nil, err
	}
	ns, err := netns.GetFromName(r.client.NS)
	if err != nil {
		tr.close()
		return nil, err
	}
	defer ns.Close()
	ch := make(chan netlink.NeighUpdate, 256)
	if err := netlink.NeighSubscribeWithOptions(ch, tr.done, netlink.NeighSubscribeOptions{Namespace: &ns}); err != nil {
		tr.close()
		return nil, fmt.Errorf("neighbour watch in %s: %w", r.client.Name, err)
	}
	go tr.neighbours(ch)
	return tr, nil
}

func (tr *trail) add(at time.Time, format string, args ...any) {
	tr.mu.Lock()
	tr.events = append(tr.events, trailEvent{at, fmt.Sprintf(format, args...)})
	tr.mu.Unlock()
}

func (tr *trail) name(mac net.HardwareAddr) string {
	if n, ok := tr.names[mac.String()]; ok {
		return n
	}
	return mac.String()
}

// arpFrame notes one ARP frame (the header as a datagram socket gets it).
func (tr *trail) arpFrame(at time.Time, b []byte) {
	if len(b) < 28 {
		return
	}
	op := map[uint16]string{1: "request", 2: "reply"}[binary.BigEndian.Uint16(b[6:8])]
	spa, _ := netip.AddrFromSlice(b[14:18])
	tpa, _ := netip.AddrFromSlice(b[24:28])
	tr.add(at, "ARP %s from %s: %v is at %s, asking for %v", op, tr.name(b[8:14]), spa, net.HardwareAddr(b[8:14]), tpa)
}

// advertFrame notes one VRRP advert (a raw IPv4 socket's packet).
func (tr *trail) advertFrame(at time.Time, b []byte) {
	if len(b) < 20 || len(b) < int(b[0]&0xf)*4+4 {
		return
	}
	src, _ := netip.AddrFromSlice(b[12:16])
	name := src.String()
	for _, h := range tr.hosts {
		if h.Addr4 == src {
			name = h.Name
		}
	}
	tr.add(at, "advert from %s, priority %d", name, b[int(b[0]&0xf)*4+2])
}

func (tr *trail) neighbours(ch <-chan netlink.NeighUpdate) {
	for u := range ch {
		now := time.Now()
		if ip, ok := netip.AddrFromSlice(u.IP); !ok || ip.Unmap() != vip {
			continue
		}
		kind := "changed"
		if u.Type == unix.RTM_DELNEIGH {
			kind = "deleted"
		}
		tr.add(now, "client neighbour entry %s: %s %s", kind, neighState(u.State), tr.name(u.HardwareAddr))
	}
}

// neighState names the NUD state bits of an entry.
func neighState(s int) string {
	var out []string
	for _, n := range []struct {
		bit  int
		name string
	}{{netlink.NUD_INCOMPLETE, "INCOMPLETE"}, {netlink.NUD_REACHABLE, "REACHABLE"}, {netlink.NUD_STALE, "STALE"},
		{netlink.NUD_DELAY, "DELAY"}, {netlink.NUD_PROBE, "PROBE"}, {netlink.NUD_FAILED, "FAILED"},
		{netlink.NUD_NOARP, "NOARP"}, {netlink.NUD_PERMANENT, "PERMANENT"}} {
		if s&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return strings.Join(out, "|")
}

// note adds an event of the test's own (a fault removed, a verdict).
func (tr *trail) note(what string) { tr.add(time.Now(), "%s", what) }

// since prints the events from `from` on, one a line, relative to from.
func (tr *trail) since(from time.Time) string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var b strings.Builder
	for _, e := range tr.events {
		if !e.at.Before(from) {
			fmt.Fprintf(&b, "%+9.1fms %s\n", float64(e.at.Sub(from).Microseconds())/1000, e.what)
		}
	}
	return b.String()
}

func (tr *trail) close() {
	close(tr.done)
	for _, rec := range []*recorder{tr.arp, tr.adv} {
		if rec != nil {
			rec.close()
		}
	}
}
