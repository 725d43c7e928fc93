package ipvs

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

// randomSite is a configuration with the shapes LoadChanged must keep
// apart: address, fwmark and group services, sorry servers, inhibit,
// quorum.
func randomSite(rng *rand.Rand, n int) Config {
	var cfg Config
	for i := range n {
		cfg = addVS(rng, cfg, i, len(cfg.Servers))
	}
	return cfg
}

// addVS inserts virtual server number i at position at, with its group
// when it has one: each group its own addresses (a range of up to three
// in 203.0.113.0/24) or fwmark, so that groups overlap only when an edit
// makes them.
func addVS(rng *rand.Rand, c Config, i, at int) Config {
	v := randomVS(rng, i)
	if v.Group != "" {
		g := Group{Name: v.Group, Entries: []GroupEntry{{FWMark: uint32(5000 + i), Family: 4}}}
		if v.Protocol != 0 {
			a := netip.AddrFrom4([4]byte{203, 0, 113, byte(1 + i*3%240)})
			g.Entries = []GroupEntry{{First: a, Last: a.Next(), Port: 80}}
		}
		c.Groups = append(c.Groups, g)
	}
	c.Servers = slices.Insert(c.Servers, at, v)
	return c
}

func randomVS(rng *rand.Rand, i int) VirtualServer {
	v := VirtualServer{Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(1 + i%250)}), uint16(1000+i/250)),
		Protocol: TCP, Scheduler: []string{"rr", "wrr", "wlc"}[rng.IntN(3)], Quorum: 1 + rng.IntN(3),
		InhibitOnFailure: rng.IntN(4) == 0, Alpha: rng.IntN(5) == 0}
	switch rng.IntN(12) {
	case 0:
		v.Addr, v.FWMark, v.Family = netip.AddrPort{}, uint32(100+i), 4
	case 1:
		v.Addr, v.Group = netip.AddrPort{}, fmt.Sprintf("g%d", i)
	case 2:
		v.Addr, v.Group, v.Protocol = netip.AddrPort{}, fmt.Sprintf("g%d", i), 0
	}
	if rng.IntN(5) == 0 {
		v.EditOptions().Sorry = &RealServer{Addr: netip.MustParseAddrPort("198.51.100.250:80"), Weight: 1}
	}
	for j := range 1 + rng.IntN(5) {
		v.Reals = append(v.Reals, RealServer{Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + j)}), 80),
			Weight: rng.IntN(4)})
	}
	return v
}

// cloneSite copies what randomEdit changes, so that the running
// configuration is never edited in place.
func cloneSite(c Config) Config {
	out := Config{Globals: c.Globals, Groups: slices.Clone(c.Groups), Servers: slices.Clone(c.Servers)}
	for i := range out.Servers {
		out.Servers[i].Reals = slices.Clone(out.Servers[i].Reals)
		if o := out.Servers[i].Opts; o != nil {
			cp := *o
			out.Servers[i].Opts = &cp
		}
	}
	for i := range out.Groups {
		out.Groups[i].Entries = slices.Clone(out.Groups[i].Entries)
	}
	return out
}

var moved = srcpos.Make("k.conf", 5)

