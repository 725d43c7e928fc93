package confparse

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// includeFlags are keepalived's include checks: which problems with an
// include are errors (exit 4) rather than log lines.
type includeFlags uint8

const (
	incRead     includeFlags = 1 << iota // unreadable, directory, executable
	incMatch                             // a named file is missing
	incWildcard                          // a wildcard matches nothing
	incBrace                             // one alternative of {a,b} is missing
	incAll      = incRead | incMatch | incWildcard | incBrace
)

// checkInclude handles `include FILE` and its checked forms includer,
// includem, includew, includeb and includea, and reports whether the line
// was one. FILE is the rest of the line, blanks and quotes included.
func (p *preproc) checkInclude(buf string) bool {
	if len(buf) < 9 || !strings.HasPrefix(buf, "include") {
		return false
	}
	var typ includeFlags
	rest := ""
	switch c := buf[7]; {
	case isCSpace(c):
		rest = buf[8:]
	case isCSpace(buf[8]) && strings.IndexByte("rmwba", c) >= 0:
		typ = map[byte]includeFlags{
			'r': incRead, 'm': incRead | incMatch, 'w': incRead | incMatch | incWildcard,
			'b': incRead | incBrace, 'a': incAll,
		}[c]
		rest = buf[9:]
	default:
		return false
	}
	p.include(strings.TrimLeft(rest, " \t"), typ, false)
	return true
}

func isCSpace(c byte) bool {
	// A switch, not a search of wsChars: the tokenizer asks for every
	// byte of the file, and the call was a tenth of a load.
	switch c {
	case ' ', '\t', '\f', '\n', '\r', '\v':
		return true
	}
	return false
}

// setIncludeCheck is global_defs include_check: no argument turns every
// check on; a word sets the checks to read plus that one; +word and -word
// add and remove one.
func (p *preproc) setIncludeCheck(words []string) {
	if len(words) == 0 {
		p.includeCheck = incAll
		return
	}
	names := map[string]includeFlags{"read": incRead, "match": incMatch, "wildcard_match": incWildcard, "brace_match": incBrace}
	for i, w := range words {
		op := byte(0)
		if w != "" && (w[0] == '+' || w[0] == '-') {
			op, w = w[0], w[1:]
		} else if i > 0 {
			p.add(p.pos, Warning, "Duplicate include_check '%s' specified - ignoring", w)
			continue
		} else {
			p.includeCheck = 0
		}
		f, ok := names[w]
		if !ok {
			p.add(p.pos, Warning, "Unknown include_check type '%s' - ignoring", w)
			continue
		}
		switch op {
		case '+':
			p.includeCheck |= f
		case '-':
			p.includeCheck &^= f
		default:
			p.includeCheck = incRead | f
		}
	}
}

// include reads every file pattern matches, in glob order, as if its lines
// stood at this point; relative patterns are relative to the directory of
// the including file. It reports whether any file was read.
func (p *preproc) include(pattern string, typ includeFlags, top bool) bool {
	if len(p.files) >= maxIncludeDepth {
		p.add(p.pos, Warning, "include '%s' nested more than %d deep (include loop?) - skipping", pattern, maxIncludeDepth)
		return false
	}
	flags := p.includeCheck | typ
	report := func(class includeFlags, format string, args ...any) {
		sev := Info
		if flags&class != 0 {
			sev = Fatal
		}
		p.add(p.pos, sev, format, args...)
	}
	dir := p.dirs[len(p.dirs)-1]
	full := pattern
	if !top && !filepath.IsAbs(pattern) {
		full = filepath.Join(globEscape(dir), pattern)
	}
	g := globBrace(full)
	p.inputs.probe("include "+full, globAnswer(g), func() string { return globAnswer(globBrace(full)) })
	if len(g.matches) == 0 {
		if top {
			return false // the caller says "cannot open configuration FILE"
		}
		if g.missing {
			class := incMatch
			if hasBrace(pattern) {
				class = incBrace
			}
			report(class, "Config files missing '%s'.", pattern)
		} else if g.wildcards && flags&incWildcard != 0 {
			report(incWildcard, "No config files matched '%s'.", pattern)
		}
		return false
	}
	if g.missing {
		report(incBrace, "Some config files missing: \"%s\".", pattern)
		if flags&incBrace != 0 {
			return false
		}
	}
	opened := 0
	for _, m := range g.matches {
		if p.readMatch(m, report) {
			opened++
		}
	}
	if opened == 0 {
		p.add(p.pos, Info, "No config files matched '%s'.", pattern)
	}
	return opened > 0
}

// readMatch opens one file an include matched and reads it, refusing what
// keepalived refuses: directories, non-regular and executable files.
func (p *preproc) readMatch(m string, report func(includeFlags, string, ...any)) bool {
	st, err := os.Stat(m)
	v := "not a regular non-executable file"
	if err == nil {
		v = matchVerdict(st)
	}
	if v != "" {
		p.inputs.probe("include target "+m, v, func() string { return statVerdict(m) })
		if v == "a directory" {
			report(incRead, "Configuration file '%s' is a directory - skipping", m)
		} else {
			report(incRead, "Configuration file '%s' is not a regular non-executable file - skipping", m)
		}
		return false
	}
	if mf := p.inputs.memFile(m); mf != nil {
		// A reload that re-reads only changed blocks has read the file
		// already (incremental.go); what it hands over is what to parse.
		p.gaps = mf.gaps
		p.readFrom(m, bytes.NewReader(mf.data))
		p.inputs.readFile(m, mf.st, mf.at, mf.sum)
		return true
	}
	at := p.inputs.clock()
	f, err := os.Open(m)
	if err != nil {
		p.inputs.probe("include target "+m, "unreadable", func() string { return openVerdict(m) })
		report(incRead, "Configuration file '%s' open problem (%v) - skipping", m, err)
		return false
	}
	defer f.Close()
	if p.inputs == nil {
		p.readFrom(m, f)
	} else if fst, err := f.Stat(); err != nil {
		p.inputs.setVolatile(fmt.Sprintf("%s: %v", m, err))
		p.readFrom(m, f)
	} else {
		hr := &hashingReader{r: f, h: p.inputs.newHash()}
		p.readFrom(m, hr)
		p.inputs.readFile(m, fst, at, hr.h.Sum64())
	}
	return true
}

