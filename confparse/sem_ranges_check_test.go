package confparse

import (
	"strings"
	"testing"
	"time"
)

// inChecker places a line inside a checker block of a real server.
func inChecker(kind string) func(string) string {
	return func(line string) string {
		return inRS(kind + " {\n   " + line + "\n  }")
	}
}

func TestCheckerIntRanges(t *testing.T) {
	tcp, udp := inChecker("TCP_CHECK"), inChecker("UDP_CHECK")
	// A minimum above the maximum is a warning of its own.
	udpWide := func(line string) string { return udp("max_reply_length 65535\n   " + line) }
	checkIntRanges(t, []intRange{
		intCase(t, "retry", 0, lvsMaxInt, tcp, func(c *Config) int { return c.Checkers[0].Retry }),
		intCase(t, "min_reply_length", 0, 65535, udpWide, func(c *Config) int { return c.Checkers[0].UDP().MinReplyLength }),
		intCase(t, "max_reply_length", 0, 65535, udp, func(c *Config) int { return c.Checkers[0].UDP().MaxReplyLength }),
	})
}

func TestCheckerTimerRanges(t *testing.T) {
	tcp := inChecker("TCP_CHECK")
	checkDurRanges(t, []durRange{
		timerCase(t, "connect_timeout", lvsMinTimer, tcp, func(c *Config) time.Duration { return c.Checkers[0].ConnectTimeout }),
		longTimerCase(t, "delay_loop", lvsMinTimer, tcp, func(c *Config) time.Duration { return c.Checkers[0].DelayLoop }),
		longTimerCase(t, "delay_before_retry", 0, tcp, func(c *Config) time.Duration { return c.Checkers[0].DelayBeforeRetry }),
		longTimerCase(t, "warmup", 0, tcp, func(c *Config) time.Duration { return c.Checkers[0].Warmup }),
	})
}

// connect_port and fwmark have keepalived's own messages (fwmark is
// decimal, as keepalived 2.2.7 -t reads it); a bad value
// leaves the checker on the real server's port and without a mark.
func TestCheckerPortAndMark(t *testing.T) {
	tcp := inChecker("TCP_CHECK")
	cases := []struct {
		line string
		port uint16
		mark uint32
		msg  string
	}{
		{"connect_port 1", 1, 0, ""},
		{"connect_port 65535", 65535, 0, ""},
		{"connect_port 0", 0, 0, "'0'"},
		{"connect_port 65536", 0, 0, "'65536'"},
		{"fwmark 0", 0, 0, ""},
		{"fwmark 0x10", 0, 0, "Invalid fwmark connection value '0x10'"},
		{"fwmark 4294967295", 0, 4294967295, ""},
		{"fwmark 4294967296", 0, 0, "Invalid fwmark connection value '4294967296'"},
		{"fwmark mark", 0, 0, "Invalid fwmark connection value 'mark'"},
	}
	for _, c := range cases {
		cfg, diags := loadText(t, tcp(c.line))
		ck := cfg.Checkers[0]
		if ck.ConnectPort != c.port || ck.FWMark != c.mark {
			t.Errorf("%q: port %d mark %d, want %d %d", c.line, ck.ConnectPort, ck.FWMark, c.port, c.mark)
		}
		if c.msg == "" && diags.HasErrors() || c.msg != "" && !strings.Contains(diags.String(), c.msg) {
			t.Errorf("%q: messages, want %q:\n%s", c.line, c.msg, diags)
		}
	}
}