// randomEdit makes one reload's worth of edits.
func randomEdit(rng *rand.Rand, c Config, fresh *int) (Config, string) {
	c = cloneSite(c)
	if len(c.Servers) == 0 {
		*fresh++
		return addVS(rng, c, 300+*fresh, 0), "add to an empty site"
	}
	i := rng.IntN(len(c.Servers))
	v := &c.Servers[i]
	switch rng.IntN(13) {
	case 0:
		v.Reals[rng.IntN(len(v.Reals))].Weight = rng.IntN(5)
		return c, "weight"
	case 1:
		if len(v.Reals) > 1 {
			j := rng.IntN(len(v.Reals))
			v.Reals = slices.Delete(v.Reals, j, j+1)
		}
		return c, "real removed"
	case 2:
		v.Reals = append(v.Reals, RealServer{Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + rng.IntN(100))}), 80), Weight: 1})
		return c, "real added"
	case 3:
		c.Servers = slices.Delete(c.Servers, i, i+1)
		return c, "virtual server removed"
	case 4:
		*fresh++
		return addVS(rng, c, 300+*fresh, i), "virtual server inserted"
	case 5:
		v.Scheduler = "lc"
		return c, "scheduler"
	case 6:
		if len(c.Groups) > 0 {
			e := &c.Groups[rng.IntN(len(c.Groups))].Entries[0]
			if e.FWMark == 0 {
				e.Last = e.First.Next()
				if rng.IntN(2) == 0 {
					e.Last = e.First // one address fewer, or as before
				}
			} else {
				e.FWMark += 10000
			}
		}
		return c, "group entries"
	case 7:
		j := rng.IntN(len(c.Servers))
		c.Servers[i], c.Servers[j] = c.Servers[j], c.Servers[i]
		return c, "virtual servers swapped"
	case 8:
		v.Source = moved
		for j := range v.Reals {
			v.Reals[j].Source = moved
		}
		return c, "lines moved"
	case 9:
		c.Globals.Timeouts.TCP = time.Duration(1+rng.IntN(3)) * time.Minute
		return c, "globals"
	case 10:
		v.Quorum = 1 + rng.IntN(6)
		return c, "quorum"
	case 11:
		if v.FWMark == 0 && v.Group == "" {
			v.Protocol = UDP
		}
		return c, "protocol (the key)"
	}
	v.InhibitOnFailure = !v.InhibitOnFailure
	return c, "inhibit"
}

// TestLoadChangedMatchesLoad: through random reloads and verdicts, a
// reconciler applying only what Compare finds and one loading everything
// issue the same operations and actions and leave the same table, and a
// full read of the table afterwards finds nothing left to do.
func TestLoadChangedMatchesLoad(t *testing.T) {
	partial := 0
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 16))
		cfg := randomSite(rng, 30)
		ma, mb := NewMemory(), NewMemory()
		inc, full := NewReconciler(ma, nil), NewReconciler(mb, nil)
		_, ea := inc.LoadChanged(cfg, Changes{})
		_, eb := full.Load(cfg)
		if (ea == nil) != (eb == nil) {
			t.Fatalf("seed %d start: %v / %v", seed, ea, eb)
		}
		fresh := 0
		for step := range 60 {
			for range rng.IntN(3) {
				v := cfg.Servers[rng.IntN(len(cfg.Servers))]
				h := Health{Service: v.Key(), Real: v.Reals[rng.IntN(len(v.Reals))].Addr, Up: rng.IntN(2) == 0}
				ra, ea := inc.Health(h)
				rb, eb := full.Health(h)
				if (ea == nil) != (eb == nil) || !reflect.DeepEqual(ra, rb) {
					t.Fatalf("seed %d step %d: verdict %+v: %v %v / %v %v", seed, step, h, ra, ea, rb, eb)
				}
			}
			next, what := randomEdit(rng, cfg, &fresh)
			ch := Compare(cfg, next)
			if inc.clean && !ch.Whole {
				partial++
			}
			ra, ea := inc.LoadChanged(next, ch)
			rb, eb := full.Load(next)
			if (ea == nil) != (eb == nil) {
				t.Fatalf("seed %d step %d (%s): errors %v / %v", seed, step, what, ea, eb)
			}
			if a, b := opStrings(ra.Ops), opStrings(rb.Ops); a != b {
				t.Fatalf("seed %d step %d (%s): operations\n%s\nwant\n%s", seed, step, what, a, b)
			}
			if a, b := actStrings(ra.Actions), actStrings(rb.Actions); a != b {
				t.Fatalf("seed %d step %d (%s): actions %s, want %s", seed, step, what, a, b)
			}
			if !reflect.DeepEqual(ma.Table(), mb.Table()) {
				t.Fatalf("seed %d step %d (%s): table\n%s\nwant\n%s", seed, step, what, ma, mb)
			}
			cfg = next
		}
		inc.ReadAll = true
		ops, _, err := inc.Plan(cfg)
		if err != nil || len(ops) != 0 {
			t.Fatalf("seed %d: a full reconcile after the incremental ones: %s %v", seed, opStrings(ops), err)
		}
		if a, b := fmt.Sprint(inc.View(false)), fmt.Sprint(full.View(false)); a != b {
			t.Fatalf("seed %d: views differ:\n%s\n%s", seed, a, b)
		}
	}
	if partial < 20*60/2 {
		t.Errorf("only %d of %d reloads took the incremental path", partial, 20*60)
	}
	t.Logf("%d of %d reloads incremental", partial, 20*60)
}

