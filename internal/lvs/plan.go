package lvs

import (
	"fmt"
	"net/netip"
	"reflect"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Plan returns what a reload to next would change in IPVS and the
// checkers, without changing anything. The IPVS operations are the
// running reconciler's own: the same expansion, table read and diff that
// Reload would run, so a plan and the reload after it agree.
func (s *Subsystem) Plan(next *confparse.Config) ([]status.Change, error) {
	s.mu.Lock()
	rec, cfg, old := s.rec, s.cfg, s.checkers
	s.mu.Unlock()
	if rec == nil {
		rec = ipvs.NewReconciler(ipvs.NewMemory(), s.log)
	}
	return plan(rec, cfg, old, next)
}

// PlanFrom plans a change from configuration old to next when no daemon
// runs: the reconciler loads old into an in-memory table (its desired
// state) and plans next against it.
func PlanFrom(old, next *confparse.Config) ([]status.Change, error) {
	rec := ipvs.NewReconciler(ipvs.NewMemory(), nil)
	oc := Config(old)
	if _, err := rec.Load(oc); err != nil {
		return nil, fmt.Errorf("lvs plan: the running configuration: %w", err)
	}
	return plan(rec, oc, copyCheckers(old), next)
}

func plan(rec *ipvs.Reconciler, old ipvs.Config, oldCks []check.Checker, next *confparse.Config) ([]status.Change, error) {
	ops, services, err := rec.Plan(Config(next))
	if err != nil {
		return nil, fmt.Errorf("lvs plan: %w", err)
	}
	keys := map[string]string{} // ipvs key -> status key
	inOld, inNew := map[string]bool{}, map[string]bool{}
	for _, v := range old.Servers {
		keys[v.Key()], inOld[v.Key()] = Key(v), true
	}
	for _, v := range next.VirtualServers {
		keys[v.Key()], inNew[v.Key()] = Key(v), true
	}
	var out []status.Change
	byVS := map[string]int{}                    // ipvs key -> index in out of its virtual_server change
	byRS := map[string]map[netip.AddrPort]int{} // ipvs key -> real -> index in out
	for _, op := range ops {
		name := services[op.Service.Key]
		vsKey := keys[name]
		if vsKey == "" {
			vsKey = op.Service.Key.String()
		}
		whole := !inOld[name] || !inNew[name]
		if op.Kind < ipvs.AddDest || whole {
			i, ok := byVS[name]
			if !ok {
				i, byVS[name] = len(out), len(out)
				out = append(out, status.Change{Kind: "virtual_server", Op: vsOp(inOld[name], inNew[name]), Object: vsKey})
			}
			out[i].Ops = append(out[i].Ops, op.String())
			continue
		}
		if byRS[name] == nil {
			byRS[name] = map[netip.AddrPort]int{}
		}
		i, ok := byRS[name][op.Dest.Addr]
		if !ok {
			i = len(out)
			byRS[name][op.Dest.Addr] = i
			out = append(out, status.Change{Kind: "real_server", Op: destOp(op.Kind), Object: op.Dest.Addr.String(), Parent: vsKey})
		}
		out[i].Ops = append(out[i].Ops, op.String())
	}
	return append(out, checkerChanges(oldCks, next, keys)...), nil
}

func vsOp(inOld, inNew bool) string {
	switch {
	case !inOld:
		return "add"
	case !inNew:
		return "remove"
	}
	return "change"
}

func destOp(k ipvs.OpKind) string {
	switch k {
	case ipvs.AddDest:
		return "add"
	case ipvs.DelDest:
		return "remove"
	}
	return "change"
}

// checkerID matches a checker across a reload: the same kind on the same
// real server, the n-th of that kind (line numbers move when lines are
// added above).
type checkerID struct {
	target check.Target
	kind   check.Kind
	n      int
}

func checkerIDs(cks []check.Checker) ([]checkerID, map[checkerID]check.Checker) {
	seen := map[checkerID]int{}
	ids := make([]checkerID, len(cks))
	byID := make(map[checkerID]check.Checker, len(cks))
	for i, c := range cks {
		id := checkerID{target: c.Target, kind: c.Kind}
		id.n = seen[id]
		seen[id]++
		ids[i], byID[id] = id, c
	}
	return ids, byID
}

// checkerChanges lists the checkers a reload adds, removes or changes. A
// reload restarts every checker; these are the ones whose settings differ.
func checkerChanges(old []check.Checker, next *confparse.Config, keys map[string]string) []status.Change {
	nc := copyCheckers(next)
	oldIDs, was := checkerIDs(old)
	newIDs, now := checkerIDs(nc)
	var out []status.Change
	add := func(op string, c check.Checker) {
		out = append(out, status.Change{Kind: "checker", Op: op, Object: fmt.Sprintf("%s at %s", c.Kind, c.Source),
			Parent: keys[c.Target.Service], Detail: c.Target.Real.String()})
	}
	for i, c := range nc {
		o, ok := was[newIDs[i]]
		switch {
		case !ok:
			add("add", c)
		case !sameChecker(o, c):
			add("change", c)
		}
	}
	for i, c := range old {
		if _, ok := now[oldIDs[i]]; !ok {
			add("remove", c)
		}
	}
	return out
}

// sameChecker compares settings, not where they were written.
func sameChecker(a, b check.Checker) bool {
	a.Source = b.Source
	return reflect.DeepEqual(a, b)
}
