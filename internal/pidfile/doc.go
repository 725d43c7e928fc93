// Package pidfile writes the daemon's pid files the way keepalived does, so
// that scripts reading /run/keepalived.pid keep working and a pid file
// cannot be abused to overwrite another file.
//
// keepalived opens its pid files with O_NOFOLLOW (since 2.0.11: a symlink
// planted at the pid path, e.g. to /etc/passwd, would otherwise be
// truncated by a root daemon), creates them rw-r--r-- whatever the umask,
// and (2.4) holds an open-file-description lock on each for as long as it
// runs, so a second daemon with the same pid file refuses to start. govrrpd
// does the same, and also refuses when the file names a live process that
// holds no lock (keepalived 2.2.7 takes none).
package pidfile
