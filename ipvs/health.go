package ipvs

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=ActionKind -output=health_string.go

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/govrrpd/govrrpd/script"
)

// Health is a checker's verdict on one real server, as the check package
// delivers it. Service is VirtualServer.Key().
type Health struct {
	Service string
	Real    netip.AddrPort
	Up      bool
	// Weight is the new weight a MISC_CHECK with misc_dynamic (exit code
	// minus 2) or a FILE_CHECK asks for; it applies only when HasWeight is
	// set, so that checkers without a weight leave it alone.
	Weight    int
	HasWeight bool
	// WeightDelta is the sum of the real server's FILE_CHECK adjustments
	// (value × weight, negated with reverse). It is added to the weight
	// above (or the configured one) and the sum clamped to [0, MaxWeight],
	// as keepalived's real_weight() clamps effective_weight: a file value
	// that drives the sum negative parks the server at weight 0 rather than
	// failing the update.
	WeightDelta int
}

// MaxWeight is the largest weight IPVS takes (keepalived's
// IPVS_WEIGHT_LIMIT, INT32_MAX).
const MaxWeight = 1<<31 - 1

// clampWeight is keepalived's real_weight().
func clampWeight(w int) int {
	return min(max(w, 0), MaxWeight)
}

// ActionKind names a script the daemon runs on the reconciler's behalf; the
// reconciler decides when, never execs.
type ActionKind uint8

const (
	NotifyUp   ActionKind = iota + 1 // notify_up
	NotifyDown                       // notify_down
	QuorumUp                         // quorum_up
	QuorumDown                       // quorum_down
)

// Action is one state change to announce: log it, write it to the
// lvs_notify_fifo, and run Script when it is set.
type Action struct {
	Kind    ActionKind
	Service string         // VirtualServer.Key()
	Real    netip.AddrPort // zero for quorum actions
	Script  script.Spec
}

// rsState is what the checkers have said about one real server. idx
// points at its RealServer in vs.Reals, so that a verdict finds its
// configuration without scanning a large virtual server.
type rsState struct {
	alive  bool
	weight int // configured, or misc_dynamic's
	delta  int // FILE_CHECK's sum
	// drained is an operator's Drain: the server stays in the table at
	// weight 0 whatever the checkers say about its weight.
	drained bool
	idx     int
}

// eff is the weight the table carries for the server while it is alive.
func (r *rsState) eff() int {
	if r.drained {
		return 0
	}
	return clampWeight(r.weight + r.delta)
}

// vsState is a virtual server with its real servers' health and its quorum.
// sum is the live weight, kept up to date by apply so that a verdict does
// not add up every real server again.
type vsState struct {
	vs       VirtualServer
	rs       map[netip.AddrPort]*rsState
	quorumUp bool
	sum      int
}

func boolOr(p *bool, def bool) bool {
	if p != nil {
		return *p
	}
	return def
}

// newVSState starts a virtual server: without alpha its real servers count
// as alive before any check has run, with alpha as dead. old carries the
// health of real servers that survive a reload.
func newVSState(vs VirtualServer, old *vsState, initNotifies bool) (*vsState, []Action) {
	vs.Reals = slices.Clone(vs.Reals) // the caller's config may be edited later
	// One map and one array of states per virtual server, sized once: a
	// reload of 10,000 services expands every one of them again.
	st := &vsState{vs: vs, rs: make(map[netip.AddrPort]*rsState, len(vs.Reals))}
	states := make([]rsState, len(vs.Reals))
	var acts []Action
	for i, r := range vs.Reals {
		if old != nil {
			if o, ok := old.rs[r.Addr]; ok {
				w := o.weight
				if oldR, ok := old.real(r.Addr); ok && oldR.Weight != r.Weight {
					w = r.Weight // a changed configured weight wins over a dynamic one
				}
				states[i] = rsState{alive: o.alive, weight: w, delta: o.delta, drained: o.drained, idx: i}
				st.rs[r.Addr] = &states[i]
				continue
			}
		}
		alive := !boolOr(r.Options().Alpha, vs.Alpha)
		states[i] = rsState{alive: alive, weight: r.Weight, idx: i}
		st.rs[r.Addr] = &states[i]
		if alive && initNotifies {
			acts = append(acts, Action{Kind: NotifyUp, Service: vs.Key(), Real: r.Addr, Script: specOf(r.Options().NotifyUp)})
		}
	}
	st.sum = st.weightSum()
	if old != nil {
		st.quorumUp = old.quorumUp
		return st, append(acts, st.evalQuorum()...)
	}
	st.quorumUp = !st.lost(st.sum, 0)
	if !st.quorumUp {
		acts = append(acts, st.quorumAction(QuorumDown))
	}
	return st, acts
}

func (st *vsState) real(a netip.AddrPort) (RealServer, bool) {
	for _, r := range st.vs.Reals {
		if r.Addr == a {
			return r, true
		}
	}
	return RealServer{}, false
}

// weightSum adds up the live weight from scratch; apply keeps st.sum equal
// to it incrementally.
func (st *vsState) weightSum() int {
	n := 0
	for _, r := range st.rs {
		if r.alive {
			n += r.eff()
		}
	}
	return n
}

// lost is keepalived's quorum-loss test: nothing alive, or below quorum
// minus hysteresis.
func (st *vsState) lost(sum, hyst int) bool {
	return sum == 0 || sum < st.vs.Quorum-hyst
}

