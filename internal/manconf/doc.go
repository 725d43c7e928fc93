// Package manconf makes govrrpd.conf(5) from the keyword table
// (docs/keywords.md, which the confparse registry test keeps equal to what
// the parser does), so the man page states each keyword's status exactly as
// the parser treats it and cannot drift from it. The --bgp-config file's
// keywords are listed in bgp.go, held equal to confparse's BGP tables by
// TestBGPKeysMatchParser.
package manconf
