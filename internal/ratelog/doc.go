// Package ratelog caps what a flood can write to the log. A hostile or
// broken peer can send tens of thousands of bad packets a second; logged
// one line each, a 30 s flood wrote 1.42 M lines (152 MB) per router. The
// handler here logs the first occurrence of each (message, reason,
// source) and then, while they keep coming, one summary line per interval
// with how many were held back — so the operator still sees what happened,
// from whom and how much, at a bounded cost in lines and memory.
//
// It wraps any slog.Handler. Wrap the logger of a hot path (packet
// receive, per-probe failures), not the daemon's main logger: records that
// differ only in attributes outside the key count as one.
package ratelog
