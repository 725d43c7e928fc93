package lvscf

import (
	"bytes"
	"github.com/govrrpd/govrrpd/confparse"
	"net/netip"
	"slices"
)

// Import parses and converts in one step. Parse and conversion diagnostics
// are returned together; the Result is nil when either is fatal.
func Import(data []byte, popts Options, copts ConvertOptions) (*Result, confparse.Diagnostics) {
	cfg, ds := Parse(data, popts)
	if Err(ds) != nil {
		return nil, ds
	}
	res, cds := Convert(cfg, copts)
	return res, append(ds, cds...)
}

// ChooseNode decides the role as pulse did: primary when one of this
// host's addresses is the `primary` address, backup otherwise.
func ChooseNode(cfg *Config, local []netip.Addr) string {
	if cfg.Primary.IsSet() && slices.Contains(local, cfg.Primary.Addr) {
		return "primary"
	}
	return "backup"
}

// Detect reports whether data looks like lvs.cf rather than keepalived.conf:
// the first statement is a Piranha global `key = value` line or a
// `virtual`/`failover` block. keepalived.conf never has "=" as its second
// word, and its `!` comments are not comments in lvs.cf.
func Detect(data []byte) bool {
	// Lines are cut one at a time: the first line with words decides, and
	// splitting (or scanning for CRs in) a large keepalived.conf whole
	// cost more than reading it. A CR ends a line as normaliseCR has it;
	// the empty line it leaves inside a CRLF has no words.
	for len(data) > 0 {
		line := data
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if decided, lvs := detectLine(line); decided {
			return lvs
		}
	}
	return false
}

// detectLine decides Detect on one line, unless the line has no words.
func detectLine(line []byte) (decided, lvs bool) {
	toks, ok := tokenize(string(line))
	switch {
	case !ok:
		return true, false
	case len(toks) == 0:
		return false, false
	}
	if _, known := keys().global[toks[0].text]; known {
		return true, len(toks) >= 3 && toks[1].text == "="
	}
	if toks[0].text == "virtual" || toks[0].text == "failover" {
		return true, len(toks) == 3 && toks[2].text == "{"
	}
	return true, false
}
