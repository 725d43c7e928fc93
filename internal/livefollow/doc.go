// Package livefollow follows a running daemon for the web console's event
// stream: each sample is the rows that changed since the last one and the
// state transitions between them. It is apart from internal/console so
// that the daemon computes the sample itself when the console runs in the
// govrrpd-ops helper (internal/opsproc): a console open on a 4,080-instance
// daemon then moves a few changed rows a second between the processes,
// not a whole snapshot.
package livefollow