// countReads counts what a reconciler reads of the table.
type countReads struct {
	*Memory
	lists, services, dumps int
}

func (c *countReads) Services() ([]Service, error) { c.lists++; return c.Memory.Services() }
func (c *countReads) Service(k ServiceKey) (Service, bool, error) {
	c.services++
	return c.Memory.Service(k)
}
func (c *countReads) Dests(s Service) ([]Dest, error) { c.dumps++; return c.Memory.Dests(s) }

// TestLoadChangedReadsOnlyWhatChanged: one weight edited among 1,000
// virtual servers reads one service and applies one operation, without
// listing the table; a failed verdict's service is read again on the
// next reload, and a change of the globals takes the full path.
func TestLoadChangedReadsOnlyWhatChanged(t *testing.T) {
	b := &countReads{Memory: NewMemory()}
	r := NewReconciler(b, nil)
	cfg := Config{}
	for i := range 1000 {
		v := vs(fmt.Sprintf("192.0.2.%d:%d", 1+i%250, 1000+i/250))
		for j := range 3 {
			v.Reals = append(v.Reals, rs(fmt.Sprintf("198.51.100.%d:80", j+1), 1))
		}
		cfg.Servers = append(cfg.Servers, v)
	}
	mustLoad(t, r, cfg)
	next := cloneSite(cfg)
	next.Servers[500].Reals[1].Weight = 7
	for i := range next.Servers {
		next.Servers[i].Source = moved
	}
	*b = countReads{Memory: b.Memory}
	rep, err := r.LoadChanged(next, Compare(cfg, next))
	if err != nil || len(rep.Ops) != 1 || rep.Ops[0].Kind != UpdateDest {
		t.Fatalf("one weight: %s %v", opStrings(rep.Ops), err)
	}
	if b.lists != 0 || b.services != 1 || b.dumps != 1 {
		t.Errorf("one weight read %d listings, %d services, %d destination dumps; want 0, 1, 1", b.lists, b.services, b.dumps)
	}
	// A service deleted behind the reconciler's back and a verdict on it
	// that fails: the record is dropped, and the next reload, with
	// nothing else changed, puts the service back.
	k := ServiceKey{Family: 4, Protocol: TCP, Addr: netip.MustParseAddr("192.0.2.10"), Port: 1000}
	if err := b.Memory.Apply(Op{Kind: DelService, Service: Service{Key: k}}); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	delete(r.last, k)
	r.mu.Unlock()
	rep, err = r.LoadChanged(next, Compare(next, next))
	if err != nil || len(rep.Ops) != 4 {
		t.Fatalf("the dropped service: %s %v", opStrings(rep.Ops), err)
	}
	glob := cloneSite(next)
	glob.Globals.Timeouts.UDP = time.Minute
	*b = countReads{Memory: b.Memory}
	if _, err := r.LoadChanged(glob, Compare(next, glob)); err != nil || b.lists != 1 {
		t.Fatalf("globals changed: %d listings (%v), want the full path's one", b.lists, err)
	}
}

