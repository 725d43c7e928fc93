package confparse

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"sort"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// The one-change reload (issue #16). An operator who edits one real
// server in a 660,000-line file should not wait for 10,000 virtual servers
// to be read again. A load records, beside its Inputs, a hash of every
// line of the file and where each top-level statement begins and ends,
// with the virtual servers, checkers and diagnostics it produced. The next
// load compares line hashes from both ends, widens the changed lines to
// whole statements, and parses the new file with every virtual_server
// block outside them left out (the reader skips their line numbers, so
// every position stays true): that parse reads global_defs,
// groups, VRRP and the changed blocks for real, runs every cross-block
// check, and the left-out blocks' results are spliced back from the last
// load, with their lines shifted when the edit changed the line count.
//
// Only what is known to be independent of the rest is reused: a
// virtual_server block that names no group, runs no script, and has no
// SSL_GET, MISC_CHECK, FILE_CHECK or BFD_CHECK checker (those read other
// blocks or end-of-file checks). Anything else falls back to the full
// load: another kind of block changed, a file with include, parameters,
// conditionals or sequences, syntax warnings, any other input changed,
// -t's interface checks, or a parse of what is left whose statements do
// not line up with the last load's.

// incStmt is one top-level statement of a recorded load.
type incStmt struct {
	first, last int // its lines, 1-based
	vsLo, vsHi  int // its virtual servers in Config.VirtualServers
	ckLo, ckHi  int // its checkers in Config.Checkers
	dLo, dHi    int // its diagnostics
	// vs is a virtual_server block that registered no end-of-file check;
	// reusable says its results may be spliced into a later load.
	vs, reusable bool
}

// incRecord is what one load keeps for the next (about 8 bytes a line and
// 80 a statement: 5.9 MB at 10,000 × 10; the Config is the running one).
type incRecord struct {
	path      string
	opts      Options
	recLines  bool            // the load is still reading: record line hashes
	lines     []uint64        // maphash of every physical line, with its newline
	pending   chunked[uint64] // lines while the load reads
	marked    bool            // a line holds $, @, ~ or include
	stmts     []incStmt
	cfg       *Config
	diags     Diagnostics
	stmtDiags int    // diags[:stmtDiags] came from statements, the rest from end-of-file checks
	unusable  string // why the next load cannot start from this one
}

// memFile is the file an incremental load has read already, handed to the
// preprocessor in place of opening it again.
type memFile struct {
	path string
	data []byte    // the file without the reused blocks' lines
	gaps []lineGap // where those lines were
	st   os.FileInfo
	at   time.Time
	sum  uint64
}

// lineGap is n lines left out of a file from line at (1-based) on.
type lineGap struct{ at, n int }

// recorder is the record a load fills (nil: none).
func (in *Inputs) recorder() *incRecord {
	if in == nil {
		return nil
	}
	return in.inc
}

// line records one physical line the preprocessor read.
func (in *Inputs) line(raw []byte) {
	if in == nil || in.inc == nil || !in.inc.recLines {
		return
	}
	c := &in.inc.pending
	if c.size == 0 {
		c.size = 1 << 16 // a growing slice re-copied 5 MB many times over
	}
	c.add(maphash.Bytes(in.seed, raw))
}

// marked records that the file read holds a preprocessor marker.
func (in *Inputs) marked() {
	if in != nil && in.inc != nil && in.inc.recLines {
		in.inc.marked = true
	}
}

// memFile takes the already-read file named m, once.
func (in *Inputs) memFile(m string) *memFile {
	if in == nil || in.mem == nil || in.mem.path != m {
		return nil
	}
	mf := in.mem
	in.mem = nil
	return mf
}

// hasMarker reports bytes the preprocessor gives meaning beyond the line:
// parameters, conditionals, sequences and includes.
func hasMarker(b []byte) bool {
	// IndexByte per byte is several times faster than one IndexAny on a
	// 13 MB file.
	return bytes.IndexByte(b, '$') >= 0 || bytes.IndexByte(b, '@') >= 0 || bytes.IndexByte(b, '~') >= 0 ||
		bytes.Contains(b, []byte("include"))
}

// loaded completes the record once its load has finished.
func (r *incRecord) loaded(cfg *Config, diags Diagnostics, walked, stmtDiags, checkers int) {
	r.recLines = false
	r.lines = r.pending.join(r.lines)
	r.cfg, r.diags, r.stmtDiags = cfg, diags, stmtDiags
	switch {
	case walked != 0:
		r.unusable = "the file had syntax warnings"
	case checkers != len(cfg.Checkers):
		r.unusable = "a checker was dropped at the end of the load"
	case r.marked:
		r.unusable = "the file uses $, @, ~ or include"
	}
	if r.unusable != "" {
		r.drop(r.unusable)
		return
	}
	for i := range r.stmts {
		r.stmts[i].reusable = r.reusable(i)
	}
}

