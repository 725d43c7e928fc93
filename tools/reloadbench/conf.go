package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// genConf writes bench/genconf.py's file: vs virtual servers cycling over
// 192.0.2.1-250 (the port makes each unique), each with rs real servers
// 198.51.100.1-rs on the same port and a TCP_CHECK. delay_loop is the
// only knob genconf.py does not have: the bench raises it so that 100,000
// checkers, whose first checks both daemons spread over one delay_loop,
// do not keep the emulated CPUs busy while a reload is timed.
func genConf(w io.Writer, vs, rs, delayLoop int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "global_defs {\n    router_id bench\n}\n")
	for i := range vs {
		port := 1024 + i/250
		fmt.Fprintf(bw, "virtual_server 192.0.2.%d %d {\n", 1+i%250, port)
		fmt.Fprintf(bw, "    delay_loop %d\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n", delayLoop)
		for j := range rs {
			fmt.Fprintf(bw, "    real_server 198.51.100.%d %d {\n", 1+j%250, port)
			fmt.Fprintf(bw, "        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n")
		}
		fmt.Fprintf(bw, "}\n")
	}
	return bw.Flush()
}

// changeWeight is the one-change edit: the first real server's weight
// becomes w. genConf's first real server is 198.51.100.1:1024 of
// 192.0.2.1:1024.
func changeWeight(conf []byte, w int) ([]byte, error) {
	old := []byte("        weight 1\n")
	i := bytes.Index(conf, old)
	if i < 0 {
		return nil, fmt.Errorf("no %q line to change", bytes.TrimSpace(old))
	}
	out := append(append(append([]byte(nil), conf[:i]...), fmt.Sprintf("        weight %d\n", w)...), conf[i+len(old):]...)
	return out, nil
}

// firstVS and lastVS are genConf's first and last virtual servers:
// keepalived's reload walks the virtual servers in order, so an edit in
// the first reaches its kernel first and one in the last reaches it last.
func firstVS() (addr string, port int) { return "192.0.2.1", 1024 }

func lastVS(vs int) (addr string, port int) {
	return fmt.Sprintf("192.0.2.%d", 1+(vs-1)%250), 1024 + (vs-1)/250
}

// lastRealOf is the last real server of each of genConf's virtual
// servers with rs real servers.
func lastRealOf(rs int) string { return fmt.Sprintf("198.51.100.%d", 1+(rs-1)%250) }

// removeReal removes real's block on port from the first virtual server
// that has it, or from the last when last is set (genConf's virtual
// servers on one port are consecutive, so the last block on the last
// virtual server's port is the last virtual server's).
func removeReal(conf []byte, real string, port int, last bool) ([]byte, error) {
	blk := []byte(fmt.Sprintf("    real_server %s %d {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n", real, port))
	i := bytes.Index(conf, blk)
	if last {
		i = bytes.LastIndex(conf, blk)
	}
	if i < 0 {
		return nil, fmt.Errorf("no real server %s:%d to remove", real, port)
	}
	return append(append([]byte(nil), conf[:i]...), conf[i+len(blk):]...), nil
}

// countReals is how many real servers a file of genConf's shape (edited
// or not) configures.
func countReals(conf []byte) int { return bytes.Count(conf, []byte("\n    real_server ")) }

var appliedRE = regexp.MustCompile(`(?m)^time=(\S+) .*msg="(?:IPVS applied|reload complete)" .*?operations=(\d+)`)

// appliedOps reads govrrpd's "IPVS applied operations=N" lines from a log,
// and the `reload complete result="no change" ... operations=0` of a SIGHUP
// that found nothing to read; the last one is the newest reload's. at is the line's
// time.
func appliedOps(log []byte) (ops int, at time.Time, ok bool) {
	m := appliedRE.FindAllSubmatch(log, -1)
	if len(m) == 0 {
		return 0, at, false
	}
	last := m[len(m)-1]
	at, err := time.Parse(time.RFC3339Nano, string(last[1]))
	if err != nil {
		return 0, at, false
	}
	n, err := strconv.Atoi(string(last[2]))
	return n, at, err == nil
}

// tableDiff counts the lines of /proc/net/ip_vs present in one reading and
// not in the other: entries added, removed or changed (a changed weight
// counts twice, its old and its new line). Connection counters are part
// of the lines; nothing connects through the bench's services.
func tableDiff(a, b []byte) int {
	count := map[string]int{}
	for _, l := range bytes.Split(a, []byte("\n")) {
		count[string(l)]++
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		count[string(l)]--
	}
	n := 0
	for _, c := range count {
		n += max(c, -c)
	}
	return n
}

// reloadLines picks up to n log lines that say what a reload did (either
// daemon's words), so a slow reload shows its phases with their times;
// with GODEBUG=gctrace=1 passed in (GOVRRPD_VM_ENV=GODEBUG), govrrpd's
// collections too ("gc N @SECONDS ..."), which can keep a large daemon
// busy after a reload that did nothing.
func reloadLines(log []byte, n int) []string {
	var out []string
	for _, l := range strings.Split(string(log), "\n") {
		low := strings.ToLower(l)
		if strings.Contains(low, "reload") || strings.Contains(low, "ipvs") || strings.Contains(low, "sighup") ||
			strings.HasPrefix(l, "gc ") && strings.Contains(l, " @") {
			if out = append(out, l); len(out) == n {
				break
			}
		}
	}
	return out
}
