package netconf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// The no_accept firewall (accept mode off: vrrp_strict's default below
// priority 255). RFC 5798 §6.4.3 says a non-owner master must not accept
// packets addressed to the VIPs; keepalived enforces that with nftables,
// and so does govrrpd, building the same ruleset keepalived 2.2.7 builds
// (dumped from a running keepalived in a namespace; see
// testdata/keepalived-2.2.7-nft.txt), so operators' `nft list` habits and
// scripts keep working:
//
//	table ip keepalived    (and table ip6 keepalived, each created on first use)
//	  chain in  { type filter hook input  priority -1; policy accept; }
//	  chain out { type filter hook output priority -1; policy accept; }
//	  set vips { type ipv4_addr }
//	  in:  ip daddr @vips drop
//	  out: ip saddr @vips drop
//
// IPv6 adds a constant set neighbor-discovery {135, 136} accepted first in
// both chains (ND for the VIPs must keep working, or the master could not
// announce them), jumps (goto) for fe80::/10 to in_link_local /
// out_link_local, where link-local VIPs are matched together with the
// interface index (ipv6_addr . iface_index), then the global vips set.
//
// Two separate family tables rather than one inet table: that is what
// keepalived does, and a host that switches daemons finds one layout. The
// table name and chain priority follow global_defs `nftables` and
// `nftables_priority`; `nftables_counters` adds a counter to each rule.

// Firewall owns the keepalived tables in one network namespace.
type Firewall struct {
	Table    string // default "keepalived"
	Priority int32  // chain priority; keepalived's default is -1
	Counters bool
	// NetNS is a namespace fd to work in; 0 means the caller's.
	NetNS int

	mu   sync.Mutex
	conn *nftables.Conn
	fam  map[nftables.TableFamily]*fwFamily
	refs map[fwKey]int
}

// DefaultFirewall returns keepalived's defaults: table "keepalived",
// priority -1, no counters.
func DefaultFirewall() *Firewall { return &Firewall{Table: "keepalived", Priority: -1} }

type fwFamily struct {
	table *nftables.Table
	vips  *nftables.Set
	ll    *nftables.Set // IPv6 only: address . ifindex
}

// fwKey counts a VIP per interface: two instances may share one, and it
// must stay blocked until both have released it.
type fwKey struct {
	addr    netip.Addr
	ifindex int
}

// Open connects and removes tables a crashed run left behind, as keepalived
// does, so the reference counts start from an empty kernel state.
func (f *Firewall) Open() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Table == "" {
		f.Table = "keepalived"
	}
	var opts []nftables.ConnOption
	if f.NetNS != 0 {
		opts = append(opts, nftables.WithNetNSFd(f.NetNS))
	}
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	f.conn, f.fam, f.refs = c, map[nftables.TableFamily]*fwFamily{}, map[fwKey]int{}
	return f.dropTables()
}

// Close removes the tables; the VIPs are no longer blocked.
func (f *Firewall) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn == nil {
		return nil
	}
	err := f.dropTables()
	f.conn, f.fam, f.refs = nil, nil, nil
	return err
}

func (f *Firewall) dropTables() error {
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		t, err := f.conn.ListTableOfFamily(f.Table, fam)
		if err != nil || t == nil {
			continue // absent
		}
		f.conn.DelTable(t)
		if err := f.conn.Flush(); err != nil {
			return fmt.Errorf("nftables: delete table %s: %w", f.Table, err)
		}
	}
	return nil
}

// SetNoAccept blocks (on) or unblocks traffic to and from vips. A
// link-local IPv6 VIP must carry its interface as zone (fe80::1%eth0).
// Blocking a blocked VIP or unblocking a free one changes nothing.
func (f *Firewall) SetNoAccept(vips []netip.Addr, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn == nil {
		return errors.New("nftables: firewall not open")
	}
	add := map[*nftables.Set][]nftables.SetElement{}
	del := map[*nftables.Set][]nftables.SetElement{}
	for _, v := range vips {
		k, err := fwKeyOf(v)
		if err != nil {
			return err
		}
		n := f.refs[k]
		if on {
			f.refs[k] = n + 1
			if n > 0 {
				continue
			}
		} else {
			if n == 0 {
				continue
			}
			if f.refs[k] = n - 1; n > 1 {
				continue
			}
			delete(f.refs, k)
		}
		set, el, err := f.element(k)
		if err != nil {
			return err
		}
		if on {
			add[set] = append(add[set], el)
		} else {
			del[set] = append(del[set], el)
		}
	}
	for s, els := range add {
		if err := f.conn.SetAddElements(s, els); err != nil {
			return fmt.Errorf("nftables: %w", err)
		}
	}
	for s, els := range del {
		if err := f.conn.SetDeleteElements(s, els); err != nil {
			return fmt.Errorf("nftables: %w", err)
		}
	}
	if err := f.conn.Flush(); err != nil {
		return fmt.Errorf("nftables: update %s vips: %w", f.Table, err)
	}
	return nil
}

func fwKeyOf(v netip.Addr) (fwKey, error) {
	k := fwKey{addr: v.Unmap().WithZone("")}
	if !k.addr.Is6() || !k.addr.IsLinkLocalUnicast() {
		return k, nil
	}
	if v.Zone() == "" {
		return k, fmt.Errorf("nftables: link-local VIP %s needs an interface (%s%%IF)", v, v)
	}
	ifi, err := net.InterfaceByName(v.Zone())
	if err != nil {
		return k, fmt.Errorf("nftables: VIP %s: %w", v, err)
	}
	k.ifindex = ifi.Index
	return k, nil
}

