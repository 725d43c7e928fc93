package lab_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	labToken = "lab-token-0123456789abcdef"
	labPass  = "s3cr3tpw"
)

// tcpDo sends one HTTP request from the client namespace to addr and
// returns the status and body. The connection is opened on the
// namespace's thread; the request runs over it from here.
func (r *rig) tcpDo(addr, method, path, token, body string) (int, string) {
	r.t.Helper()
	var c net.Conn
	err := r.lab.Client.InNS(func() error {
		var err error
		c, err = net.DialTimeout("tcp", addr, 5*time.Second)
		return err
	})
	if err != nil {
		r.t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	req.Close = true
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if err := req.Write(c); err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOpsSecretsNowhere: the real daemon with an auth_pass, --http-listen
// and a token file. Its socket is root's, mode 0600; TCP writes without
// the token, or with a wrong one, get 403 and change nothing; with it they
// work and are logged as by token, socket writes by uid and pid. Neither
// the token nor the auth_pass appears in the log, the three signal dumps,
// the API's answers (socket and TCP), /metrics or `status --json`.
func TestOpsSecretsNowhere(t *testing.T) {
	r := newRig(t, 1)
	tmp := filepath.Join(r.dir, "tmp")
	os.Mkdir(tmp, 0o700)
	tok := filepath.Join(r.dir, "token")
	if err := os.WriteFile(tok, []byte(labToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cs := confs([]int{150}, func(i int, c *instanceConf) {
		c.Extra = []string{"authentication {", "    auth_type PASS", "    auth_pass " + labPass, "}"}
	})
	addr := r.lab.Routers[0].Addr4.String() + ":9188"
	r.startFull(0, "govrrpd", cs[0], []string{"TMPDIR=" + tmp}, "-P", "--http-listen", addr, "--http-token-file", tok)
	r.waitMaster(vip4, 0, 5*time.Second)

	var st syscall.Stat_t
	if err := syscall.Stat(r.sock(0), &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&0o777 != 0o600 || st.Mode&syscall.S_IFMT != syscall.S_IFSOCK || st.Uid != 0 {
		t.Errorf("control socket: mode %o uid %d, want a socket 0600 owned by root", st.Mode, st.Uid)
	}

	var answers strings.Builder
	get := func(path string) {
		code, body := r.tcpDo(addr, "GET", path, "", "")
		if code != 200 {
			t.Errorf("GET %s over TCP: %d %s", path, code, body)
		}
		answers.WriteString(body)
	}
	get("/api/v1/status")
	get("/metrics")
	maint := func(on bool) string { return fmt.Sprintf(`{"instance":"VI_1","on":%v}`, on) }
	for _, bad := range []string{"", "wrong-token-0123456789abcdef"} {
		code, body := r.tcpDo(addr, "POST", "/api/v1/maintenance", bad, maint(true))
		answers.WriteString(body)
		if code != 403 {
			t.Errorf("TCP write with token %q: %d %s, want 403", bad, code, body)
		}
	}
	if m := r.scrape(0); m[`govrrpd_vrrp_maintenance{instance="VI_1"}`] != 0 {
		t.Fatal("a refused TCP write put VI_1 into maintenance")
	}
	for _, on := range []bool{true, false} {
		code, body := r.tcpDo(addr, "POST", "/api/v1/maintenance", labToken, maint(on))
		answers.WriteString(body)
		if code != 200 {
			t.Errorf("TCP write with the token (maintenance %v): %d %s", on, code, body)
		}
	}
	if out, err := cli(t, "ctl", "--control-socket", r.sock(0), "reload"); err != nil {
		t.Fatalf("ctl reload: %v %s", err, out)
	}
	js, _ := cli(t, "status", "--json", "--control-socket", r.sock(0))
	answers.WriteString(js)

	r.procs["r1"].Signal(syscall.SIGUSR1)
	r.procs["r1"].Signal(syscall.SIGUSR2)
	r.procs["r1"].Signal(syscall.Signal(36)) // SIGRTMIN+2: the JSON dump
	dumps := map[string]string{}
	for end := time.Now().Add(10 * time.Second); len(dumps) < 3; time.Sleep(20 * time.Millisecond) {
		for _, f := range []string{"keepalived.data", "keepalived.stats", "keepalived.json"} {
			if b, err := os.ReadFile(filepath.Join(tmp, f)); err == nil && len(b) > 0 {
				dumps[f] = string(b)
			}
		}
		if time.Now().After(end) {
			t.Fatalf("dumps written: %d of 3", len(dumps))
		}
	}
	logText := r.procs["r1"].LogText()
	for _, want := range []string{`who="token from 192.0.2.100:`, `action=maintenance`, `who="uid 0 pid `, `action=reload`, `write refused`} {
		if !strings.Contains(logText, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	where := map[string]string{"log": logText, "API and /metrics answers": answers.String()}
	for f, s := range dumps {
		where[f] = s
	}
	for what, s := range where {
		for _, secret := range []string{labToken, labToken[:12], labPass} {
			if strings.Contains(s, secret) {
				t.Errorf("%q appears in the %s", secret, what)
			}
		}
	}
}
