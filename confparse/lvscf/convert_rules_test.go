package lvscf

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestInvalidExamplesConvert covers the converter column of
// examples/invalid/README.md for the files the parser lets through.
func TestInvalidExamplesConvert(t *testing.T) {
	tests := []struct {
		file     string
		err      string // "" = converts
		contains string
	}{
		{"uppercase-key.cf", "primary is missing", ""},
		{"server-nmask.cf", "", "    # lvs.cf server web1 skipped: active = 0\n"},
		{"scheduler-sed.cf", "", "    lb_algo sed\n"},
		{"crlf.cf", "", "    lb_kind DR\n"},
	}
	for _, tt := range tests {
		res, ds := Import(readTestdata(t, "examples/invalid/"+tt.file), Options{}, ConvertOptions{Node: "primary"})
		if tt.err != "" {
			if res != nil || Err(ds) == nil || !strings.Contains(Err(ds).Error(), tt.err) {
				t.Errorf("%s: want error %q, got %v", tt.file, tt.err, ds)
			}
			continue
		}
		if res == nil {
			t.Errorf("%s: %v", tt.file, ds)
			continue
		}
		if out := res.String(); !strings.Contains(out, tt.contains) {
			t.Errorf("%s: output lacks %q:\n%s", tt.file, tt.contains, out)
		}
	}
}

func TestConvertErrors(t *testing.T) {
	const vs = "virtual v {\n active = 1\n address = 192.0.2.10 eth0:1\n"
	tests := []struct{ name, src, node, err string }{
		{"no primary", "network = direct\n" + vs, "primary", "primary is missing"},
		{"primary unspecified", "primary = 0.0.0.0\n" + vs, "primary", "primary is missing"},
		{"no active virtual", "primary = 192.0.2.1\nvirtual v {\n address = 192.0.2.10 eth0:1\n}\n", "primary", "no active virtual server"},
		{"fos without services", "primary = 192.0.2.1\nservice = fos\n" + vs, "primary", "no active failover service"},
		{"backup standalone", "primary = 192.0.2.1\nbackup_active = 1\n" + vs, "backup", "backup node requested"},
		{"timeout zero", "primary = 192.0.2.1\n" + vs + " timeout = 0\n", "primary", "timeout 0"},
		{"mask not contiguous", "primary = 192.0.2.1\n" + vs + " vip_nmask = 255.0.255.0\n", "primary", "not contiguous"},
		{"vip unset", "primary = 192.0.2.1\nvirtual v {\n active = 1\n}\n", "primary", "address missing"},
		{"server port", "primary = 192.0.2.1\n" + vs + " server s {\n active = 1\n address = 192.0.2.20\n port = 70000\n", "primary", "port 70000"},
		{"keepalive zero", "primary = 192.0.2.1\nkeepalive = 0\n" + vs, "primary", "keepalive 0"},
		{"bad node", "primary = 192.0.2.1\n" + vs, "auto", "want primary or backup"},
	}
	for _, tt := range tests {
		res, ds := Import([]byte(tt.src), Options{}, ConvertOptions{Node: tt.node})
		if res != nil || Err(ds) == nil || !strings.Contains(Err(ds).Error(), tt.err) {
			t.Errorf("%s: want error %q, got %v", tt.name, tt.err, ds)
		}
	}
}

