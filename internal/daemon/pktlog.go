package daemon

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/ratelog"
)

// packetLog is the logger for lines a received or sent packet can cause
// (a lower-priority advert heard, a failed send): a flood would otherwise
// write one line per packet. Each kind — message, instance and source —
// is logged on its first occurrence, then summarised with a count every
// 10 s while it keeps coming. Drops are counted (rx.go) and, with -D, also
// logged through drops, a limiter of their own.
type packetLog struct {
	*slog.Logger
	h *ratelog.Handler
	// drops keys on reason, source and instance, and tracks few keys: a
	// flood from spoofed sources costs at most dropKeys lines (and the
	// summary of the rest) per window, never a line a packet. A repeat
	// costs one lookup and no allocation: the record is built only for
	// a line that is written.
	drops *ratelog.Counter[dropKind]
	out   slog.Handler // where drop lines go (the daemon's handler)
}

// dropKind is what a drop line is keyed on.
type dropKind struct {
	reason, instance string
	from             netip.Addr
}

// dropKeys bounds the distinct drop kinds logged on their own per window.
const dropKeys = 64

func newPacketLog(log *slog.Logger, d *Daemon) packetLog {
	now := func() time.Time { return d.now() }
	h := ratelog.New(log.Handler(), ratelog.Options{KeyAttrs: []string{"instance", "from", "to"}, Now: now})
	drops := ratelog.NewCounter[dropKind](ratelog.Options{MaxKeys: dropKeys, Now: now})
	return packetLog{Logger: slog.New(h), h: h, drops: drops, out: log.Handler()}
}

// drop logs a dropped packet at debug level (-D): the first of each
// reason, source and instance, then a count every window.
func (p packetLog) drop(in *instance, reason string, from netip.Addr) {
	ctx := context.Background()
	if !p.out.Enabled(ctx, slog.LevelDebug) {
		return
	}
	k := dropKind{reason: reason, from: from}
	if in != nil {
		k.instance = in.cfg.Name
	}
	if p.drops.Held(k) {
		return
	}
	attrs := []slog.Attr{slog.String("reason", reason), slog.Any("from", from), slog.String("instance", k.instance)}
	r := slog.NewRecord(time.Now(), slog.LevelDebug, "packet dropped", 0)
	r.AddAttrs(attrs...)
	_ = p.drops.Log(ctx, p.out, k, r, attrs)
}

// run writes the summaries of kinds that stopped coming until ctx ends.
func (p packetLog) run(ctx context.Context) {
	go p.drops.Run(ctx)
	p.h.Run(ctx)
}
