package confparse

import (
	"fmt"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/srcpos"
)

// Splicing an incremental load (incremental.go): the statements of the
// parse without the reused blocks and the reused blocks of the last load,
// in file order, into one Config, diagnostics list and record.

// merge builds the new load's Config, diagnostics and record from the
// parse without the reused blocks (part, cfg, diags) and the old record's reused blocks.
func (sp *splice) merge(old, part *incRecord, cfg *Config, diags Diagnostics) (*incRecord, string) {
	m := merger{rec: &incRecord{stmts: make([]incStmt, 0, len(old.stmts)+len(part.stmts))}, old: old, part: part}
	m.cks = make([]*check.Checker, 0, len(old.cfg.Checkers)+len(cfg.Checkers))
	m.vss = make([]ipvs.VirtualServer, 0, len(old.cfg.VirtualServers)+len(cfg.VirtualServers))
	newB := sp.b + sp.delta
	side := func(from, to, shift int) string {
		for i := from; i < to; i++ {
			if sp.reuse[i] {
				m.addOld(i, shift)
				continue
			}
			o := old.stmts[i]
			if m.j >= len(part.stmts) {
				return fmt.Sprintf("line %d: the block is missing from the new parse", o.first+shift)
			}
			if p := part.stmts[m.j]; p.first != o.first+shift || p.last != o.last+shift || p.vs != o.vs {
				return fmt.Sprintf("line %d: the new parse's blocks do not line up with the last load's", p.first)
			}
			m.addPart()
		}
		return ""
	}
	if why := side(0, sp.lo, 0); why != "" {
		return nil, why
	}
	for m.j < len(part.stmts) && part.stmts[m.j].first-1 < newB {
		p := part.stmts[m.j]
		if p.first-1 < sp.a || p.last > newB || !p.vs {
			return nil, fmt.Sprintf("line %d: the changed lines do not read as whole virtual_server blocks", p.first)
		}
		m.addPart()
	}
	if why := side(sp.hi, len(old.stmts), sp.delta); why != "" {
		return nil, why
	}
	m.flush()
	if m.j != len(part.stmts) {
		return nil, fmt.Sprintf("line %d: the new parse has a block the last load had not", part.stmts[m.j].first)
	}
	r := m.rec
	r.stmtDiags = len(r.diags)
	r.diags = append(r.diags, diags[part.stmtDiags:]...)
	cfg.VirtualServers, cfg.Checkers = m.vss, m.cks
	r.cfg = cfg
	return r, ""
}

// merger assembles a spliced load from runs of statements that lie next
// to each other in the load they come from, each run copied at once.
type merger struct {
	rec       *incRecord
	old, part *incRecord
	j         int // the next statement of part
	vss       []ipvs.VirtualServer
	cks       []*check.Checker
	cur       run
}

// run is statements [i, k) of src, their lines moved by shift.
type run struct {
	src         *incRecord
	i, k, shift int
}

func (m *merger) addOld(i, shift int) { m.take(m.old, i, shift) }

func (m *merger) addPart() {
	m.take(m.part, m.j, 0)
	m.j++
}

// take appends statement i of src to the current run, or starts a new one.
func (m *merger) take(src *incRecord, i, shift int) {
	if m.cur.src == src && m.cur.k == i && m.cur.shift == shift {
		m.cur.k++
		return
	}
	m.flush()
	m.cur = run{src: src, i: i, k: i + 1, shift: shift}
}

// flush appends the current run: a statement's virtual servers, checkers
// and diagnostics follow the previous statement's in its load.
func (m *merger) flush() {
	r := m.cur
	m.cur = run{}
	if r.src == nil {
		return
	}
	first, last := r.src.stmts[r.i], r.src.stmts[r.k-1]
	vs0, ck0, d0 := len(m.vss), len(m.cks), len(m.rec.diags)
	vss := r.src.cfg.VirtualServers[first.vsLo:last.vsHi]
	cks := r.src.cfg.Checkers[first.ckLo:last.ckHi]
	if r.shift == 0 {
		m.vss = append(m.vss, vss...)
		m.cks = append(m.cks, cks...)
	} else {
		n := 0
		for _, v := range vss {
			n += len(v.Reals)
		}
		reals := make([]ipvs.RealServer, n)
		for _, v := range vss {
			m.vss = append(m.vss, shiftVS(v, r.shift, reals[:len(v.Reals):len(v.Reals)]))
			reals = reals[len(v.Reals):]
		}
		slab := make([]check.Checker, len(cks))
		for k, c := range cks {
			slab[k] = *c
			slab[k].Source = shiftPos(c.Source, r.shift)
			m.cks = append(m.cks, &slab[k])
		}
	}
	m.rec.diags = append(m.rec.diags, r.src.diags[first.dLo:last.dHi]...)
	for _, s := range r.src.stmts[r.i:r.k] {
		s.first, s.last = s.first+r.shift, s.last+r.shift
		s.vsLo, s.vsHi = s.vsLo-first.vsLo+vs0, s.vsHi-first.vsLo+vs0
		s.ckLo, s.ckHi = s.ckLo-first.ckLo+ck0, s.ckHi-first.ckLo+ck0
		s.dLo, s.dHi = s.dLo-first.dLo+d0, s.dHi-first.dLo+d0
		m.rec.stmts = append(m.rec.stmts, s)
	}
}

// shiftVS is a copy of v, lines moved by d, its real servers copied into
// reals; what the copy shares with v holds no position and is never
// written.
func shiftVS(v ipvs.VirtualServer, d int, reals []ipvs.RealServer) ipvs.VirtualServer {
	v.Source = shiftPos(v.Source, d)
	for i, r := range v.Reals {
		r.Source = shiftPos(r.Source, d)
		reals[i] = r
	}
	v.Reals = reals
	if v.Opts != nil && v.Opts.Sorry != nil {
		o, s := *v.Opts, *v.Opts.Sorry
		s.Source = shiftPos(s.Source, d)
		o.Sorry = &s
		v.Opts = &o
	}
	return v
}

func shiftPos(p srcpos.Pos, d int) srcpos.Pos {
	if p.Line() == 0 {
		return p
	}
	return srcpos.Make(p.File(), p.Line()+d)
}
