package confparse

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// paramDef is one $NAME definition. Predefined parameters compute their
// value at each use (fn); a user definition of the same name replaces the
// function, as in keepalived.
type paramDef struct {
	value     string
	multiline bool
	fn        func(p *preproc, params string) string
	maxParams int // how many numeric ${NAME a b} parameters fn accepts
}

func stdDefinitions() map[string]*paramDef {
	return map[string]*paramDef{
		"_PWD":      {fn: (*preproc).pwd},
		"_INSTANCE": {fn: func(p *preproc, _ string) string { return p.configID }},
		"_RANDOM":   {fn: (*preproc).random, maxParams: 2},
		"_HASH":     {value: "#"},
		"_BANG":     {value: "!"},
	}
}

// pwd is ${_PWD}: keepalived chdir()s into the directory of each file it
// opens, and the parameter is its working directory.
func (p *preproc) pwd(string) string {
	d := p.dirs[len(p.dirs)-1]
	if r, err := filepath.EvalSymlinks(d); err == nil {
		return r
	}
	return d
}

// random is ${_RANDOM [MIN [MAX]]}: MIN defaults to 0 and MAX to 32767, and
// like keepalived the result is cut to as many digits as MAX has.
func (p *preproc) random(params string) string {
	lo, hi := uint64(0), uint64(32767)
	if params != "" {
		f := strings.Fields(params)
		lo = parseCULong(f[0])
		if len(f) > 1 {
			hi = parseCULong(f[1])
		}
		if len(f) > 2 {
			p.add(p.pos, Info, "Too many parameters or extra text for ${_RANDOM %s}", params)
		}
	}
	if !p.seeded {
		p.inputs.setVolatile("${_RANDOM} without random_seed draws new values at every load")
	}
	v := uint64(p.rng.Int31())
	if m := hi - lo + 1; m != 0 {
		v = v%m + lo
	} else {
		v = lo
	}
	s := strconv.FormatInt(int64(v), 10)
	if w := len(strconv.FormatUint(hi, 10)); len(s) > w {
		s = s[:w]
	}
	return s
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdent(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// define handles a `$NAME=value` line and reports whether it was one. No
// blank may come between NAME and '='. A value ending in a backslash starts
// a multi-line definition, continued by the following lines that end in a
// backslash and closed by the first that does not (or by an empty line).
func (p *preproc) define(buf string) bool {
	if len(buf) < 2 || !isIdentStart(buf[1]) {
		return false
	}
	i := 2
	for i < len(buf) && buf[i] != '=' {
		if !isIdent(buf[i]) {
			return false
		}
		i++
	}
	if i == len(buf) {
		return false
	}
	name := buf[1:i]
	value := strings.TrimLeft(buf[i+1:], " \t")
	def := p.defs[name]
	if def == nil {
		def = &paramDef{}
		p.defs[name] = def
	}
	def.fn = nil
	def.multiline = strings.HasSuffix(value, `\`)
	if def.multiline {
		value = strings.TrimRight(value[:len(value)-1], " \t")
		if value != "" {
			value += "\n"
		}
		p.mlDef = def
	}
	def.value = value
	return true
}

// continueMultiline adds one line to the multi-line definition in progress.
func (p *preproc) continueMultiline(buf string) {
	def := p.mlDef
	still := strings.HasSuffix(buf, `\`)
	if still {
		buf = strings.TrimRight(buf[:len(buf)-1], " \t") + "\n"
	} else {
		p.endMultiline()
	}
	if len(buf) >= 2 || (buf != "" && !still) {
		def.value += buf
	}
}

// endMultiline closes the multi-line definition in progress; one that
// collected nothing becomes an ordinary empty definition.
func (p *preproc) endMultiline() {
	if p.mlDef != nil && p.mlDef.value == "" {
		p.mlDef.multiline = false
	}
	p.mlDef = nil
}

// lookup recognises a parameter use at s (just after a '$'): NAME followed
// by a blank, ',', ')' or the end of the line, or ${NAME} with optional
// numeric parameters for the predefined functions. A multi-line parameter
// is recognised only at the very end of the line.
func (p *preproc) lookup(s string) (def *paramDef, span int, params string, ok bool) {
	braces := s != "" && s[0] == '{'
	name := s
	if braces {
		name = s[1:]
	}
	if name == "" || !isIdentStart(name[0]) {
		return nil, 0, "", false
	}
	n := 1
	for n < len(name) && isIdent(name[n]) {
		n++
	}
	rest := name[n:]
	end := 0 // index in rest just after the use
	if braces {
		if name[:n] == "_ENV" {
			return p.lookupEnv(rest)
		}
		ps, pe, j := -1, -1, 0
		for j < len(rest) && (rest[j] == ' ' || (rest[j] >= '0' && rest[j] <= '9')) {
			if rest[j] != ' ' {
				if ps < 0 {
					ps = j
				}
				pe = j
			}
			j++
		}
		if (ps >= 0 && pe+1 != j) || j >= len(rest) || rest[j] != '}' {
			return nil, 0, "", false
		}
		if ps >= 0 {
			params = rest[ps:j]
		}
		end = j + 1
	} else if rest != "" && !strings.ContainsRune(" \t,)", rune(rest[0])) {
		return nil, 0, "", false
	}
	def = p.defs[name[:n]]
	if def == nil || (def.multiline && end != len(rest)) {
		return nil, 0, "", false
	}
	if params != "" && def.maxParams == 0 {
		return nil, 0, "", false
	}
	span = 1 + n + end
	if braces {
		span++
	}
	return def, span, params, true
}

// lookupEnv is ${_ENV NAME}, which keepalived added in 2.4.0: 2.2.7 leaves
// it verbatim. govrrpd substitutes the variable (empty if unset), because
// a file that uses it was written for a keepalived that does, and says so.
func (p *preproc) lookupEnv(rest string) (*paramDef, int, string, bool) {
	t := strings.TrimLeft(rest, " ")
	if len(t) == len(rest) {
		return nil, 0, "", false
	}
	j := 0
	for j < len(t) && isIdent(t[j]) {
		j++
	}
	if j == 0 || j >= len(t) || t[j] != '}' {
		return nil, 0, "", false
	}
	name := t[:j]
	v := os.Getenv(name)
	p.inputs.probe("environment "+name, secretAnswer(v), func() string { return secretAnswer(os.Getenv(name)) })
	p.add(p.pos, Info, "${_ENV %s} is a keepalived 2.4 parameter (2.2.7 leaves it as written); substituted %q", t[:j], v)
	span := 2 + len("_ENV") + len(rest) - len(t) + j + 1
	return &paramDef{value: v}, span, "", true
}

// substitute replaces parameter uses in buf, rescanning each replacement
// so that parameters nest, and reports whether anything was replaced. For
// a multi-line parameter only its first line goes in; the remaining lines
// are returned, to be read after this line. Like keepalived it stops at a
// replacement whose value starts with '~' (a sequence in a parameter), and
// gives up, logging, when the line would reach keepalived's buffer size.
func (p *preproc) substitute(buf string) (string, bool, []string) {
	var rests []string
	found := false
	for i, subs := 0, 0; ; subs++ {
		j := strings.IndexByte(buf[i:], '$')
		if j < 0 || i+j+1 >= len(buf) {
			break
		}
		i += j
		def, span, params, ok := p.lookup(buf[i+1:])
		if !ok {
			i++
			continue
		}
		if subs >= maxSubstitutions {
			p.limit("parameter substitution does not settle on line '%s'", buf)
			return buf, false, nil
		}
		found = true
		value := def.value
		if def.fn != nil {
			value = def.fn(p, params)
		}
		repl := value
		if def.multiline {
			first, rest, more := strings.Cut(value, "\n")
			repl = first
			if more {
				rests = append(rests, rest)
			}
		}
		if len(buf)-span+len(repl) > maxLine {
			p.add(p.pos, Info, "Parameter substitution on line '%s' would exceed maximum line length", buf)
			return buf, false, nil
		}
		buf = buf[:i] + repl + buf[i+span:]
		if strings.HasPrefix(strings.TrimLeft(value, " \t"), "~") {
			break
		}
	}
	return buf, found, rests
}
