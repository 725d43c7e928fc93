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
// smaps gives one figure per mapping, and the Go linker puts .rodata,
// .gopclntab and the link tables in one read-only mapping; pagemap tells
// which of their pages are present. Reading another process's pagemap
// needs root (or the same user and ptrace rights).
package main
