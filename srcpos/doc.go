// Package srcpos names the configuration line a setting came from in eight
// bytes. A large LVS configuration has a virtual server, real server and
// checker per few lines, each remembering its line for log messages; as
// formatted "file:line" strings those were a tenth of the loaded
// configuration's memory and half a million allocations. A VRRP instance
// and a sync group keep theirs the same way (thousands of instances: issue
// #12).
//
// A domain package: it imports nothing of govrrpd (test/deps enforces it).
// srcpos_test.go covers the file table and concurrent use.
package srcpos
