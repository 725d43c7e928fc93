// Command benchreport makes docs/benchmarks.md (`make bench`): it runs every
// side-by-side benchmark of govrrpd against keepalived 2.2.7 (or reads the
// outputs of an earlier run), turns each figure into a row with both
// daemons, the ratio, the target and pass/miss, draws the plots with gonum,
// and names the machine, kernel, commit and date, so a user gets one report
// made by one command instead of figures scattered over docs/ pages.
//
// Benchmarks with their own output (tools/failbench, checkbench,
// scalebench, conftest.sh, BenchmarkKernelIPVS) are read by a parser each;
// any benchmark may also print rows in the common format
//
//	ROW name="..." govrrpd=... keepalived=... ratio=... target="..." verdict=pass|miss by="..."
//
// which needs no parser here (the reliability suite's rows, for one).
package main