// element returns the set and key for k, creating the family's table on
// first use (keepalived, too, only creates what it needs).
func (f *Firewall) element(k fwKey) (*nftables.Set, nftables.SetElement, error) {
	fam := nftables.TableFamilyIPv4
	if k.addr.Is6() {
		fam = nftables.TableFamilyIPv6
	}
	ft := f.fam[fam]
	if ft == nil {
		var err error
		if ft, err = f.setupFamily(fam); err != nil {
			return nil, nftables.SetElement{}, err
		}
		f.fam[fam] = ft
	}
	if k.ifindex == 0 {
		return ft.vips, nftables.SetElement{Key: k.addr.AsSlice()}, nil
	}
	key := binary.NativeEndian.AppendUint32(k.addr.AsSlice(), uint32(k.ifindex))
	return ft.ll, nftables.SetElement{Key: key}, nil
}

func (f *Firewall) setupFamily(fam nftables.TableFamily) (*fwFamily, error) {
	c := f.conn
	ft := &fwFamily{table: c.AddTable(&nftables.Table{Name: f.Table, Family: fam})}
	in := f.chain(ft.table, "in", nftables.ChainHookInput)
	out := f.chain(ft.table, "out", nftables.ChainHookOutput)
	keyType, off := nftables.TypeIPAddr, uint32(12) // IPv4 saddr; daddr is +4
	if fam == nftables.TableFamilyIPv6 {
		keyType, off = nftables.TypeIP6Addr, 8 // IPv6 saddr; daddr is +16
	}
	ft.vips = &nftables.Set{Table: ft.table, Name: "vips", KeyType: keyType}
	if err := c.AddSet(ft.vips, nil); err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	alen := keyType.Bytes
	if fam == nftables.TableFamilyIPv6 {
		if err := f.setupIPv6(ft, in, out); err != nil {
			return nil, err
		}
	}
	f.rule(in, f.match(off+alen, alen, ft.vips)...)
	f.rule(out, f.match(off, alen, ft.vips)...)
	if err := c.Flush(); err != nil {
		return nil, fmt.Errorf("nftables: create table %s: %w", f.Table, err)
	}
	return ft, nil
}

func (f *Firewall) chain(t *nftables.Table, name string, hook *nftables.ChainHook) *nftables.Chain {
	accept := nftables.ChainPolicyAccept
	return f.conn.AddChain(&nftables.Chain{Name: name, Table: t, Hooknum: hook,
		Priority: nftables.ChainPriorityRef(nftables.ChainPriority(f.Priority)),
		Type:     nftables.ChainTypeFilter, Policy: &accept})
}

// match loads the address at off and drops on a hit in set.
func (f *Firewall) match(off, n uint32, set *nftables.Set) []expr.Any {
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Lookup{SourceRegister: 1, SetName: set.Name, SetID: set.ID},
	}
}

// rule appends a rule ending in drop, or in the verdict given as last
// expression.
func (f *Firewall) rule(ch *nftables.Chain, e ...expr.Any) {
	v, ok := e[len(e)-1].(*expr.Verdict)
	if ok {
		e = e[:len(e)-1]
	} else {
		v = &expr.Verdict{Kind: expr.VerdictDrop}
	}
	if f.Counters {
		e = append(e, &expr.Counter{})
	}
	f.conn.AddRule(&nftables.Rule{Table: ch.Table, Chain: ch, Exprs: append(e, v)})
}

func (f *Firewall) setupIPv6(ft *fwFamily, in, out *nftables.Chain) error {
	c, t := f.conn, ft.table
	inLL := c.AddChain(&nftables.Chain{Name: "in_link_local", Table: t})
	outLL := c.AddChain(&nftables.Chain{Name: "out_link_local", Table: t})
	nd := &nftables.Set{Table: t, Name: "neighbor-discovery", KeyType: nftables.TypeICMP6Type, Constant: true}
	if err := c.AddSet(nd, []nftables.SetElement{{Key: []byte{135}}, {Key: []byte{136}}}); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	ft.ll = &nftables.Set{Table: t, Name: "vips_link_local", Concatenation: true,
		KeyType:      nftables.MustConcatSetType(nftables.TypeIP6Addr, nftables.TypeIFIndex),
		KeyByteOrder: binaryutil.NativeEndian}
	if err := c.AddSet(ft.ll, nil); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	for _, x := range []struct {
		ch, ll *nftables.Chain
		off    uint32
		meta   expr.MetaKey
	}{{in, inLL, 24, expr.MetaKeyIIF}, {out, outLL, 8, expr.MetaKeyOIF}} {
		f.rule(x.ch,
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 6, Len: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_ICMPV6}},
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
			&expr.Lookup{SourceRegister: 1, SetName: nd.Name, SetID: nd.ID},
			&expr.Verdict{Kind: expr.VerdictAccept})
		f.rule(x.ch,
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: x.off, Len: 16},
			&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 16,
				Mask: append([]byte{0xff, 0xc0}, make([]byte, 14)...), Xor: make([]byte, 16)},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: append([]byte{0xfe, 0x80}, make([]byte, 14)...)},
			&expr.Verdict{Kind: expr.VerdictGoto, Chain: x.ll.Name})
		f.rule(x.ll,
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: x.off, Len: 16},
			&expr.Meta{Key: x.meta, Register: 2},
			&expr.Lookup{SourceRegister: 1, SetName: ft.ll.Name, SetID: ft.ll.ID})
	}
	return nil
}
