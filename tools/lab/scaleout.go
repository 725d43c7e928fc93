package lab

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"
)

// The BGP scale-out topology (issue #18), shared by test/lab and
// tools/bgpbench: N directors announce VIP over eBGP to one router that
// spreads flows by ECMP with an L4 hash; the client sits behind the router
// on its own segment and the directors reach it back through the router.
//
//	client 192.0.2.100 ──br0── router 192.0.2.(11+N) / 198.51.100.(11+N) ──br1── directors 198.51.100.11..
//
// Build the Lab with Routers: N+1, Client and Second; the last router is
// the BGP router. Each director holds the VIP on lo and serves it itself
// (ServeName: its name, on the same connection for as long as it stays
// open) and holds the real servers 203.0.113.1-3 on lo, accepted and
// closed, for TCP_CHECK.

// ScaleOutVIP is the announced virtual server address.
const ScaleOutVIP = "192.0.2.200"

// AS numbers of the router and of every director (one AS, so that the
// router's multipath takes the directors' equal paths).
const (
	RouterAS   = 65000
	DirectorAS = 65001
)

// Director is one director of the scale-out topology.
type Director struct {
	Name, Addr string
	Host       *Host
	Reals      []net.Listener // 203.0.113.1-3:80
	svc        net.Listener
}

// ScaleOut is the wired topology.
type ScaleOut struct {
	Router    *Host
	RouterIP  string // its address on the directors' segment
	Directors []*Director
}

// RealServer is the address of real server k (1-3), the same on every
// director.
func RealServer(k int) string { return fmt.Sprintf("203.0.113.%d", k) }

// NewScaleOut wires l (see the package comment above) and starts the
// directors' listeners; Close the Lab to remove everything.
func NewScaleOut(l *Lab) (*ScaleOut, error) {
	n := len(l.Routers) - 1
	if n < 1 || l.Client == nil {
		return nil, fmt.Errorf("lab: scale-out needs a client and at least two routers")
	}
	s := &ScaleOut{Router: l.Routers[n], RouterIP: fmt.Sprintf("198.51.100.%d", 11+n)}
	if _, err := s.Router.Run("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.fib_multipath_hash_policy=1"); err != nil {
		return nil, err
	}
	if _, err := l.Client.Run("ip", "route", "add", ScaleOutVIP+"/32", "via", s.Router.Addr4.String()); err != nil {
		return nil, err
	}
	for i, h := range l.Routers[:n] {
		d := &Director{Name: h.Name, Addr: fmt.Sprintf("198.51.100.%d", 11+i), Host: h}
		cmds := [][]string{{"ip", "link", "set", "eth0", "down"},
			{"ip", "route", "add", "default", "via", s.RouterIP},
			{"ip", "addr", "add", ScaleOutVIP + "/32", "dev", "lo"}}
		for k := 1; k <= 3; k++ {
			cmds = append(cmds, []string{"ip", "addr", "add", RealServer(k) + "/32", "dev", "lo"})
		}
		for _, c := range cmds {
			if _, err := h.Run(c[0], c[1:]...); err != nil {
				return nil, err
			}
		}
		var err error
		if d.svc, err = h.Listen(ScaleOutVIP + ":80"); err != nil {
			return nil, err
		}
		go ServeName(d.svc, d.Name)
		for k := 1; k <= 3; k++ {
			ln, err := h.ListenCheck(RealServer(k))
			if err != nil {
				return nil, err
			}
			d.Reals = append(d.Reals, ln)
		}
		s.Directors = append(s.Directors, d)
	}
	return s, nil
}

// Peers are the directors' addresses, the router's neighbours.
func (s *ScaleOut) Peers() []string {
	out := make([]string, len(s.Directors))
	for i, d := range s.Directors {
		out[i] = d.Addr
	}
	return out
}

