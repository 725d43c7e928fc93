package ipvs

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
}

// ActionKind names a script the daemon runs on the reconciler's behalf; the
// reconciler decides when, never execs.
type ActionKind uint8

const (
	NotifyUp ActionKind = iota + 1
	NotifyDown
	QuorumUp
	QuorumDown
)

func (k ActionKind) String() string {
	switch k {
	case NotifyUp:
		return "notify_up"
	case NotifyDown:
		return "notify_down"
	case QuorumUp:
		return "quorum_up"
	case QuorumDown:
		return "quorum_down"
	}
	return fmt.Sprintf("action(%d)", uint8(k))
}

// Action is one state change to announce: log it, write it to the
// lvs_notify_fifo, and run Script when it is set.
type Action struct {
	Kind    ActionKind
	Service string         // VirtualServer.Key()
	Real    netip.AddrPort // zero for quorum actions
	Script  script.Spec
}

// rsState is what the checkers have said about one real server.
type rsState struct {
	alive  bool
	weight int
}

// vsState is a virtual server with its real servers' health and its quorum.
type vsState struct {
	vs       VirtualServer
	rs       map[netip.AddrPort]*rsState
	quorumUp bool
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
	st := &vsState{vs: vs, rs: map[netip.AddrPort]*rsState{}}
	var acts []Action
	for _, r := range vs.Reals {
		if old != nil {
			if o, ok := old.rs[r.Addr]; ok {
				w := o.weight
				if oldR, ok := old.real(r.Addr); ok && oldR.Weight != r.Weight {
					w = r.Weight // a changed configured weight wins over a dynamic one
				}
				st.rs[r.Addr] = &rsState{alive: o.alive, weight: w}
				continue
			}
		}
		alive := !boolOr(r.Alpha, vs.Alpha)
		st.rs[r.Addr] = &rsState{alive: alive, weight: r.Weight}
		if alive && initNotifies {
			acts = append(acts, Action{Kind: NotifyUp, Service: vs.Key(), Real: r.Addr, Script: specOf(r.NotifyUp)})
		}
	}
	if old != nil {
		st.quorumUp = old.quorumUp
		return st, append(acts, st.evalQuorum()...)
	}
	st.quorumUp = !st.lost(st.weightSum(), 0)
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

func (st *vsState) weightSum() int {
	n := 0
	for _, r := range st.rs {
		if r.alive {
			n += r.weight
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
	a := Action{Kind: k, Service: st.vs.Key(), Script: specOf(st.vs.QuorumDown)}
	if k == QuorumUp {
		a.Script = specOf(st.vs.QuorumUp)
	}
	return a
}

// evalQuorum moves the quorum state with hysteresis: lost below
// quorum-hysteresis, regained at quorum+hysteresis.
func (st *vsState) evalQuorum() []Action {
	sum := st.weightSum()
	switch {
	case st.quorumUp && st.lost(sum, st.vs.Hysteresis):
		st.quorumUp = false
		return []Action{st.quorumAction(QuorumDown)}
	case !st.quorumUp && sum > 0 && sum >= st.vs.Quorum+st.vs.Hysteresis:
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
	if h.HasWeight {
		if h.Weight < 0 {
			return nil, fmt.Errorf("health for %s %s: negative weight %d", h.Service, h.Real, h.Weight)
		}
		r.weight = h.Weight
	}
	var acts []Action
	if r.alive != h.Up {
		r.alive = h.Up
		rs, _ := st.real(h.Real)
		a := Action{Kind: NotifyDown, Service: h.Service, Real: h.Real, Script: specOf(rs.NotifyDown)}
		if h.Up {
			a.Kind, a.Script = NotifyUp, specOf(rs.NotifyUp)
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
	sorry := vs.Sorry != nil && !st.quorumUp
	out := make(map[netip.AddrPort]Dest, len(vs.Reals)+1)
	for _, r := range vs.Reals {
		s := st.rs[r.Addr]
		w, in := s.weight, s.alive && !sorry
		if !in {
			if !boolOr(r.Inhibit, vs.InhibitOnFailure) {
				continue
			}
			w = 0
		}
		d, err := DestFor(vs, r, fam, w)
		if err != nil {
			return nil, err
		}
		out[d.Addr] = d
	}
	if vs.Sorry != nil && (sorry || vs.SorryInhibit) {
		w := vs.Sorry.Weight
		if !sorry {
			w = 0
		}
		d, err := DestFor(vs, *vs.Sorry, fam, w)
		if err != nil {
			return nil, fmt.Errorf("sorry server: %w", err)
		}
		out[d.Addr] = d
	}
	return out, nil
}

// omega returns the scripts keepalived runs at shutdown with omega set.
func (st *vsState) omega() []Action {
	if !st.vs.Omega {
		return nil
	}
	var acts []Action
	for _, r := range st.vs.Reals {
		if st.rs[r.Addr].alive {
			acts = append(acts, Action{Kind: NotifyDown, Service: st.vs.Key(), Real: r.Addr, Script: specOf(r.NotifyDown)})
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
