package console

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/status"
)

// liveFake is a backend with the daemon's Live: it copies a fixed state
// into the caller's buffer, as the daemon does, and counts the reads.
type liveFake struct {
	*controltest.Fake
	l                status.Live
	lives, snapshots int
}

func (b *liveFake) Live(_ context.Context, buf []status.LiveInstance) (status.Live, error) {
	b.lives++
	l := b.l
	l.Instances = append(buf[:0], b.l.Instances...)
	return l, nil
}

func (b *liveFake) Snapshot(ctx context.Context) (status.Daemon, error) {
	b.snapshots++
	return b.Fake.Snapshot(ctx)
}

func liveInstances(n int) []status.LiveInstance {
	out := make([]status.LiveInstance, n)
	for i := range out {
		out[i] = status.LiveInstance{Name: fmt.Sprintf("VI_%04d", i), State: "BACKUP", EffectivePriority: 100,
			MasterAddr: netip.MustParseAddr("192.0.2.2")}
	}
	return out
}

// At 4,000 instances the stream sends every row once, then only what
// changed: a steady tick is no rows and no allocation, one failover one
// row and its transition, a removed instance a nil row.
func TestSampleAt4000Instances(t *testing.T) {
	b := &liveFake{Fake: controltest.New(), l: status.Live{ConfigHash: "abc", Instances: liveInstances(4000)}}
	c := New(b, Options{})
	ctx := t.Context()
	first, _, err := c.sample(ctx)
	if err != nil || len(first) != 4001 || first["i-VI_3999"]["master"] != "192.0.2.2" {
		t.Fatalf("first sample: %d rows, %v", len(first), err)
	}
	if n := testing.AllocsPerRun(10, func() {
		if d, _, _ := c.sample(ctx); len(d) != 0 {
			t.Fatalf("steady sample sent %d rows", len(d))
		}
	}); n != 0 {
		t.Errorf("a steady sample of 4,000 instances allocates %v times", n)
	}
	b.l.Instances[7].State, b.l.Instances[7].LastReason = "MASTER", "master down timer expired"
	b.l.Instances = b.l.Instances[:3999]
	d, trans, _ := c.sample(ctx)
	if len(d) != 2 || d["i-VI_0007"]["state"] != "MASTER" || d["i-VI_3999"] != nil {
		t.Fatalf("after a failover and a removal: %v", d)
	}
	if len(trans) != 1 || trans[0].From != "BACKUP" || trans[0].Reason != "master down timer expired" {
		t.Fatalf("transitions %+v", trans)
	}
	if b.snapshots != 0 || b.lives != 13 {
		t.Fatalf("%d snapshots and %d live reads, want Live only", b.snapshots, b.lives)
	}
}

// A backend without Live is followed through its snapshots.
func TestSampleFromSnapshot(t *testing.T) {
	b := &backend{Fake: controltest.New()}
	c := New(b, Options{})
	first, _, err := c.sample(t.Context())
	if err != nil || first["i-VI_1"] == nil || first["r-TCP 192.0.2.100:80|192.0.2.21:80"]["weight"] == "" {
		t.Fatalf("first sample %v, %v", first, err)
	}
	b.Drain(t.Context(), "TCP 192.0.2.100:80", "192.0.2.21:80", true)
	d, _, _ := c.sample(t.Context())
	if r := d["r-TCP 192.0.2.100:80|192.0.2.21:80"]; len(d) != 1 || r["weight"] != "0" || r["health"] != "up, drained" {
		t.Fatalf("after a drain: %v", d)
	}
}
