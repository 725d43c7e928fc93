package confparse

import (
	"testing"

	"github.com/govrrpd/govrrpd/check"
)

func url0(c *Config) *check.URL { return &ck0(c).HTTP().URLs[0] }

func TestSemLVSURLStatus(t *testing.T) {
	codes := func(c *Config) any { return url0(c).StatusCodes }
	sr := func(p ...int) []check.StatusRange {
		var out []check.StatusRange
		for i := 0; i < len(p); i += 2 {
			out = append(out, check.StatusRange{Lo: p[i], Hi: p[i+1]})
		}
		return out
	}
	slRun(t, []slRow{
		{"absent", slURL(""), codes, []check.StatusRange(nil), nil},
		{"one", slURL("status_code 204"), codes, sr(204, 204), nil},
		{"bounds", slURL("status_code 100 599"), codes, sr(100, 100, 599, 599), nil},
		{"range", slURL("status_code 200-399"), codes, sr(200, 399), nil},
		{"range of one", slURL("status_code 301-301"), codes, sr(301, 301), nil},
		{"list", slURL("status_code 200 301-302 404"), codes, sr(200, 200, 301, 302, 404, 404), nil},
		{"two lines add", slURL("status_code 200\nstatus_code 404"), codes, sr(200, 200, 404, 404), nil},
		{"below", slURL("status_code 99"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "Invalid HTTP_GET status code '99'")}},
		{"above", slURL("status_code 600"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "Invalid HTTP_GET status code '600'")}},
		{"range above", slURL("status_code 500-600"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "status code '500-600'")}},
		{"range reversed", slURL("status_code 201-200"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "status code '201-200'")}},
		{"open range", slURL("status_code 200-"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "status code '200-'")}},
		{"word", slURL("status_code ok"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "status code 'ok'")}},
		{"bad among good", slURL("status_code 200 2xx 302"), codes, sr(200, 200, 302, 302), []slDiag{slW(lineURL, "status code '2xx'")}},
		{"bare", slURL("status_code"), codes, []check.StatusRange(nil), []slDiag{slW(lineURL, "'status_code' needs a value")}},
	})
}

func TestSemLVSURLKeywords(t *testing.T) {
	u := func(f func(*check.URL) any) func(*Config) any { return func(c *Config) any { return f(url0(c)) } }
	digest := u(func(x *check.URL) any { return x.Digest })
	rx := u(func(x *check.URL) any {
		return []any{x.Regex, x.RegexNoMatch, x.RegexOptions, x.RegexMinOffset, x.RegexMaxOffset}
	})
	slRun(t, []slRow{
		{"path", slURL("path /health?full=1"), u(func(x *check.URL) any { return x.Path }), "/health?full=1", nil},
		{"path bare", slURL("path"), u(func(x *check.URL) any { return x.Path }), "/", []slDiag{{Stop, lineURL, "keyword `path`"}}},
		{"digest lower-cased", slURL("digest 640205B7B0FC66C1EA91C463FAC6334D"), digest, "640205b7b0fc66c1ea91c463fac6334d", nil},
		{"digest too long", slURL("digest 640205b7b0fc66c1ea91c463fac6334d0"), digest, "",
			[]slDiag{slW(lineURL, "digest '640205b7b0fc66c1ea91c463fac6334d0' character length should be 32 rather than 33")}},
		{"digest not hex", slURL("digest 640205b7b0fc66c1ea91c463fac6334g"), digest, "",
			[]slDiag{slW(lineURL, "digest '640205b7b0fc66c1ea91c463fac6334g' is not hexadecimal - ignoring")}},
		{"digest bare", slURL("digest"), digest, "", []slDiag{{Stop, lineURL, "keyword `digest`"}}},
		{"virtualhost", slURL("virtualhost u.example"), u(func(x *check.URL) any { return x.Virtualhost }), "u.example", nil},
		{"virtualhost bare", slURL("virtualhost"), u(func(x *check.URL) any { return x.Virtualhost }), "",
			[]slDiag{slW(lineURL, "'virtualhost' needs a value")}},
		{"regex absent", slURL(""), rx, []any{"", false, []string(nil), 0, 0}, nil},
		{"regex all", slURL("regex \"^up [0-9]+$\"\nregex_no_match\nregex_options dotall ungreedy\nregex_min_offset 0\nregex_max_offset 2147483647"),
			rx, []any{"^up [0-9]+$", true, []string{"dotall", "ungreedy"}, 0, 2147483647}, nil},
		{"regex RE2 cannot", slURL("regex (?<=a)b"), rx, []any{"", false, []string(nil), 0, 0},
			[]slDiag{slW(lineURL, "regex '(?<=a)b' cannot be used: govrrpd matches with Go's RE2 syntax")}},
		{"regex_no_match off", slURL("regex x\nregex_no_match off"), u(func(x *check.URL) any { return x.RegexNoMatch }), true,
			[]slDiag{slI(lineURL+1, "'regex_no_match off': keepalived ignores the value and sets regex_no_match")}},
		{"regex option unknown", slURL("regex_options caseless bogus utf"), u(func(x *check.URL) any { return x.RegexOptions }),
			[]string{"caseless", "utf"}, []slDiag{slW(lineURL, "Unknown regex option 'bogus' - ignoring")}},
		{"regex offset negative", slURL("regex_min_offset -1"), u(func(x *check.URL) any { return x.RegexMinOffset }), 0,
			[]slDiag{slW(lineURL, "regex_min_offset: number '-1' outside range [0, 2147483647]")}},
		{"regex offset word", slURL("regex_max_offset end"), u(func(x *check.URL) any { return x.RegexMaxOffset }), 0,
			[]slDiag{slW(lineURL, "regex_max_offset: invalid number 'end'")}},
		{"regex_stack", slURL("regex_stack 32 64"), nil, nil, []slDiag{slI(lineURL, "'regex_stack' has no effect in govrrpd")}},
		{"unknown in url", slURL("method POST"), nil, nil, []slDiag{slW(lineURL, "unknown keyword 'method' in url")}},
	})
}

