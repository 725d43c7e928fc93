package bgpwire

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// The helper's records come out of the daemon's logger as if logged there:
// level, message, the logger's own attributes and the record's, groups
// as dotted keys; records under the helper's level never travel.
func TestRelog(t *testing.T) {
	var sent []Record
	log := slog.New(NewHandler(func(r Record) { sent = append(sent, r) }, slog.LevelInfo)).With("subsystem", "bgp")
	log.Debug("not sent")
	log.Warn("BGP withdraw", "prefix", "192.0.2.200/32", slog.Group("peer", "addr", "198.51.100.14"),
		"err", errors.New("boom"))
	log.WithGroup("g").Info("grouped", "k", 1)
	if len(sent) != 2 {
		t.Fatalf("sent %d records, want 2: %+v", len(sent), sent)
	}
	var out bytes.Buffer
	daemon := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
	for _, r := range sent {
		Relog(daemon, r)
	}
	want := `level=WARN msg="BGP withdraw" subsystem=bgp prefix=192.0.2.200/32 peer.addr=198.51.100.14 err=boom
level=INFO msg=grouped subsystem=bgp g.k=1
`
	if out.String() != want {
		t.Errorf("relogged:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	Relog(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelError})), sent[0])
	if strings.Contains(out.String(), "withdraw") {
		t.Errorf("a warning passed an error-level logger: %s", out.String())
	}
}