// TestSameVirtualServerCoversEveryField: every field but the positions
// makes two virtual servers (and real servers) differ, so a field added
// later cannot be skipped silently by a reload.
func TestSameVirtualServerCoversEveryField(t *testing.T) {
	base := vs("192.0.2.1:80", rs("198.51.100.1:80", 1))
	base.EditOptions().Hysteresis = 1
	rt := reflect.TypeOf(base)
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Name == "Source" {
			continue
		}
		v := base
		v.Reals = slices.Clone(base.Reals)
		cp := *base.Opts
		v.Opts = &cp
		switch f.Name {
		case "Reals":
			v.Reals[0].Weight++
		case "Opts":
			v.Opts.Hysteresis++
		default:
			setNonZero(t, reflect.ValueOf(&v).Elem().Field(i), f.Name)
		}
		if SameVirtualServer(&base, &v) {
			t.Errorf("VirtualServer.%s changed, still the same", f.Name)
		}
	}
	rt = reflect.TypeOf(RealServer{})
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Name == "Source" {
			continue
		}
		a := base.Reals[0]
		b := a
		cp := *a.Opts
		b.Opts = &cp
		if f.Name == "Opts" {
			b.Opts.Virtualhost = "x"
		} else {
			setNonZero(t, reflect.ValueOf(&b).Elem().Field(i), f.Name)
		}
		if sameReal(&a, &b) {
			t.Errorf("RealServer.%s changed, still the same", f.Name)
		}
	}
	rt = reflect.TypeOf(RealOptions{})
	for i := range rt.NumField() {
		a := base.Reals[0].Opts
		b := *a
		f := reflect.ValueOf(&b).Elem().Field(i)
		if f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct {
			sp := *b.NotifyUp
			sp.Argv = []string{"x"}
			f.Set(reflect.ValueOf(&sp))
		} else {
			setNonZero(t, f, rt.Field(i).Name)
		}
		if sameRealOptions(a, &b) {
			t.Errorf("RealOptions.%s changed, still the same", rt.Field(i).Name)
		}
	}
	rt = reflect.TypeOf(script.Spec{})
	for i := range rt.NumField() {
		a := *base.Reals[0].Opts.NotifyUp
		b := a
		if f := reflect.ValueOf(&b).Elem().Field(i); f.Kind() == reflect.Slice {
			f.Set(reflect.ValueOf([]string{"x"}))
		} else {
			setNonZero(t, f, rt.Field(i).Name)
		}
		if sameSpec(&a, &b) {
			t.Errorf("script.Spec.%s changed, still the same", rt.Field(i).Name)
		}
	}
	v := base
	v.Source = moved
	v.Reals = slices.Clone(base.Reals)
	v.Reals[0].Source = moved
	if !SameVirtualServer(&base, &v) {
		t.Error("only the positions moved, yet different")
	}
}

// setNonZero changes one field to a value its zero-valued or base
// counterpart does not have.
func setNonZero(t *testing.T, f reflect.Value, name string) {
	t.Helper()
	switch f.Kind() {
	case reflect.Bool:
		f.SetBool(!f.Bool())
	case reflect.Int, reflect.Int64:
		f.SetInt(f.Int() + 1)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		f.SetUint(f.Uint() + 1)
	case reflect.String:
		f.SetString(f.String() + "x")
	case reflect.Pointer:
		n := reflect.New(f.Type().Elem())
		setFirst(n.Elem())
		f.Set(n)
	case reflect.Struct:
		setFirst(f)
	default:
		t.Fatalf("field %s: kind %s not covered by the test", name, f.Kind())
	}
}

// setFirst changes a struct (or value) so that it differs from before.
func setFirst(v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Uint8:
		v.SetUint(v.Uint() + 1)
	case reflect.Struct:
		switch x := v.Addr().Interface().(type) {
		case *netip.AddrPort:
			*x = netip.MustParseAddrPort("192.0.2.99:99")
		case *Forwarding:
			x.Method = TUN
		}
	}
}
