package metrics

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

const statLine = "4242 (gov rrpd) (x) S 1 4242 4242 0 -1 4194560 1155 0 0 0 17 4 0 0 20 0 8 0 123456 1600446464 2255 " +
	"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"

func TestParseStat(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     procStat
		err      string
	}{
		{"command with spaces and parentheses", statLine, procStat{utime: 17, stime: 4, start: 123456, vsize: 1600446464, rss: 2255}, ""},
		{"no command", "4242 S 1", procStat{}, "no (command)"},
		{"short", "4242 (x) S 1 2 3", procStat{}, "fields after the command"},
		{"not a number", strings.Replace(statLine, " 17 4 ", " 17 x ", 1), procStat{}, "field 15"},
		{"negative", strings.Replace(statLine, " 123456 ", " -5 ", 1), procStat{}, "field 22"},
	} {
		got, err := parseStat([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
		}
	}
}

const limits = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            1024                 524288               files     
Max address space         unlimited            unlimited            bytes     
Max msgqueue size         819200               819200               bytes     
`

func TestParseLimits(t *testing.T) {
	for _, c := range []struct {
		name, in    string
		files, addr uint64
		err         string
	}{
		{"soft limits", limits, 1024, math.MaxUint64, ""},
		{"address space set", strings.Replace(limits, "Max address space         unlimited", "Max address space         4096     ", 1), 1024, 4096, ""},
		{"no open files", strings.Replace(limits, "Max open files", "Max open filez", 1), 0, 0, "no Max open files"},
		{"garbage", strings.Replace(limits, "1024 ", "10x4 ", 1), 0, 0, "Max open files"},
		{"empty", "", 0, 0, "no Max open files"},
	} {
		f, a, err := parseLimits([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || f != c.files || a != c.addr {
			t.Errorf("%s: %d %d %v, want %d %d", c.name, f, a, err, c.files, c.addr)
		}
	}
}

func TestParseBootTime(t *testing.T) {
	if got, err := parseBootTime([]byte("cpu  1 2 3\nintr 5\nbtime 1796500000\nprocesses 9\n")); err != nil || got != 1796500000 {
		t.Errorf("btime: %d %v", got, err)
	}
	for _, in := range []string{"cpu 1\n", "btime x\n", "btime -1\n"} {
		if _, err := parseBootTime([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

const netstat = `TcpExt: SyncookiesSent SyncookiesRecv
TcpExt: 0 0
IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets
IpExt: 0 0 12 3 0 0 844760213 272478264
`

func TestParseNetstat(t *testing.T) {
	for _, c := range []struct {
		name, in string
		i, o     uint64
		err      string
	}{
		{"IpExt", netstat, 844760213, 272478264, ""},
		{"no IpExt", "TcpExt: A\nTcpExt: 1\n", 0, 0, ""},
		{"names without values", "IpExt: InOctets OutOctets\n", 0, 0, ""},
		{"values short", "IpExt: InOctets OutOctets\nIpExt: 1\n", 0, 0, "1 values for 2 names"},
		{"not a number", "IpExt: InOctets OutOctets\nIpExt: 1 z\n", 0, 0, "OutOctets"},
	} {
		i, o, err := parseNetstat([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || i != c.i || o != c.o {
			t.Errorf("%s: %d %d %v, want %d %d", c.name, i, o, err, c.i, c.o)
		}
	}
}

// FuzzProcFiles feeds one input to every /proc parser: none panics, and
// each reads the same from the input with its last line unterminated.
func FuzzProcFiles(f *testing.F) {
	for _, s := range []string{statLine, limits, netstat, "btime 1796500000\n", "1 ((() S"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		trimmed := bytes.TrimSuffix(b, []byte("\n"))
		st, err := parseStat(b)
		if st2, err2 := parseStat(trimmed); (err == nil) != (err2 == nil) || st != st2 {
			t.Errorf("stat: %+v %v, without the newline %+v %v", st, err, st2, err2)
		}
		fl, al, err := parseLimits(b)
		if fl2, al2, err2 := parseLimits(trimmed); (err == nil) != (err2 == nil) || fl != fl2 || al != al2 {
			t.Errorf("limits: %d %d %v, without the newline %d %d %v", fl, al, err, fl2, al2, err2)
		}
		bt, err := parseBootTime(b)
		if bt2, err2 := parseBootTime(trimmed); (err == nil) != (err2 == nil) || bt != bt2 {
			t.Errorf("btime: %d %v, without the newline %d %v", bt, err, bt2, err2)
		}
		in, out, err := parseNetstat(b)
		if in2, out2, err2 := parseNetstat(trimmed); (err == nil) != (err2 == nil) || in != in2 || out != out2 {
			t.Errorf("netstat: %d %d %v, without the newline %d %d %v", in, out, err, in2, out2, err2)
		}
	})
}