// TestHTTPGetRow checks the narrow HTTP_GET mapping (row 5) and its
// fall-through to the MISC_CHECK template.
func TestHTTPGetRow(t *testing.T) {
	tests := []struct {
		send, expect string
		regex        bool
		want         string // "" = falls through to MISC_CHECK
	}{
		{`GET / HTTP/1.0\r\n\r\n`, "HTTP", false, "/ 100-599 1.0 "},
		{`GET /a HTTP/1.1\r\nHost: h.example\r\n\r\n`, "HTTP/1.1 200 OK", false, "/a 200 1.1 h.example"},
		{`GET /a HTTP/1.0\r\nConnection: close\r\n\r\n`, "HTTP/1.0 302", false, "/a 302 1.0 "},
		{`GET /a HTTP/1.0\r\n\r\n`, "HTTP/1.", false, "/a 100-599 1.0 "},
		{`HEAD / HTTP/1.0\r\n\r\n`, "HTTP", false, ""},
		{`GET / HTTP/1.0\r\n\r\n`, "HTTP", true, ""},
		{`GET / HTTP/1.0\r\nAccept: */*\r\n\r\n`, "HTTP", false, ""},
		{`GET cache_object://x/info HTTP/1.0\r\n\r\n`, "HTTP", false, ""},
		{`GET /#x HTTP/1.0\r\n\r\n`, "HTTP", false, ""},
		{`GET / HTTP/1.0\r\n\r\n`, "HTTP/1.0 600", false, ""},
		{`GET / HTTP/1.0\r\n\r\n`, "OK", false, ""},
		{`GET / HTTP/1.0\r\n`, "HTTP", false, ""},
	}
	for _, tt := range tests {
		v := newVirtual("v", 1)
		v.Send, v.Expect, v.UseRegex = tt.send, tt.expect, tt.regex
		c := &converter{cfg: newConfig()}
		pr := c.probe(v, "v")
		h := httpGet(v, pr)
		got := ""
		if h != nil {
			u := h.URLs[0]
			got = u.Path + " " + statusText(u.StatusCodes[0]) + " " + h.Protocol + " " + u.Virtualhost
		}
		if got != tt.want {
			t.Errorf("send %q expect %q regex %v: got %q, want %q", tt.send, tt.expect, tt.regex, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	yes := [][]byte{
		readTestdata(t, "examples/nat-http.cf"),
		readTestdata(t, "examples/invalid/crlf.cf"),
		[]byte("# comment\n\nvirtual www {\n"),
		[]byte("# comment\rvirtual www {\r"),
		[]byte("\r\n\r\nprimary = 192.0.2.1\r\n"),
	}
	no := [][]byte{
		[]byte("! Configuration File for keepalived\nglobal_defs {\n}\n"),
		[]byte("vrrp_instance VI_1 {\n state MASTER\n}\n"),
		[]byte("$IF=eth0\n"),
		[]byte("primary 192.0.2.1\n"),
		[]byte(""),
		[]byte("global_defs {\r}\rvirtual www {\r"),
	}
	for _, b := range yes {
		if !Detect(b) {
			t.Errorf("Detect(%.30q) = false", b)
		}
	}
	for _, b := range no {
		if Detect(b) {
			t.Errorf("Detect(%.30q) = true", b)
		}
	}
}

func TestChooseNode(t *testing.T) {
	cfg, _ := Parse([]byte("primary = 192.0.2.1\nbackup = 192.0.2.2\n"), Options{})
	if n := ChooseNode(cfg, []netip.Addr{netip.MustParseAddr("192.0.2.1")}); n != "primary" {
		t.Errorf("got %s", n)
	}
	if n := ChooseNode(cfg, []netip.Addr{netip.MustParseAddr("192.0.2.2")}); n != "backup" {
		t.Errorf("got %s", n)
	}
}

// TestWarningsUnique: each example's warnings carry only catalogue keys.
func TestWarningCatalogue(t *testing.T) {
	catalogue := []string{"crlf_line_endings", "unknown_key", "unterminated_block", "single_quoted_value",
		"unsupported_escape", "scheduler_not_in_piranha", "private_heartbeat_dropped", "deadtime_mismatch",
		"shared_scsi_unsupported", "vip_mask_defaulted", "vip_without_alias", "alias_label_conflict",
		"reentry_unsupported", "load_monitor_unsupported", "fwmark_rules_external", "weight_zero",
		"dr_port_mismatch", "server_port_inherited", "udp_without_send_expect", "send_program_without_expect"}
	seen := map[string]bool{}
	for _, in := range []string{"extra/kitchen-lvs.cf", "extra/kitchen-fos.cf", "examples/invalid/crlf.cf",
		"examples/invalid/server-nmask.cf", "examples/failover-services.cf"} {
		_, ds := Import(readTestdata(t, in), Options{}, ConvertOptions{Node: "primary"})
		for _, k := range ds.WarningKeys() {
			if !slices.Contains(catalogue, k) {
				t.Errorf("%s: warning key %q not in the catalogue", in, k)
			}
			seen[k] = true
		}
	}
	_, ds := Import([]byte("primary = 192.0.2.1\nvirtual v {\n active = 1\n address = 192.0.2.9 eth0:1\n"), Options{}, ConvertOptions{Node: "primary"})
	for _, k := range ds.WarningKeys() {
		seen[k] = true
	}
	for _, k := range catalogue {
		if !seen[k] {
			t.Errorf("catalogue key %s never produced by the test inputs", k)
		}
	}
}
