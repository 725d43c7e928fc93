package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/govrrpd/govrrpd/internal/ratelog"
)

// packetLog is the logger for lines a received or sent packet can cause
// (a lower-priority advert heard, a failed send): a flood would otherwise
// write one line per packet. Each kind — message, instance and source —
// is logged on its first occurrence, then summarised with a count every
// 10 s while it keeps coming. Drops are not logged at all; they are
// counted (rx.go).
type packetLog struct {
	*slog.Logger
	h *ratelog.Handler
}

func newPacketLog(log *slog.Logger, d *Daemon) packetLog {
	h := ratelog.New(log.Handler(), ratelog.Options{
		KeyAttrs: []string{"instance", "from", "to"},
		Now:      func() time.Time { return d.now() },
	})
	return packetLog{slog.New(h), h}
}

// run writes the summaries of kinds that stopped coming until ctx ends.
func (p packetLog) run(ctx context.Context) { p.h.Run(ctx) }