func (st *vsState) quorumAction(k ActionKind) Action {
	a := Action{Kind: k, Service: st.vs.Key(), Script: specOf(st.vs.Options().QuorumDown)}
	if k == QuorumUp {
		a.Script = specOf(st.vs.Options().QuorumUp)
	}
	return a
}

// evalQuorum moves the quorum state with hysteresis: lost below
// quorum-hysteresis, regained at quorum+hysteresis.
func (st *vsState) evalQuorum() []Action {
	sum := st.sum
	switch {
	case st.quorumUp && st.lost(sum, st.vs.Options().Hysteresis):
		st.quorumUp = false
		return []Action{st.quorumAction(QuorumDown)}
	case !st.quorumUp && sum > 0 && sum >= st.vs.Quorum+st.vs.Options().Hysteresis:
		st.quorumUp = true
		return []Action{st.quorumAction(QuorumUp)}
	}
	return nil
}

// apply records a checker verdict and returns the scripts it triggers.
func (st *vsState) apply(h Health) ([]Action, error) {
	r, ok := st.rs[h.Real]
	if !ok {
		return nil, fmt.Errorf("health for %s: no real server %s", h.Service, h.Real)
	}
	if h.HasWeight && h.Weight < 0 {
		return nil, fmt.Errorf("health for %s %s: negative weight %d", h.Service, h.Real, h.Weight)
	}
	if r.alive {
		st.sum -= r.eff()
	}
	if h.HasWeight {
		r.weight = h.Weight
	}
	r.delta = h.WeightDelta
	if h.Up {
		st.sum += r.eff()
	}
	var acts []Action
	if r.alive != h.Up {
		r.alive = h.Up
		rs := st.vs.Reals[r.idx]
		a := Action{Kind: NotifyDown, Service: h.Service, Real: h.Real, Script: specOf(rs.Options().NotifyDown)}
		if h.Up {
			a.Kind, a.Script = NotifyUp, specOf(rs.Options().NotifyUp)
		}
		acts = append(acts, a)
	}
	return append(acts, st.evalQuorum()...), nil
}

// dests is the destination set the health and quorum state call for, per
// kernel family. A dead real server is left out, or kept at weight 0 when
// inhibited. While quorum is lost and there is a sorry server, the sorry
// server replaces the live ones; otherwise it is absent, or at weight 0
// with sorry_server_inhibit.
func (st *vsState) dests(fam uint8) (map[netip.AddrPort]Dest, error) {
	vs := st.vs
	sorry := st.sorryActive()
	out := make(map[netip.AddrPort]Dest, len(vs.Reals)+1)
	for _, r := range vs.Reals {
		d, in, err := st.destOf(r, fam)
		if err != nil {
			return nil, err
		}
		if in {
			out[d.Addr] = d
		}
	}
	if vs.Options().Sorry != nil && (sorry || vs.Options().SorryInhibit) {
		w := vs.Options().Sorry.Weight
		if !sorry {
			w = 0
		}
		d, err := DestFor(vs, *vs.Options().Sorry, fam, w)
		if err != nil {
			return nil, fmt.Errorf("sorry server: %w", err)
		}
		out[d.Addr] = d
	}
	return out, nil
}

// sorryActive says the sorry server stands in for the real servers.
func (st *vsState) sorryActive() bool { return st.vs.Options().Sorry != nil && !st.quorumUp }

// destOf is one real server's share of dests: its destination and whether
// the table should hold it. When it should not, only Dest.Addr is set, so
// that the caller can find what to delete.
func (st *vsState) destOf(r RealServer, fam uint8) (Dest, bool, error) {
	vs := st.vs
	s := st.rs[r.Addr]
	w, in := s.eff(), s.alive && !st.sorryActive()
	if !in {
		if !boolOr(r.Inhibit, vs.InhibitOnFailure) {
			return Dest{Addr: netip.AddrPortFrom(r.Addr.Addr().Unmap(), r.Addr.Port())}, false, nil
		}
		w = 0
	}
	d, err := DestFor(vs, r, fam, w)
	return d, err == nil, err
}

// omega returns the scripts keepalived runs at shutdown with omega set.
func (st *vsState) omega() []Action {
	if !st.vs.Omega {
		return nil
	}
	var acts []Action
	for _, r := range st.vs.Reals {
		if st.rs[r.Addr].alive {
			acts = append(acts, Action{Kind: NotifyDown, Service: st.vs.Key(), Real: r.Addr, Script: specOf(r.Options().NotifyDown)})
		}
	}
	if st.quorumUp {
		acts = append(acts, st.quorumAction(QuorumDown))
	}
	return acts
}

// specOf is the command of an optional notify script; the zero Spec runs
// nothing.
func specOf(p *script.Spec) script.Spec {
	if p == nil {
		return script.Spec{}
	}
	return *p
}

// entry is what one of the virtual server's kernel services should hold
// now.
func (st *vsState) entry(k ServiceKey) (*Entry, error) {
	svc, err := ServiceFor(st.vs, k)
	if err != nil {
		return nil, err
	}
	d, err := st.dests(k.Family)
	if err != nil {
		return nil, err
	}
	return &Entry{Service: svc, Dests: d}, nil
}
