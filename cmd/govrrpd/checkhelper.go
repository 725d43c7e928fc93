package main

import (
	"log/slog"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/checkproc"
)

// useCheckHelper has HTTP_GET and SSL_GET checkers run in the
// govrrpd-check helper (internal/checkproc), which starts with the first
// such checker and stops when a reload leaves none: the daemon links no
// HTTP or TLS code (docs/scale.md, Session 9). It looks for the helper
// only then, so -t and configurations without them never need it.
func useCheckHelper(o *options, log *slog.Logger) {
	check.SetHTTP(checkproc.New(checkproc.Options{Log: log, Helper: o.checkHelper}).NewProber)
}
