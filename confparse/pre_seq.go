package confparse

import (
	"math"
	"strconv"
	"strings"
)

// sequence handles a line starting ~SEQ or ~LST: the rest of the line after
// the closing parenthesis is read once per value, with the variable(s) set
// as parameters. A sequence inside the text nests, innermost fastest.
func (p *preproc) sequence(buf string) {
	if buf[1] == 'S' {
		if !p.seqSpec(buf) {
			p.add(p.pos, Warning, "Invalid ~SEQ specification '%s'", buf)
		}
		return
	}
	vars, sets, text, ok := p.lstSpec(buf)
	if !ok {
		p.add(p.pos, Warning, "Invalid ~LST specification '%s'", buf)
		return
	}
	for _, set := range sets {
		if !p.count() {
			return
		}
		for i, v := range vars {
			p.setParam(v, set[i])
		}
		p.process(text)
	}
}

// setParam is keepalived's set_definition: the value replaces any earlier
// one, including a predefined parameter's function.
func (p *preproc) setParam(name, value string) {
	def := p.defs[name]
	if def == nil {
		def = &paramDef{}
		p.defs[name] = def
	}
	def.fn, def.value = nil, value
}

// seqSpec parses ~SEQ(var, [start,] [step,] end) or ~SEQx(...) and runs it.
// With one number the sequence is 1..end (or -1..end when end < 0); with
// two, start..end by ±1; with three, start..end by step. Numbers read as C
// strtol with base 0, so 0x10 and 010 are 16 and 8.
func (p *preproc) seqSpec(buf string) bool {
	s := buf[4:]
	hex := strings.HasPrefix(s, "x")
	if hex {
		s = s[1:]
	}
	s = strings.TrimLeft(s, " \t")
	if s == "" || s[0] != '(' {
		return false
	}
	s = strings.TrimLeft(s[1:], " \t")
	v := strings.IndexAny(s, " \t,)")
	if v < 0 {
		v = len(s)
	}
	name, s := s[:v], strings.TrimLeft(s[v:], " \t")
	if s == "" || s[0] == ')' || name == "" {
		p.add(p.pos, Warning, "Invalid ~SEQ definition '%s'", buf)
		return false
	}
	s = strings.TrimLeft(s[1:], " \t")
	end := strings.IndexByte(s, ')')
	if end < 0 {
		p.add(p.pos, Warning, "Invalid ~SEQ definition '%s'", buf)
		return false
	}
	args, text := s[:end+1], strings.TrimLeft(s[end+1:], " \t")
	const seqBuf = 3*20 + 3 + 1
	if len(args)+1 > seqBuf {
		p.add(p.pos, Warning, "~SEQ parameter strings too long '%s'", buf)
		return false
	}
	args, _, rests := p.substitute(args)
	if len(rests) > 0 {
		p.add(p.pos, Warning, "~SEQ parameter is multiline definition '%s'", buf)
		return false
	}
	start, step, last, ok := p.seqNumbers(buf, args)
	if !ok {
		return false
	}
	if hex && (start < 0 || last < 0) {
		p.add(p.pos, Warning, "~SEQx is only valid for positive numbers '%s'", buf)
		return false
	}
	for v := start; ; v += step {
		if !p.count() {
			return true
		}
		if hex {
			p.setParam(name, strconv.FormatUint(uint64(v), 16))
		} else {
			p.setParam(name, strconv.FormatInt(v, 10))
		}
		p.process(text)
		if (step > 0 && (v > math.MaxInt64-step || v+step > last)) ||
			(step < 0 && (v < math.MinInt64-step || v+step < last)) {
			return true
		}
	}
}

// seqNumbers reads the one to three numbers of a ~SEQ up to its ')'.
func (p *preproc) seqNumbers(buf, args string) (start, step, last int64, ok bool) {
	var n [3]int64
	s := args
	for k := 0; k < 3; k++ {
		var used int
		n[k], used = parseCLongPrefix(s)
		s = strings.TrimLeft(s[used:], " \t")
		if s != "" && s[0] == ')' {
			switch k {
			case 0:
				last = n[0]
				step, start = 1, 1
				if last < 1 {
					step = -1
				}
				if last < 0 {
					start = -1
				}
			case 1:
				start, last, step = n[0], n[1], 1
				if start > last {
					step = -1
				}
			case 2:
				start, step, last = n[0], n[1], n[2]
				if step == 0 || (start < last && step < 0) || (start > last && step > 0) {
					p.add(p.pos, Warning, "Invalid ~SEQ values '%s'", buf)
					return 0, 0, 0, false
				}
			}
			return start, step, last, true
		}
		if k == 2 || s == "" || s[0] != ',' {
			break
		}
		s = s[1:]
	}
	p.add(p.pos, Warning, "Invalid ~SEQ definition '%s'", buf)
	return 0, 0, 0, false
}

