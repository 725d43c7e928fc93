package lvscf

// wellKnownPort answers getservbyname(name, "tcp") for the services an
// lvs.cf is likely to name, without reading the host's /etc/services, so
// that the same file converts the same way everywhere.
func wellKnownPort(name string) (int, bool) {
	for _, s := range tcpServices {
		if s.name == name {
			return s.port, true
		}
	}
	return 0, false
}

// tcpServices is a table the linker lays out, not a map built at start:
// a daemon that never reads an lvs.cf runs none of this package (keys.go).
var tcpServices = [...]struct {
	name string
	port int
}{
	{"ftp-data", 20}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"mail", 25},
	{"domain", 53}, {"gopher", 70}, {"finger", 79}, {"http", 80}, {"www", 80}, {"kerberos", 88},
	{"pop3", 110}, {"pop-3", 110}, {"sunrpc", 111}, {"nntp", 119}, {"ntp", 123}, {"imap", 143},
	{"imap2", 143}, {"snmp", 161}, {"ldap", 389}, {"https", 443}, {"microsoft-ds", 445},
	{"submissions", 465}, {"urd", 465}, {"ssmtp", 465}, {"smtps", 465}, {"submission", 587},
	{"ldaps", 636}, {"imaps", 993}, {"pop3s", 995}, {"ms-sql-s", 1433}, {"openvpn", 1194},
	{"nfs", 2049}, {"mysql", 3306}, {"postgresql", 5432}, {"http-alt", 8080}, {"webcache", 8080},
}
