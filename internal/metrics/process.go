package metrics

import "os"

// The process's series under the names client_golang's process collector
// gave them, read from /proc at each scrape. A file that cannot be read
// leaves its series out, as that collector did by default.

func processDesc(name, help string, typ Type) *Desc { return newDesc("process_"+name, help, typ, nil) }

var (
	procCPU      = processDesc("cpu_seconds_total", "Total user and system CPU time spent in seconds.", CounterType)
	procMaxFDs   = processDesc("max_fds", "Maximum number of open file descriptors.", GaugeType)
	procNetIn    = processDesc("network_receive_bytes_total", "Number of bytes received by the process over the network.", CounterType)
	procNetOut   = processDesc("network_transmit_bytes_total", "Number of bytes sent by the process over the network.", CounterType)
	procOpenFDs  = processDesc("open_fds", "Number of open file descriptors.", GaugeType)
	procRSS      = processDesc("resident_memory_bytes", "Resident memory size in bytes.", GaugeType)
	procStart    = processDesc("start_time_seconds", "Start time of the process since unix epoch in seconds.", GaugeType)
	procVSize    = processDesc("virtual_memory_bytes", "Virtual memory size in bytes.", GaugeType)
	procVSizeMax = processDesc("virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", GaugeType)
)

// userHZ is the kernel's clock tick for /proc's times: 100 on every
// architecture Linux runs Go on (client_golang assumes it too).
const userHZ = 100

type processCollector struct{}

func (processCollector) Describe() []*Desc {
	return []*Desc{procCPU, procMaxFDs, procNetIn, procNetOut, procOpenFDs, procRSS, procStart, procVSize, procVSizeMax}
}

func (processCollector) Collect(s *Sink) {
	if b, err := readProc("self/stat"); err == nil {
		if st, err := parseStat(b); err == nil {
			s.Emit(procCPU, float64(st.utime+st.stime)/userHZ)
			s.Emit(procVSize, float64(st.vsize))
			s.Emit(procRSS, float64(st.rss)*float64(os.Getpagesize()))
			if b, err := readProc("stat"); err == nil {
				if boot, err := parseBootTime(b); err == nil {
					s.Emit(procStart, float64(boot)+float64(st.start)/userHZ)
				}
			}
		}
	}
	if n, err := countFDs(); err == nil {
		s.Emit(procOpenFDs, float64(n))
	}
	if b, err := readProc("self/limits"); err == nil {
		if files, as, err := parseLimits(b); err == nil {
			s.Emit(procMaxFDs, float64(files))
			s.Emit(procVSizeMax, float64(as)) // unlimited: 1.8446744073709552e+19
		}
	}
	if b, err := readProc("self/net/netstat"); err == nil {
		if in, out, err := parseNetstat(b); err == nil {
			s.Emit(procNetIn, float64(in))
			s.Emit(procNetOut, float64(out))
		}
	}
}