// Confs are director d's keepalived.conf (a DR virtual server on the VIP
// with the mh scheduler, quorum 2 of its three TCP_CHECKed real servers)
// and its --bgp-config (announce the VIP while that virtual server has
// quorum; timers 3/9 s).
func (s *ScaleOut) Confs(d *Director) (keepalived, bgp string) {
	var b strings.Builder
	b.WriteString("virtual_server " + ScaleOutVIP + " 80 {\n    delay_loop 1\n    lb_algo mh\n    lb_kind DR\n    protocol TCP\n    quorum 2\n")
	for k := 1; k <= 3; k++ {
		fmt.Fprintf(&b, "    real_server %s 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 1\n            retry 0\n        }\n    }\n", RealServer(k))
	}
	b.WriteString("}\n")
	bgp = fmt.Sprintf("bgp {\n    local_as %d\n    router_id %s\n}\nneighbor %s {\n    remote_as %d\n    hold_time 9\n"+
		"    keepalive_interval 3\n    local_address %s\n}\nannounce %s/32 {\n    virtual_server %s 80\n}\n",
		DirectorAS, d.Addr, s.RouterIP, RouterAS, d.Addr, ScaleOutVIP, ScaleOutVIP)
	return b.String(), bgp
}

// NextHops reads the router's kernel FIB for the VIP: its next hops, sorted.
func (s *ScaleOut) NextHops() ([]string, error) {
	out, err := s.Router.Run("ip", "-4", "route", "show", ScaleOutVIP)
	if err != nil {
		return nil, err
	}
	var hops []string
	for _, f := range strings.Split(out, "via ")[1:] {
		hops = append(hops, strings.Fields(f)[0])
	}
	slices.Sort(hops)
	return hops, nil
}

// WaitHops polls the router's FIB every 10 ms until ok accepts its next
// hops, and returns when that was seen.
func (s *ScaleOut) WaitHops(d time.Duration, ok func([]string) bool) (time.Time, error) {
	deadline := time.Now().Add(d)
	for {
		hops, err := s.NextHops()
		if err != nil {
			return time.Time{}, err
		}
		if ok(hops) {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("lab: router next hops %v after %s", hops, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Listen opens a TCP listener inside h's namespace.
func (h *Host) Listen(addr string) (net.Listener, error) {
	var ln net.Listener
	err := h.InNS(func() (err error) { ln, err = net.Listen("tcp4", addr); return err })
	return ln, err
}

// ListenCheck is a real server for TCP_CHECK on addr:80: it accepts and
// closes.
func (h *Host) ListenCheck(addr string) (net.Listener, error) {
	ln, err := h.Listen(addr + ":80")
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln, nil
}

// ServeName answers name on connect and to every line, until the client
// closes: a flow that moves to another director finds no socket there.
func ServeName(ln net.Listener, name string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			fmt.Fprintf(c, "%s\n", name)
			rd := bufio.NewReader(c)
			for {
				if _, err := rd.ReadString('\n'); err != nil {
					return
				}
				fmt.Fprintf(c, "%s\n", name)
			}
		}()
	}
}

// Conn is one client connection and the director that first answered it.
type Conn struct {
	C     net.Conn
	rd    *bufio.Reader
	First string
}

// DialMany opens n connections to addr from h's namespace and reads who
// answered each.
func (h *Host) DialMany(addr string, n int) ([]*Conn, error) {
	var out []*Conn
	err := h.InNS(func() error {
		for i := 0; i < n; i++ {
			c, err := net.DialTimeout("tcp4", addr, 5*time.Second)
			if err != nil {
				return fmt.Errorf("connection %d: %w", i, err)
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			rd := bufio.NewReader(c)
			name, err := rd.ReadString('\n')
			if err != nil {
				c.Close()
				return fmt.Errorf("connection %d: %w", i, err)
			}
			out = append(out, &Conn{C: c, rd: rd, First: strings.TrimSpace(name)})
		}
		return nil
	})
	if err != nil {
		for _, c := range out {
			c.C.Close()
		}
		return nil, err
	}
	return out, nil
}

// PingAll asks every connection again and counts the broken ones among
// the dead director's (lost) and among the others' (moved: rehashed by
// the router onto a director that has no socket for them).
func PingAll(conns []*Conn, dead string) (moved, lost int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.C.SetDeadline(time.Now().Add(5 * time.Second))
			_, err := fmt.Fprintf(c.C, "?\n")
			var name string
			if err == nil {
				name, err = c.rd.ReadString('\n')
			}
			if err == nil && strings.TrimSpace(name) == c.First {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if c.First == dead {
				lost++
			} else {
				moved++
			}
		}()
	}
	wg.Wait()
	return moved, lost
}