// lstSpec parses ~LST(var, v1, v2, ...) or ~LST({a,b}, {1,2}, {3,4}); a
// value set shorter than the variable list leaves the rest empty.
func (p *preproc) lstSpec(buf string) (vars []string, sets [][]string, text string, ok bool) {
	s := strings.TrimLeft(buf[4:], " \t")
	if s == "" || s[0] != '(' {
		return nil, nil, "", false
	}
	s = strings.TrimLeft(s[1:], " \t")
	endc := byte(',')
	if s != "" && s[0] == '{' {
		endc, s = '}', strings.TrimLeft(s[1:], " \t")
	}
	for {
		var v string
		v, s = cutAny(s, " \t,}")
		vars = append(vars, v)
		s = strings.TrimLeft(s, " \t")
		if s != "" && s[0] == endc {
			break
		}
		if s == "" || s[0] != ',' {
			return nil, nil, "", false
		}
		s = strings.TrimLeft(s[1:], " \t")
	}
	if s[0] == '}' {
		s = strings.TrimLeft(s[1:], " \t")
	}
	if s == "" || s[0] != ',' {
		return nil, nil, "", false
	}
	s = strings.TrimLeft(s[1:], " \t")
	for {
		var set []string
		if set, s, ok = p.lstValues(buf, s, len(vars)); !ok {
			return nil, nil, "", false
		}
		sets = append(sets, set)
		if s != "" && s[0] == ')' {
			break
		}
		if s == "" || s[0] != ',' {
			return nil, nil, "", false
		}
		s = strings.TrimLeft(s[1:], " \t")
	}
	return vars, sets, strings.TrimLeft(s[1:], " \t"), true
}

// lstValues reads one value set of a ~LST: a bare value or {v1, v2, ...}.
func (p *preproc) lstValues(buf, s string, nvars int) ([]string, string, bool) {
	endc := byte(',')
	if s != "" && s[0] == '{' {
		endc, s = '}', strings.TrimLeft(s[1:], " \t")
	}
	var set []string
	for {
		var v string
		v, s = cutAny(s, " \t,})")
		set = append(set, v)
		s = strings.TrimLeft(s, " \t")
		if s != "" && (s[0] == endc || (s[0] == ')' && endc == ',')) {
			break
		}
		if s == "" || s[0] != ',' {
			return nil, "", false
		}
		s = strings.TrimLeft(s[1:], " \t")
		if len(set) >= nvars {
			p.add(p.pos, Warning, "~LST specification has too many values '%s'", buf)
			return nil, "", false
		}
	}
	for len(set) < nvars {
		set = append(set, "")
	}
	if s[0] == '}' && endc == '}' {
		s = strings.TrimLeft(s[1:], " \t")
	}
	return set, s, true
}

// cutAny splits s before the first byte in chars.
func cutAny(s, chars string) (string, string) {
	i := strings.IndexAny(s, chars)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// parseCLongPrefix is C strtol(s, &end, 0): leading white space, a sign,
// then hex (0x), octal (0) or decimal digits, saturating on overflow. It
// returns the value and how many bytes were read (0 if there was no
// number).
func parseCLongPrefix(s string) (int64, int) {
	i := len(s) - len(strings.TrimLeft(s, wsChars))
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := 10
	switch {
	case i+2 < len(s)+1 && i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
		i+2 < len(s) && digitVal(s[i+2]) < 16:
		base, i = 16, i+2
	case i < len(s) && s[i] == '0':
		base = 8
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && digitVal(s[i]) < base {
		d := uint64(digitVal(s[i]))
		if v > (math.MaxUint64-d)/uint64(base) {
			over = true
		} else {
			v = v*uint64(base) + d
		}
		i++
	}
	if i == start {
		return 0, 0
	}
	switch {
	case !neg && (over || v > math.MaxInt64):
		return math.MaxInt64, i
	case neg && (over || v > 1<<63):
		return math.MinInt64, i
	case neg:
		return -int64(v), i
	}
	return int64(v), i
}

// parseCLong reads a whole string as strtol base 0 would, for keywords the
// preprocessor looks at itself.
func parseCLong(s string) (int64, bool) {
	v, n := parseCLongPrefix(s)
	return v, n > 0 && n == len(s)
}

// parseCULong is strtoul(s, NULL, 10) as ${_RANDOM} uses it: digits only,
// wrapping on overflow.
func parseCULong(s string) uint64 {
	var v uint64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + uint64(s[i]-'0')
	}
	return v
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}
