package lvscf

import (
	"fmt"
	"strings"
	"testing"
)

// bigLVSCF is a GUI-style file with n virtual servers of four real servers.
func bigLVSCF(n int) []byte {
	var b strings.Builder
	b.WriteString("serial_no = 1\nprimary = 192.0.2.1\nbackup_active = 1\nbackup = 192.0.2.2\nkeepalive = 6\ndeadtime = 18\nnetwork = direct\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "virtual v%d {\n     active = 1\n     address = 198.51.%d.%d eth0:%d\n     vip_nmask = 255.255.255.255\n", i, 100+i/250, 1+i%250, i)
		fmt.Fprintf(&b, "     port = %d\n     send = \"GET / HTTP/1.0\\r\\n\\r\\n\"\n     expect = \"HTTP\"\n     timeout = 6\n     reentry = 6\n", 1000+i)
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, "     server s%d {\n         address = 192.0.2.%d\n         active = 1\n         weight = 1\n     }\n", j, 10+j)
		}
		b.WriteString("}\n")
	}
	return []byte(b.String())
}

// BenchmarkImport500 parses, converts and renders a 500-virtual-server
// file (2000 real servers), the size of a large Piranha installation.
func BenchmarkImport500(b *testing.B) {
	data := bigLVSCF(500)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, ds := Import(data, Options{}, ConvertOptions{Node: "primary"})
		if res == nil {
			b.Fatal(ds)
		}
		_ = res.String()
	}
}
