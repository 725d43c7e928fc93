// Command rssmap says where a running process's resident memory is: per
// ELF section of its binary (.text, .rodata, .gopclntab, .data, .bss, …),
// split into file-backed and anonymous pages, from /proc/PID/pagemap, and
// its VmRSS, RssFile, RssAnon and thread count. docs/scale.md ("Idle RSS")
// was measured with it:
//
//	go run ./tools/rssmap -pid $(cat /run/keepalived.pid)
//
// With -packages N it also lists the N packages with the most resident
// code (.text pages, each given to the package with most of its bytes,
// from the function table, so a binary built with -s works too): two
// processes of one binary differ by the packages their work touched.
//
// With -windows it lists .text in the kernel's 64 KiB fault-around
// windows (a page touched maps the cached pages around it): each window's
// resident pages, its largest packages and the package initialisers in it.
// A window holding an initialiser is mapped by every process at start; a
// package's init made lazy frees its window only when nothing else in it
// runs (docs/scale.md, "Session 7: the binary's resident pages").
//
// smaps gives one figure per mapping, and the Go linker puts .rodata,
// .gopclntab and the link tables in one read-only mapping; pagemap tells
// which of their pages are present. Reading another process's pagemap
// needs root (or the same user and ptrace rights).
package main
