package confparse

import "strings"

// decomment removes a comment, the backslash of an escaped comment
// character, and leading and trailing blanks, as keepalived does to every
// line it reads from a file. A '!' or '#' outside double quotes starts a
// comment; a backslash always takes the next character with it (so `\"`
// does not open or close a quote, and `\\#` still starts a comment); a
// backslash ending the line marks a continuation and is kept, with the
// blanks before it removed, because only multi-line definitions use it.
// unterminated reports a double quote left open.
func decomment(s string) (out string, unterminated bool) {
	s = trimLeftBlank(s)
	if !hasCommentOrEscape(s) {
		return trimRightBlank(s), false
	}
	var b []byte // allocated only when a backslash is dropped
	quote, cont := false, false
	skip := -1 // where the comment starts, in the output
	n := 0     // length of the output so far when b is nil
	put := func(c byte) {
		if b != nil {
			b = append(b, c)
		}
		n++
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			if skip < 0 {
				quote = !quote
			}
		case '\\':
			if i+1 == len(s) {
				cont = true
				i = len(s)
				continue
			}
			if !quote && (s[i+1] == '#' || s[i+1] == '!') {
				if b == nil {
					b = append(make([]byte, 0, len(s)), s[:i]...)
				}
				i++
				put(s[i])
				continue
			}
			put(c)
			i++
			c = s[i]
		case '!', '#':
			if !quote && skip < 0 {
				skip = n
			}
		}
		put(c)
	}
	if b != nil {
		out = string(b)
	} else {
		out = s[:n]
	}
	if skip >= 0 {
		out = out[:skip]
	}
	out = trimRightBlank(out)
	if cont {
		out += `\`
	}
	return out, quote
}

// trimBlank trims keepalived's "blank" characters (space and tab). The
// hand-written loops cost a tenth of strings.Trim's cutset handling, which
// every line paid several times.
func trimBlank(s string) string { return trimRightBlank(trimLeftBlank(s)) }

func trimLeftBlank(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

func trimRightBlank(s string) string {
	i := len(s)
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
		i--
	}
	return s[:i]
}

// hasCommentOrEscape reports whether s holds a byte decomment must look at.
func hasCommentOrEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '!', '#', '"', '\\':
			return true
		}
	}
	return false
}

// process runs one line through keepalived's read_line pipeline after the
// line has been read: multi-line definition collection, @ID conditions,
// $NAME= definitions, ~SEQ/~LST, parameter substitution, include, and the
// split at the first unquoted brace. Lines that expansion produces (brace
// residue, sequence bodies, later lines of multi-line parameters) come back
// here, which is keepalived's order: residue first, then the innermost
// sequence, then the rest of a multi-line parameter.
func (p *preproc) process(buf string) {
	if p.nesting >= maxNesting {
		p.limit("expansion nested more than %d deep", maxNesting)
		return
	}
	p.nesting++
	defer func() { p.nesting-- }()
	if p.mlDef != nil {
		p.continueMultiline(buf)
		return
	}
	if buf == "" {
		return
	}
	var pending []string // rests of multi-line parameters, innermost last
	buf = p.resolve(buf, &pending)
	if buf != "" && !p.checkInclude(buf) {
		p.emitSplit(buf)
	}
	for i := len(pending) - 1; i >= 0; i-- {
		p.expandLines(pending[i])
	}
}

// resolve is the loop of read_line that repeats while substitution leaves
// work to do; it returns what is left of the line to include or emit ("" if
// the line was consumed as a condition, a definition or a sequence).
func (p *preproc) resolve(buf string, pending *[]string) string {
	for rounds := 0; ; rounds++ {
		if rounds > maxSubstitutions {
			p.limit("parameter substitution does not settle on line '%s'", buf)
			return ""
		}
		if buf[0] == '@' {
			var keep bool
			if buf, keep = p.condition(buf); !keep || buf == "" {
				return ""
			}
		}
		if buf[0] == '$' && p.define(buf) {
			return ""
		}
		if strings.HasPrefix(buf, "~SEQ") || strings.HasPrefix(buf, "~LST") {
			p.sequence(buf)
			return ""
		}
		if buf[0] == '~' || len(p.defs) == 0 || strings.IndexByte(buf, '$') < 0 {
			return buf
		}
		nb, changed, rests := p.substitute(buf)
		*pending = append(*pending, rests...)
		if !changed {
			return nb
		}
		buf, _ = decomment(nb)
		if buf == "" || (buf[0] != '@' && strings.IndexByte(buf, '$') < 0) {
			return buf
		}
	}
}

// condition applies an @ID or @^ID prefix: the line is kept without the
// prefix when ID is (or, with ^, is not) the config-id.
func (p *preproc) condition(buf string) (string, bool) {
	ofs, rev := 1, false
	if len(buf) > 1 && buf[1] == '^' {
		ofs, rev = 2, true
	}
	sp := strings.IndexAny(buf[ofs:], " \t")
	if sp < 0 {
		return "", false // nothing after the id
	}
	match := p.configID != "" && buf[ofs:ofs+sp] == p.configID
	if match == rev {
		return "", false
	}
	return trimLeftBlank(buf[ofs+sp:]), true
}

// emitSplit hands the line to the tokenizer, split at its first brace that
// is outside double quotes; what follows the brace goes round the pipeline
// again, so `} $X=1` defines and `{ include f` includes, as in keepalived.
func (p *preproc) emitSplit(buf string) {
	i := firstBrace(buf)
	if i < 0 {
		p.emitLine(trimRightBlank(buf))
		return
	}
	skip := 0
	if i == 0 {
		skip = 1 + len(buf[1:]) - len(trimLeftBlank(buf[1:]))
	}
	head, rest := buf[:i+skip], trimRightBlank(buf[i+skip:])
	p.emitLine(trimRightBlank(head))
	if rest != "" {
		p.process(rest)
	}
}

// firstBrace finds the first '{' or '}' not inside a double-quoted string,
// with keepalived's quote rule: a quote runs to the next '"' whatever
// precedes it, and an unterminated quote hides every later brace. A line
// starting with a brace splits after that brace.
func firstBrace(s string) int {
	if s != "" && (s[0] == '{' || s[0] == '}') {
		return 0
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '}':
			return i
		case '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return -1
			}
			i += j + 1
		}
	}
	return -1
}

func (p *preproc) emitLine(s string) {
	if s == "" {
		return
	}
	p.watch(s)
	p.emit(SourceLine{Pos: p.pos, Text: s, split: true})
}

// expandLines runs the later lines of a multi-line parameter through the
// pipeline, each as a line of its own.
func (p *preproc) expandLines(rest string) {
	for {
		line, more, found := strings.Cut(rest, "\n")
		if !p.count() {
			return
		}
		p.process(line)
		if !found {
			return
		}
		rest = more
	}
}

// count charges one generated line against maxExpandedLines.
func (p *preproc) count() bool {
	if p.expanded >= maxExpandedLines {
		p.limit("expansion produces more than %d lines; the rest is dropped", maxExpandedLines)
		return false
	}
	p.expanded++
	return true
}

// limit reports a preprocessor bound once per read.
func (p *preproc) limit(format string, args ...any) {
	if p.limitHit {
		return
	}
	p.limitHit = true
	p.add(p.pos, Warning, format, args...)
}

// watch applies the global_defs keywords that change how the rest of the
// file reads; keepalived runs their handlers between two read_line calls,
// so they take effect from the next line on.
func (p *preproc) watch(s string) {
	switch {
	case strings.HasPrefix(s, "include_check"):
		w := alloc(s)
		if len(w) > 0 && w[0] == "include_check" {
			p.setIncludeCheck(w[1:])
		}
	case strings.HasPrefix(s, "random_seed"):
		w := alloc(s)
		if len(w) == 2 && w[0] == "random_seed" {
			if v, ok := parseCLong(w[1]); ok {
				p.rng.Seed(v)
				p.seeded = true
			}
		}
	}
}

// alloc splits a line into words with keepalived's alloc_strvec rules,
// for the preprocessor's own look at a line; see tokenizer.add.
func alloc(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, wsChars)
		if s == "" {
			return out
		}
		if s[0] == '"' {
			j := strings.IndexByte(s[1:], '"')
			if j < 0 {
				return out
			}
			out = append(out, s[1:j+1])
			s = s[j+2:]
			continue
		}
		j := strings.IndexAny(s, wsChars+`"`)
		if j < 0 {
			j = len(s)
		}
		out = append(out, s[:j])
		s = s[j:]
	}
}

// wsChars is keepalived's WHITE_SPACE.
const wsChars = " \t\f\n\r\v"