// The url blocks of one checker, in order; one without a path is dropped,
// and a checker left without urls with it.
func TestSemLVSURLBlocks(t *testing.T) {
	paths := func(c *Config) any {
		var out []string
		for _, u := range ck0(c).HTTP().URLs {
			out = append(out, u.Path)
		}
		return out
	}
	slRun(t, []slRow{
		{"two", slCk("HTTP_GET", "url {\npath /a\n}\nurl {\npath /b\n}"), paths, []string{"/a", "/b"}, nil},
		{"last path wins", slCk("HTTP_GET", "url {\npath /a\npath /b\n}"), paths, []string{"/b"}, nil},
		{"one without path", slCk("HTTP_GET", "url {\nstatus_code 200\n}\nurl {\npath /b\n}"), paths, []string{"/b"},
			[]slDiag{slW(lineCk, "url has no path - skipping")}},
		{"none left", slCk("HTTP_GET", "url {\n}"), slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk, "url has no path - skipping"), slW(lineCk-1, "HTTP_GET has no url specified - ignoring")}},
		{"ssl none", slCk("SSL_GET", ""), slCount, [3]int{1, 1, 0}, []slDiag{slW(lineCk-1, "SSL_GET has no url specified - ignoring")}},
	})
}

// The HTTP_GET and SSL_GET block keywords around the url blocks.
func TestSemLVSHTTPKeywords(t *testing.T) {
	h := func(f func(*check.HTTPSettings) any) func(*Config) any {
		return func(c *Config) any { return f(ck0(c).HTTP()) }
	}
	get := func(kind, body string) string { return slCk(kind, body+"\nurl {\npath /\n}") }
	proto := h(func(x *check.HTTPSettings) any { return x.Protocol })
	slRun(t, []slRow{
		{"defaults", get("HTTP_GET", ""), h(func(x *check.HTTPSettings) any {
			return []any{x.Protocol, x.Virtualhost, x.EnableSNI, x.FastRecovery, x.TLS}
		}), []any{"1.0", "", false, false, (*check.TLSSettings)(nil)}, nil},
		{"http 1.1", get("HTTP_GET", "http_protocol 1.1"), proto, "1.1", nil},
		{"http 1.0C", get("HTTP_GET", "http_protocol 1.0C"), proto, "1.0C", nil},
		{"http 2", get("HTTP_GET", "http_protocol 2"), proto, "1.0",
			[]slDiag{slW(lineCk, "Invalid http_protocol '2' (use 1.0|1.0C|1.1) - ignoring")}},
		{"http bare", get("HTTP_GET", "http_protocol"), proto, "1.0", []slDiag{slW(lineCk, "'http_protocol' needs a value")}},
		{"virtualhost", get("SSL_GET", "virtualhost s.example"), h(func(x *check.HTTPSettings) any { return x.Virtualhost }), "s.example", nil},
		{"fast_recovery off", get("HTTP_GET", "fast_recovery off"), h(func(x *check.HTTPSettings) any { return x.FastRecovery }), false, nil},
		{"fast_recovery", get("HTTP_GET", "fast_recovery"), h(func(x *check.HTTPSettings) any { return x.FastRecovery }), true, nil},
		{"enable_sni", get("SSL_GET", "enable_sni yes"), h(func(x *check.HTTPSettings) any { return x.EnableSNI }), true, nil},
		{"enable_sni in HTTP_GET", get("HTTP_GET", "enable_sni"), h(func(x *check.HTTPSettings) any { return x.EnableSNI }), false,
			[]slDiag{slI(lineCk, "enable_sni has no effect on HTTP_GET")}},
		{"nb_get_retry", get("HTTP_GET", "nb_get_retry 4"), func(c *Config) any { return ck0(c).Retry }, 4,
			[]slDiag{slW(lineCk, "nb_get_retry is deprecated - please use 'retry'")}},
		{"nb_get_retry in SSL_GET", get("SSL_GET", "nb_get_retry 0"), func(c *Config) any { return ck0(c).Retry }, 0,
			[]slDiag{slW(lineCk, "nb_get_retry is deprecated")}},
		{"nb_get_retry bad", get("HTTP_GET", "nb_get_retry -2"), func(c *Config) any { return ck0(c).Retry }, 1,
			[]slDiag{slW(lineCk, "nb_get_retry is deprecated"), slW(lineCk, "nb_get_retry: number '-2' outside range")}},
		{"sni_name in HTTP_GET", get("HTTP_GET", "sni_name x"), nil, nil, []slDiag{slW(lineCk, "unknown keyword 'sni_name' in HTTP_GET")}},
		{"kind", get("SSL_GET", ""), func(c *Config) any { return ck0(c).Kind }, check.SSL, nil},
	})
}

