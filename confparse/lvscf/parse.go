package lvscf

import (
	"fmt"
	"github.com/govrrpd/govrrpd/confparse"
	"net/netip"
	"strings"
)

// Options change how names are looked up and how lenient the parser is.
type Options struct {
	// Strict parses exactly as Piranha 0.8.6: CRLF files stop at the first
	// CR, unknown keys and newer schedulers are fatal, and an unclosed
	// block passes silently.
	Strict bool
	// Resolve turns a host name into an IPv4 address, as Piranha's
	// gethostbyname did at parse time. Nil makes every name an error, which
	// keeps parsing free of network access.
	Resolve func(name string) (netip.Addr, error)
	// LookupPort is getservbyname(name, "tcp") for the virtual `port` and
	// `heartbeat_port`. Nil uses a built-in table of well-known services.
	LookupPort func(name string) (int, bool)
}

// parser holds the state of one Parse call.
type parser struct {
	opts  Options
	cfg   *Config
	diags confparse.Diagnostics
	line  int
	vs    *Virtual // open virtual/failover block
	rs    *Server  // open server block
}

// Parse reads lvs.cf. On a fatal error the diagnostics end with a Fatal
// naming Piranha's message and line, and the Config holds what was read so
// far.
func Parse(data []byte, opts Options) (*Config, confparse.Diagnostics) {
	p := &parser{opts: opts, cfg: newConfig()}
	if len(data) == 0 {
		p.diag(confparse.Fatal, "syntax", 0, errEmpty)
		return p.cfg, p.diags
	}
	if opts.Strict {
		// pulse's splitter looks for CR first: everything after the first
		// CR is never read.
		if i := strings.IndexByte(string(data), '\r'); i >= 0 {
			data = data[:i]
		}
	} else if norm, had := normaliseCR(data); had {
		data = norm
		p.diag(confparse.Warning, "crlf_line_endings", 0,
			"CR line endings normalised to LF (Piranha itself reads only the first line of such a file)")
	}
	for i, line := range splitLines(data) {
		p.line = i + 1
		if msg := p.parseLine(line); msg != "" {
			p.diag(confparse.Fatal, "syntax", p.line, msg)
			return p.cfg, p.diags
		}
	}
	if p.vs != nil {
		p.cfg.EndedInsideBlock = true
		if !opts.Strict {
			p.diag(confparse.Warning, "unterminated_block", p.vs.Line,
				fmt.Sprintf("block %q is not closed before end of file (Piranha accepts this silently)", p.vs.Name))
		}
	}
	return p.cfg, p.diags
}

func (p *parser) diag(s confparse.Severity, key string, line int, msg string) {
	p.diags = append(p.diags, confparse.Diagnostic{Severity: s, Key: key, Pos: confparse.Pos{Line: line}, Msg: msg})
}

// depth is 0 at top level, 1 inside virtual/failover, 2 inside server.
func (p *parser) depth() int {
	switch {
	case p.rs != nil:
		return 2
	case p.vs != nil:
		return 1
	}
	return 0
}

// parseLine handles one line and returns Piranha's error text, or "".
func (p *parser) parseLine(line string) string {
	toks, ok := tokenize(line)
	if !ok {
		if p.depth() > 0 {
			// lvsd's block parser replaces the tokenizer's error.
			return errMissing
		}
		return errQuote
	}
	if len(toks) == 0 {
		return ""
	}
	key := toks[0].text
	switch {
	case key == "}":
		return p.closeBlock(toks)
	case p.depth() == 0 && (key == "virtual" || key == "failover"),
		p.depth() == 1 && key == "server":
		return p.openBlock(key, toks)
	}
	return p.assign(toks)
}

func (p *parser) closeBlock(toks []token) string {
	if p.depth() == 0 {
		return errUnknown
	}
	if len(toks) > 1 {
		return errExtraArgs
	}
	if p.rs != nil {
		p.rs = nil
	} else {
		p.vs = nil
	}
	return ""
}

func (p *parser) openBlock(kind string, toks []token) string {
	switch {
	case len(toks) < 3:
		return errMissing
	case toks[2].text != "{":
		return errList
	case len(toks) > 3:
		return errExtraArgs
	}
	name := toks[1].text
	switch kind {
	case "virtual":
		p.vs = newVirtual(name, p.line)
		p.cfg.Virtuals = append(p.cfg.Virtuals, p.vs)
	case "failover":
		p.vs = newVirtual(name, p.line)
		p.cfg.Failovers = append(p.cfg.Failovers, p.vs)
	default:
		p.rs = newServer(name, p.line, p.vs.Port)
		p.vs.Servers = append(p.vs.Servers, p.rs)
	}
	return ""
}

// assign handles `KEY = VALUE [VALUE2]` in the current block.
func (p *parser) assign(toks []token) string {
	key := toks[0].text
	nargs, set := p.lookup(key)
	if set == nil {
		if !p.opts.Strict && len(toks) >= 3 && toks[1].text == "=" {
			p.diag(confparse.Warning, "unknown_key", p.line, fmt.Sprintf(
				"%q is not a key Piranha accepts %s; line ignored (pulse would stop with %q)",
				key, p.where(), errUnknown))
			return ""
		}
		return errUnknown
	}
	if len(toks) < 2 {
		return errMissing
	}
	if toks[1].text != "=" {
		return errEqual
	}
	args := toks[2:]
	switch {
	case len(args) < nargs:
		return errMissing
	case len(args) > nargs:
		return errExtraArgs
	}
	if msg := set(p, args); msg != "" {
		return msg
	}
	p.seen()[key] = p.line
	return ""
}

func (p *parser) seen() map[string]int {
	switch {
	case p.rs != nil:
		return p.rs.Seen
	case p.vs != nil:
		return p.vs.Seen
	}
	return p.cfg.Seen
}

func (p *parser) where() string {
	switch {
	case p.rs != nil:
		return fmt.Sprintf("in server %s", p.rs.Name)
	case p.vs != nil:
		return fmt.Sprintf("in block %s", p.vs.Name)
	}
	return "at top level"
}

// lookup finds the handler of key in the current block.
func (p *parser) lookup(key string) (int, func(*parser, []token) string) {
	var k keyDef
	var ok bool
	switch p.depth() {
	case 0:
		k, ok = keys().global[key]
	case 1:
		k, ok = keys().virtual[key]
	default:
		k, ok = keys().server[key]
	}
	if !ok {
		return 0, nil
	}
	n := 1
	if k.pair {
		n = 2
	}
	return n, k.set
}