// dropIfNothingReusable lets go of a whole load's record when none of its
// blocks could be reused: a VRRP-only file (thousands of instances, no
// virtual server) would keep 8 bytes a line for a shortcut it can never
// take.
func (r *incRecord) dropIfNothingReusable() {
	if r.unusable != "" {
		return
	}
	for _, s := range r.stmts {
		if s.reusable {
			return
		}
	}
	r.drop("no virtual server block to reuse")
}

// drop makes the record unusable and lets go of what it would have used.
func (r *incRecord) drop(why string) {
	r.unusable = why
	r.lines, r.stmts, r.cfg, r.diags = nil, nil, nil, nil
}

// reusable reports whether statement i's results depend on nothing but
// its own lines and blocks other than virtual servers.
func (r *incRecord) reusable(i int) bool {
	s := r.stmts[i]
	if !s.vs || s.vsHi-s.vsLo > 1 {
		return false
	}
	// Leaving it out must not leave out a neighbour sharing a line.
	if i > 0 && r.stmts[i-1].last >= s.first || i+1 < len(r.stmts) && r.stmts[i+1].first <= s.last {
		return false
	}
	for _, v := range r.cfg.VirtualServers[s.vsLo:s.vsHi] {
		if v.Group != "" || v.Opts != nil && (v.Opts.QuorumUp != nil || v.Opts.QuorumDown != nil) {
			return false
		}
		for _, rs := range v.Reals {
			if rs.Opts != nil && (rs.Opts.NotifyUp != nil || rs.Opts.NotifyDown != nil) {
				return false
			}
		}
	}
	for _, c := range r.cfg.Checkers[s.ckLo:s.ckHi] {
		switch c.Kind {
		case check.Misc, check.SSL, check.File, check.BFD:
			return false
		}
	}
	return true
}

// LoadInputsAfter is LoadInputs for a reload: prev is the record of the
// running configuration's load. When the main file is the only input that
// changed and only virtual_server blocks changed in it, only those are
// read again; the result is what LoadInputs would return. how names the
// way taken ("incremental: …" or "full: why").
func LoadInputsAfter(path string, opts Options, prev *Inputs) (cfg *Config, diags Diagnostics, in *Inputs, how string) {
	cfg, diags, in, how, why := loadChanged(path, opts, prev)
	if why == "" {
		return cfg, diags, in, how
	}
	cfg, diags, in = LoadInputs(path, opts)
	return cfg, diags, in, "full: " + why
}

// incFor returns prev's record if a load of path with opts may start from
// it, or why not.
func (in *Inputs) incFor(path string, opts Options) (*incRecord, string) {
	if in == nil || in.inc == nil {
		return nil, "no record of the last load"
	}
	r := in.inc
	o := opts
	o.inputs = nil
	switch {
	case r.unusable != "":
		return nil, r.unusable
	case r.path != path || o.CheckInterfaces || // InterfaceExists is asked only then
		o.ConfigID != r.opts.ConfigID || o.AllConfig != r.opts.AllConfig ||
		o.ElsewhereScripts != r.opts.ElsewhereScripts || o.InNamespace != r.opts.InNamespace:
		return nil, "the options changed"
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.files) != 1 || in.files[0].path != path {
		return nil, "the last load read other files than this one"
	}
	if in.volatile != "" {
		return nil, in.volatile
	}
	for _, p := range in.probes {
		if a := p.again(); a != p.answer {
			return nil, p.what + ": " + answerChange(p.answer, a)
		}
	}
	return r, ""
}