// readFrom reads one matched file from r with the include stack set up
// for it.
func (p *preproc) readFrom(m string, r io.Reader) {
	dir := p.dirs[len(p.dirs)-1]
	if strings.Contains(m, "/") {
		d := filepath.Dir(m)
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		dir = d
	}
	saved := p.includeCheck
	p.dirs = append(p.dirs, dir)
	p.files = append(p.files, m)
	p.readFile(m, r)
	p.dirs = p.dirs[:len(p.dirs)-1]
	p.files = p.files[:len(p.files)-1]
	p.includeCheck = saved
}

// matchVerdict is why readMatch skips a file it stat'ed ("" to read it).
func matchVerdict(st os.FileInfo) string {
	switch {
	case st.IsDir():
		return "a directory"
	case !st.Mode().IsRegular() || st.Mode()&0o111 != 0:
		return "not a regular non-executable file"
	}
	return ""
}

// statVerdict and openVerdict ask again what readMatch found.
func statVerdict(m string) string {
	st, err := os.Stat(m)
	if err != nil {
		return "not a regular non-executable file"
	}
	return matchVerdict(st)
}

func openVerdict(m string) string {
	if v := statVerdict(m); v != "" {
		return v
	}
	f, err := os.Open(m)
	if err != nil {
		return "unreadable"
	}
	f.Close()
	return ""
}

// globResult is what glob(3) with GLOB_BRACE and keepalived's
// GLOB_ALTDIRFUNC hooks reports: the matches, whether a named file or a
// directory to search was missing, and whether any wildcard was expanded.
type globResult struct {
	matches   []string
	missing   bool
	wildcards bool
}

// globBrace expands csh braces, then globs each alternative in turn; the
// matches of each alternative are sorted, alternatives keep their order.
func globBrace(pattern string) globResult {
	var g globResult
	for _, alt := range braceExpand(pattern, 0) {
		m := globOne(alt, &g)
		sort.Strings(m)
		g.matches = append(g.matches, m...)
	}
	return g
}

// globOne globs one brace-free pattern the way glibc does: the leading
// components without wildcards are taken as they are, every later
// component is looked up (a wildcard by reading its directory, a plain name
// by lstat), and a pattern without wildcards is just checked to exist.
func globOne(pattern string, g *globResult) []string {
	comps := strings.Split(pattern, "/")
	first := -1
	for i, c := range comps {
		if hasMagic(c) {
			first = i
			break
		}
	}
	if first < 0 {
		name := unescape(pattern)
		if _, err := os.Lstat(name); err != nil {
			g.missing = true
			return nil
		}
		return []string{name}
	}
	paths := []string{unescape(strings.Join(comps[:first], "/"))}
	for _, c := range comps[first:] {
		var next []string
		for _, base := range paths {
			next = append(next, globStep(base, c, g)...)
		}
		paths = next
	}
	return paths
}

// globStep extends one path by one pattern component.
func globStep(base, comp string, g *globResult) []string {
	join := func(name string) string {
		if base == "" {
			return name
		}
		if strings.HasSuffix(base, "/") {
			return base + name
		}
		return base + "/" + name
	}
	if comp == "" {
		return []string{join("")}
	}
	if !hasMagic(comp) {
		name := join(unescape(comp))
		if _, err := os.Lstat(name); err != nil {
			g.missing = true
			return nil
		}
		return []string{name}
	}
	g.wildcards = true
	dir := base
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		g.missing = true
		return nil
	}
	pat := strings.ReplaceAll(comp, "[!", "[^")
	var out []string
	for _, e := range ents {
		n := e.Name()
		if n[0] == '.' && comp[0] != '.' {
			continue
		}
		if ok, _ := filepath.Match(pat, n); ok {
			out = append(out, join(n))
		}
	}
	return out
}

func hasMagic(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

func hasBrace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			return true
		}
	}
	return false
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// globEscape quotes a directory name for use as the fixed part of a
// pattern.
func globEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]{}\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// braceExpand is csh brace expansion as glibc's GLOB_BRACE does it:
// `a{b,c{d,e}}f` is abf, acdf, acef; a brace without its match is literal.
// depth bounds nesting so a hostile pattern cannot recurse without end.
func braceExpand(s string, depth int) []string {
	open := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		} else if s[i] == '{' {
			open = i
			break
		}
	}
	if open < 0 || depth > 16 {
		return []string{s}
	}
	level, start := 0, open+1
	var alts []string
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			level++
		case '}':
			if level > 0 {
				level--
				continue
			}
			alts = append(alts, s[start:i])
			var out []string
			tails := braceExpand(s[i+1:], depth+1)
			for _, a := range alts {
				for _, x := range braceExpand(a, depth+1) {
					for _, tail := range tails {
						out = append(out, s[:open]+x+tail)
					}
				}
			}
			return out
		case ',':
			if level == 0 {
				alts = append(alts, s[start:i])
				start = i + 1
			}
		}
	}
	return []string{s}
}
