// Package opswire is the protocol between govrrpd and its operations
// helper, govrrpd-ops serve, which answers the control socket, the
// --http-listen listeners, the web console and /metrics on the daemon's
// behalf (internal/opsproc). The helper holds net/http, crypto/tls and
// crypto/x509; the daemon answers the helper's backend calls.
//
// The two share one unix socketpair: length-prefixed JSON frames, each
// carrying the protocol version. The helper speaks first (a Hello with its
// release), the daemon answers with the Setup (the token and the console's
// settings, which must not travel on a command line), then the helper
// sends requests (snapshot, drain, maintenance, reload, plan, the metrics
// page, the console's sample) and log records, and the daemon answers
// each request by its id. Errors keep their class (not found, invalid,
// deadline), so the API answers 404, 400 and 503 as it would in-process.
//
// Each side bounds what it reads: the helper's frames are a few names
// (MaxFromHelper), the daemon's a snapshot or a page of thousands of
// instances (MaxFromDaemon). The setup carries the token, so frames are
// never logged.
//
// Tests: table tests of the codec and the error classes, and fuzz targets
// on both sides' decoders.
package opswire
