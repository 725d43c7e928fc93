// Package roff writes man pages in the man(7) macro language, so that
// govrrpd's pages can be generated from the code that defines what they
// describe (the flag set, the keyword registry) instead of being written
// by hand and drifting.
package roff