// The global SSL block and its link to every SSL_GET, wherever it is.
func TestSemLVSSSLBlock(t *testing.T) {
	ssl := func(body string) string { return "SSL {\n" + body + "\n}\n" }
	sslGet := slCk("SSL_GET", "url {\npath /\n}")
	tls := func(c *Config) any { return c.SSL }
	slRun(t, []slRow{
		{"absent", sslGet, func(c *Config) any { return ck0(c).HTTP().TLS }, (*check.TLSSettings)(nil), nil},
		{"all", ssl("password p\nca /ca\ncertificate /crt\nkey /key"), tls,
			&check.TLSSettings{Password: "p", CA: "/ca", Certificate: "/crt", Key: "/key"}, nil},
		{"two blocks merge", ssl("ca /ca") + ssl("key /key"), tls, &check.TLSSettings{CA: "/ca", Key: "/key"}, nil},
		{"empty", ssl(""), tls, &check.TLSSettings{}, nil},
		{"bare", ssl("password"), tls, &check.TLSSettings{}, []slDiag{slW(2, "'password' needs a value")}},
		{"unknown", ssl("cipher x"), tls, &check.TLSSettings{}, []slDiag{slW(2, "unknown keyword 'cipher' in SSL")}},
		{"before", ssl("ca /a") + sslGet, func(c *Config) any { return ck0(c).HTTP().TLS.CA }, "/a", nil},
		{"after", sslGet + ssl("ca /b"), func(c *Config) any { return ck0(c).HTTP().TLS.CA }, "/b", nil},
		{"not on HTTP_GET", ssl("ca /a") + slCk("HTTP_GET", "url {\npath /\n}"), func(c *Config) any { return ck0(c).HTTP().TLS },
			(*check.TLSSettings)(nil), nil},
	})
}