// loadChanged is the incremental load; a non-empty why means it did not
// take place.
func loadChanged(path string, opts Options, prev *Inputs) (cfg *Config, diags Diagnostics, in *Inputs, how, why string) {
	old, why := prev.incFor(path, opts)
	if why != "" {
		return nil, nil, nil, "", why
	}
	at := time.Now()
	data, st, err := readWhole(path)
	if err != nil {
		return nil, nil, nil, "", err.Error()
	}
	if hasMarker(data) {
		return nil, nil, nil, "", "the file uses $, @, ~ or include"
	}
	lines, starts := splitLines(data, prev.seed, len(old.lines))
	sp, why := planSplice(old, lines)
	if why != "" {
		return nil, nil, nil, "", why
	}
	in = newInputs(opts, prev.seed)
	in.inc = &incRecord{path: path, opts: old.opts}
	mf := &memFile{path: path, st: st, at: at, sum: maphash.Bytes(prev.seed, data)}
	mf.data, mf.gaps = sp.leaveOut(data, starts, old)
	in.mem = mf
	o := opts
	o.inputs = in
	pcfg, pdiags := load(path, o, true)
	part := in.inc
	switch {
	case in.mem != nil || len(in.files) != 1:
		return nil, nil, nil, "", "the file was not read as the last load read it"
	case part.unusable != "":
		return nil, nil, nil, "", part.unusable
	}
	rec, why := sp.merge(old, part, pcfg, pdiags)
	if why != "" {
		return nil, nil, nil, "", why
	}
	rec.path, rec.opts, rec.lines = path, old.opts, lines
	rec.dropIfNothingReusable()
	in.inc = rec
	return rec.cfg, rec.diags, in, fmt.Sprintf("incremental: %d of %d blocks read", len(part.stmts), len(rec.stmts)), ""
}

// readWhole reads path as the preprocessor would accept it.
func readWhole(path string) ([]byte, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if v := matchVerdict(st); v != "" {
		return nil, nil, fmt.Errorf("%s: %s", path, v)
	}
	// One read more than the size finds the end (or a file that grew).
	data := make([]byte, 0, st.Size()+512)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, st, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// splitLines hashes data's physical lines as the preprocessor's reader
// sees them (Inputs.line) and returns where each starts; about is how
// many lines the file had before.
func splitLines(data []byte, seed maphash.Seed, about int) (hashes []uint64, starts []int) {
	n := about + about/64 + 16
	hashes, starts = make([]uint64, 0, n), make([]int, 0, n+1)
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off + 1
		}
		hashes = append(hashes, maphash.Bytes(seed, data[off:end]))
		starts = append(starts, off)
		off = end
	}
	return hashes, append(starts, len(data))
}

// splice is how a new file differs from the recorded one.
type splice struct {
	a, b   int // the old file's changed lines [a, b), 0-based, whole statements
	delta  int // lines the new file has more
	lo, hi int // the old statements in [a, b)
	reuse  []bool
}

// planSplice finds the changed statements and which of the others can be
// reused.
func planSplice(old *incRecord, lines []uint64) (*splice, string) {
	on, nn := len(old.lines), len(lines)
	p := 0
	for p < on && p < nn && old.lines[p] == lines[p] {
		p++
	}
	s := 0
	for s < on-p && s < nn-p && old.lines[on-1-s] == lines[nn-1-s] {
		s++
	}
	sp := &splice{a: p, b: on - s, delta: nn - on}
	st := old.stmts
	for {
		sp.lo = sort.Search(len(st), func(i int) bool { return st[i].last-1 >= sp.a })
		sp.hi = max(sp.lo, sort.Search(len(st), func(i int) bool { return st[i].first-1 >= sp.b }))
		a, b := sp.a, sp.b
		if sp.hi > sp.lo {
			a, b = min(a, st[sp.lo].first-1), max(b, st[sp.hi-1].last)
		}
		if a == sp.a && b == sp.b {
			break
		}
		sp.a, sp.b = a, b
	}
	for _, x := range st[sp.lo:sp.hi] {
		if !x.vs {
			return nil, fmt.Sprintf("line %d: a block other than virtual_server changed", x.first)
		}
	}
	sp.reuse = make([]bool, len(st))
	for i, x := range st {
		if i >= sp.lo && i < sp.hi || !x.reusable {
			continue
		}
		// A shifted block's messages could name lines in their text.
		sp.reuse[i] = i < sp.lo || sp.delta == 0 || x.dHi == x.dLo
	}
	return sp, ""
}

// leaveOut is data without the reused blocks' lines, and where they were.
func (sp *splice) leaveOut(data []byte, starts []int, old *incRecord) ([]byte, []lineGap) {
	var gaps []lineGap
	size := len(data)
	for i, r := range sp.reuse {
		if !r {
			continue
		}
		x, y := old.stmts[i].first-1, old.stmts[i].last // lines [x, y), 0-based
		if i >= sp.hi {
			x, y = x+sp.delta, y+sp.delta
		}
		gaps = append(gaps, lineGap{at: x + 1, n: y - x})
		size -= starts[y] - starts[x]
	}
	out := make([]byte, 0, size)
	pos := 0
	for _, g := range gaps {
		out = append(out, data[pos:starts[g.at-1]]...)
		pos = starts[g.at-1+g.n]
	}
	return append(out, data[pos:]...), gaps
}
