package bgpspeaker

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
)

// slogAdapter hands GoBGP's log lines to the daemon's slog logger. Fields
// that could carry a neighbour's configuration (and so its password) are
// left out: no secret reaches the logs.
type slogAdapter struct {
	log   *slog.Logger
	level gobgplog.LogLevel
}

func (l *slogAdapter) attrs(f gobgplog.Fields) []any {
	out := make([]any, 0, 2*len(f)+2)
	out = append(out, "component", "gobgp")
	for k, v := range f {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "pass") || strings.Contains(lk, "conf") || k == gobgplog.FieldFacility {
			continue
		}
		out = append(out, k, fmt.Sprint(v))
	}
	return out
}

func (l *slogAdapter) emit(lv gobgplog.LogLevel, sl slog.Level, msg string, f gobgplog.Fields) {
	if lv > l.level {
		return
	}
	l.log.Log(context.Background(), sl, msg, l.attrs(f)...)
}

// Panic and Fatal are logged as errors: GoBGP raises them for a listener
// it cannot open, which must not take the VRRP side down with it.
func (l *slogAdapter) Panic(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.PanicLevel, slog.LevelError, msg, f)
}
func (l *slogAdapter) Fatal(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.FatalLevel, slog.LevelError, msg, f)
}
func (l *slogAdapter) Error(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.ErrorLevel, slog.LevelError, msg, f)
}
func (l *slogAdapter) Warn(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.WarnLevel, slog.LevelWarn, msg, f)
}
func (l *slogAdapter) Info(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.InfoLevel, slog.LevelInfo, msg, f)
}
func (l *slogAdapter) Debug(msg string, f gobgplog.Fields) {
	l.emit(gobgplog.DebugLevel, slog.LevelDebug, msg, f)
}
func (l *slogAdapter) SetLevel(level gobgplog.LogLevel) { l.level = level }
func (l *slogAdapter) GetLevel() gobgplog.LogLevel      { return l.level }
