package confparse

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/check"
)

// HTTP_GET and SSL_GET. keepalived matches url regexes with PCRE2; govrrpd
// uses Go's RE2, so a pattern RE2 cannot compile is reported here rather
// than failing at check time.

var chkHTTPTable = table[*chkState]{
	"url": chkURL,
	// Only HTTP_GET and SSL_GET know nb_get_retry (keepalived's
	// check_http.c); in any other checker it is an unknown keyword and
	// the checker keeps its retry.
	"nb_get_retry": chkRetry,
	"http_protocol": func(a *analyzer, n *Node, st *chkState) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		switch s {
		case "1.0", "1.0C", "1.1":
			st.c.HTTP().Protocol = s
		default:
			a.warnf(n.Pos, "Invalid http_protocol '%s' (use 1.0|1.0C|1.1) - ignoring", s)
		}
	},
	"virtualhost": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			st.c.HTTP().Virtualhost = s
		}
	},
	"fast_recovery": func(a *analyzer, n *Node, st *chkState) { st.c.HTTP().FastRecovery = a.argBool(n, 0) },
	// keepalived takes it in HTTP_GET too, where it means nothing;
	// SSL_GET's table replaces this entry.
	"enable_sni": func(a *analyzer, n *Node, _ *chkState) {
		a.infof(n.Pos, "enable_sni has no effect on HTTP_GET")
	},
}

var chkSSLTable = table[*chkState]{
	"enable_sni":    func(a *analyzer, n *Node, st *chkState) { st.c.HTTP().EnableSNI = a.argBool(n, 0) },
	"sni_name":      chkNewer("sni_name", "after 2.4.3"),
	"tls_compliant": chkNewer("tls_compliant", "2.2.8"),
}

// chkNewer reports a keyword that keepalived 2.2.7 does not know (it says
// "Unknown keyword") but a later keepalived does, so the operator learns
// why it is ignored.
func chkNewer(key, since string) chh {
	return func(a *analyzer, n *Node, _ *chkState) {
		a.warnf(n.Pos, "Unknown keyword '%s': it needs keepalived %s and govrrpd follows 2.2.7; ignored", key, since)
	}
}

func chkURL(a *analyzer, n *Node, st *chkState) {
	var u check.URL
	children(a, n, chkURLTable, &u, "url")
	if u.Path == "" {
		a.warnf(n.Pos, "url has no path - skipping")
		return
	}
	st.c.HTTP().URLs = append(st.c.HTTP().URLs, u)
}

var chkURLTable = table[*check.URL]{
	"path": func(a *analyzer, n *Node, u *check.URL) {
		if s, ok := a.arg(n, 0); ok {
			u.Path = s
		}
	},
	"digest":      urlDigest,
	"status_code": urlStatus,
	"virtualhost": func(a *analyzer, n *Node, u *check.URL) {
		if s, ok := a.arg(n, 0); ok {
			u.Virtualhost = s
		}
	},
	"regex": func(a *analyzer, n *Node, u *check.URL) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		if _, err := regexp.Compile(s); err != nil {
			a.warnf(n.Pos, "regex '%s' cannot be used: govrrpd matches with Go's RE2 syntax (%v); ignored", s, err)
			return
		}
		u.Regex = s
	},
	"regex_no_match": func(a *analyzer, n *Node, u *check.URL) { u.RegexNoMatch = a.argFlag(n) },
	"regex_options":  urlRegexOptions,
	"regex_min_offset": func(a *analyzer, n *Node, u *check.URL) {
		if v, ok := a.argInt(n, 0, 0, lvsMaxInt); ok {
			u.RegexMinOffset = v
		}
	},
	"regex_max_offset": func(a *analyzer, n *Node, u *check.URL) {
		if v, ok := a.argInt(n, 0, 0, lvsMaxInt); ok {
			u.RegexMaxOffset = v
		}
	},
	"regex_stack": ignored[*check.URL],
}

func urlDigest(a *analyzer, n *Node, u *check.URL) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	if len(s) != 32 {
		a.warnf(n.Pos, "digest '%s' character length should be 32 rather than %d", s, len(s))
		return
	}
	if _, err := hex.DecodeString(s); err != nil {
		a.warnf(n.Pos, "digest '%s' is not hexadecimal - ignoring", s)
		return
	}
	u.Digest = strings.ToLower(s)
}

// urlStatus reads `N` and `N-M` words, each within 100..599.
func urlStatus(a *analyzer, n *Node, u *check.URL) {
	if len(n.Args) == 0 {
		a.warnf(n.Pos, "'%s' needs a value", n.Key)
		return
	}
	for _, w := range n.ArgStrings() {
		r, ok := parseStatusRange(w)
		if !ok {
			a.warnf(n.Pos, "Invalid HTTP_GET status code '%s'", w)
			continue
		}
		u.StatusCodes = append(u.StatusCodes, r)
	}
}

func parseStatusRange(w string) (check.StatusRange, bool) {
	lo, hi, isRange := strings.Cut(w, "-")
	l, err := strconv.Atoi(lo)
	if err != nil || l < 100 || l > 599 {
		return check.StatusRange{}, false
	}
	if !isRange {
		return check.StatusRange{Lo: l, Hi: l}, true
	}
	h, err := strconv.Atoi(hi)
	if err != nil || h < l || h > 599 {
		return check.StatusRange{}, false
	}
	return check.StatusRange{Lo: l, Hi: h}, true
}

// pcreOptions are the regex_options names keepalived 2.2.7 accepts.
var pcreOptions = map[string]bool{
	"allow_empty_class": true, "alt_bsux": true, "auto_callout": true, "caseless": true,
	"dollar_endonly": true, "dotall": true, "dupnames": true, "extended": true, "firstline": true,
	"match_unset_backref": true, "multiline": true, "never_ucp": true, "never_utf": true,
	"no_auto_capture": true, "no_auto_possess": true, "no_dotstar_anchor": true,
	"no_start_optimize": true, "ucp": true, "ungreedy": true, "utf": true,
}

func urlRegexOptions(a *analyzer, n *Node, u *check.URL) {
	for _, w := range n.ArgStrings() {
		if !pcreOptions[w] {
			a.warnf(n.Pos, "Unknown regex option '%s' - ignoring", w)
			continue
		}
		u.RegexOptions = append(u.RegexOptions, w)
	}
}
